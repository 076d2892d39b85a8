"""The demo city: 惠水县 with its real divisions, plausible grids and one account per role.
Created through the same actions as real data, so the demo exercises the real paths."""

from django.db import transaction

from gridbee.geo.actions import import_grids, import_regions
from gridbee.geo.demo_layer import huishui_grids, huishui_regions
from gridbee.geo.models import Region
from gridbee.people.demo import create_demo_accounts
from gridbee.people.models import User


def database_is_empty() -> bool:
    return not Region.objects.exists() and not User.objects.exists()


@transaction.atomic
def create_demo_city() -> list[dict]:
    """Creates the demo county and accounts; returns the accounts (role, mobile, password)."""
    if not Region.objects.exists():
        import_regions(huishui_regions())
        import_grids(huishui_grids())
    return create_demo_accounts()
