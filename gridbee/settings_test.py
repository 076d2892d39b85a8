"""The test suite's settings: the real ones, with tasks run inline and files kept apart."""

import tempfile

from gridbee.settings import *  # noqa: F403
from gridbee.settings import HUEY

HUEY = {**HUEY, "immediate": True}
# Argon2 is deliberately slow; tests log in thousands of times.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = tempfile.mkdtemp(prefix="gridbee-media-")
GRID_INDEX_CHECK_SECONDS = 0.0
