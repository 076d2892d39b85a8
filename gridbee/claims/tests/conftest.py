import pytest

from .parties import add_claims_parties


@pytest.fixture
def county(county):
    return add_claims_parties(county)


@pytest.fixture
def live_county(live_county):
    return add_claims_parties(live_county)
