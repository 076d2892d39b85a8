"""The test suite's settings: the real ones, with tasks run inline and files kept apart."""

import os
import tempfile

from gridbee.settings import *  # noqa: F403
from gridbee.settings import DATABASES, HUEY, S3_BUCKET

HUEY = {**HUEY, "immediate": True}
# Argon2 is deliberately slow; tests log in thousands of times.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = tempfile.mkdtemp(prefix="gridbee-media-")
if S3_BUCKET:
    from gridbee.settings import STORAGES

    # Test processes share the object store's bucket (the rig): each keeps its files under a
    # prefix of its own, so a test that counts what was stored counts its own process only.
    STORAGES = {
        **STORAGES,
        "default": {
            **STORAGES["default"],
            "OPTIONS": {**STORAGES["default"]["OPTIONS"], "location": f"test-{os.getpid()}"},
        },
    }
GRID_INDEX_CHECK_SECONDS = 0.0
# Every test calls from 127.0.0.1, and with Redis every test process counts together: the
# Open311 rate limit is off, and its own test turns it on (reports/tests/test_open311_privacy.py).
OPEN311_REQUESTS_PER_MINUTE = 0

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not SQLite's shared in-memory database: concurrency tests need real locking
    # (WAL, busy timeout) as in production. One file per test process.
    DATABASES["default"]["TEST"] = {
        "NAME": f"{tempfile.gettempdir()}/gridbee-test-{os.getpid()}.sqlite3"
    }

if "pool" in DATABASES["default"].get("OPTIONS", {}):
    # Tests start threads that borrow a connection each and never hand it back (20 parallel
    # posts, 100 racing redemptions): a pool of 8 would run dry. Each thread opens its own,
    # as it did before pooling; core/tests/test_connections.py serves the pooled app itself.
    del DATABASES["default"]["OPTIONS"]["pool"]
