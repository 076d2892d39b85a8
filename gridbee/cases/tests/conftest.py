import pytest

from gridbee.people.tests import county as county_module
from gridbee.reports.actions import ensure_default_categories


@pytest.fixture
def county(db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    ensure_default_categories()
    return county_module.build()
