"""Thirty partners signing up at once for ten places: threads, each with its own connection,
all released together. The activity row's lock (select_for_update) serialises them: exactly
ten places, twenty on the waiting list in a strict order, and a cancellation under the same
storm moves exactly one up. Meant for PostgreSQL (GRIDBEE_DATABASE_URL); SQLite serialises
writers anyway and runs it too."""

from collections import Counter

import pytest

from gridbee.rewards.tests.test_shop_concurrency import at_once
from gridbee.services import actions_activities as actions
from gridbee.services.models import Signup

from . import factories

pytestmark = pytest.mark.django_db(transaction=True)

PARTNERS = 30
PLACES = 10


def test_concurrent_sign_ups_never_pass_the_capacity(live_county):
    county = live_county
    activity = factories.activity(county, capacity=PLACES)
    partners = factories.partners(county, PARTNERS)

    results = at_once([lambda p=p: actions.sign_up(activity.pk, actor=p.user) for p in partners])

    assert Counter(getattr(r, "status", r) for r in results) == {
        "confirmed": PLACES,
        "waiting": PARTNERS - PLACES,
    }
    confirmed = Signup.objects.filter(activity=activity, status="confirmed")
    assert confirmed.count() == PLACES

    # Five with a place cancel while five more sign up again (no-ops) at the same moment.
    leaving = [s.partner for s in confirmed[:5]]
    waiting = list(
        Signup.objects.filter(activity=activity, status="waiting").order_by("signed_up_at", "id")
    )
    calls = [lambda p=p: actions.cancel_signup(activity.pk, actor=p.user) for p in leaving]
    calls += [lambda p=p: actions.sign_up(activity.pk, actor=p.user) for p in partners[:5]]
    at_once(calls)

    assert Signup.objects.filter(activity=activity, status="confirmed").count() == PLACES
    moved = set(
        Signup.objects.filter(activity=activity, status="confirmed").values_list("pk", flat=True)
    )
    assert {s.pk for s in waiting[:5]} <= moved  # the first five waiting, in their order
    assert not {s.pk for s in waiting[5:]} & moved
