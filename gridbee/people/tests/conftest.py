import pytest
from django.core.cache import cache

from gridbee.people import throttle

from . import county as county_module


@pytest.fixture
def county(db):
    return county_module.build()


@pytest.fixture(autouse=True)
def fresh_application_limit():
    """Every application the test client sends comes from 127.0.0.1 and counts towards that
    address's hourly limit. In a cache shared by the whole run (Redis) the people tests would
    use it up between them; each starts afresh (only this key: the Redis may be shared)."""
    cache.delete(throttle._key("apply-address", "127.0.0.1"))
