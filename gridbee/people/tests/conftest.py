import pytest
from django.core.cache import cache

from gridbee.people import throttle


@pytest.fixture(autouse=True)
def fresh_application_count():
    """Test clients all come from 127.0.0.1: its hourly count of applications would carry over
    from test to test (with Redis, from run to run) and refuse a later test's application.
    Only that key goes: clearing the whole cache would empty a Redis shared with others."""
    cache.delete(throttle._key("apply-address", "127.0.0.1"))
