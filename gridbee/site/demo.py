"""The demo city: 惠水县 with its real divisions, plausible grids, its organisations, partners and
team, and one account per role. Created through the same actions as real data, so the demo
exercises the real paths."""

from django.db import transaction

from gridbee.alerts.demo import create_demo_alerts
from gridbee.claims.demo import create_demo_claims
from gridbee.core.actions import mark_demo
from gridbee.geo.actions import import_grids, import_regions
from gridbee.geo.demo_layer import huishui_grids, huishui_regions
from gridbee.geo.models import Region
from gridbee.people.demo import DEMO_ACCOUNTS, DEMO_COUNTY, DEMO_PASSWORD, create_demo_people
from gridbee.people.models import User
from gridbee.reports.actions import ensure_default_categories
from gridbee.reports.demo import create_demo_reports
from gridbee.rewards.demo import create_demo_shop
from gridbee.rewards.demo_cash import create_demo_cash_rewards
from gridbee.services.demo import create_demo_services
from gridbee.stats.demo import create_demo_history


def database_is_empty() -> bool:
    return not Region.objects.exists() and not User.objects.exists()


@transaction.atomic
def create_demo_city() -> list[dict]:
    """On an empty database, the demo county (its layer, then its people) in one transaction,
    and the flag that makes every page say it is a demo; on any other, nothing. Returns the
    demo accounts present (role, mobile, password, name)."""
    if database_is_empty():
        ensure_default_categories()  # seeded by a migration; tests may have flushed them
        import_regions(huishui_regions())
        import_grids(huishui_grids())
        create_demo_people()
        create_demo_reports()
        create_demo_shop()
        create_demo_cash_rewards()
        create_demo_claims()
        create_demo_alerts()
        create_demo_services()
        create_demo_history(DEMO_COUNTY)
        mark_demo()  # every page says so from now on
    return existing_demo_accounts()


def existing_demo_accounts() -> list[dict]:
    """The demo accounts present in this database, for printing at start-up."""
    names = dict(
        User.objects.filter(mobile__in=[a["mobile"] for a in DEMO_ACCOUNTS]).values_list(
            "mobile", "name"
        )
    )
    return [
        {
            "role": str(a["role"]),
            "mobile": a["mobile"],
            "password": DEMO_PASSWORD,
            "name": names[a["mobile"]],
        }
        for a in DEMO_ACCOUNTS
        if a["mobile"] in names
    ]
