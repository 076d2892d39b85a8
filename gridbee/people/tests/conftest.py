import pytest

from . import county as county_module


@pytest.fixture
def county(db):
    return county_module.build()
