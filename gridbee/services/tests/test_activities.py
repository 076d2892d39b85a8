"""Activities: the waiting list moves up by itself, check-in needs the code of now and the
place, hours count from 60% of the activity, points come once, recurrence lands on the day."""

import datetime
import itertools

import pytest
from django.test import Client
from django.utils import timezone

from gridbee.core.errors import DomainError
from gridbee.rewards import ledger
from gridbee.rewards.choices import EntryKind
from gridbee.rewards.models import EarningRules, PointsEntry
from gridbee.services import actions_activities as actions
from gridbee.services import codes, recurrence
from gridbee.services.models import Notice, Signup

from . import factories

pytestmark = pytest.mark.django_db


def client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def codes_of(exc) -> str:
    return exc.value.code


def test_the_waiting_list_moves_up_when_a_place_comes_free(county):
    activity = factories.activity(county, capacity=2)
    a, b, c = factories.partners(county, 3)
    first = actions.sign_up(activity.pk, actor=a.user)
    second = actions.sign_up(activity.pk, actor=b.user)
    third = actions.sign_up(activity.pk, actor=c.user)
    assert [first.status, second.status, third.status] == ["confirmed", "confirmed", "waiting"]
    assert actions.sign_up(activity.pk, actor=c.user).pk == third.pk  # again: the same
    answer = client(c.user).get(f"/api/activities/{activity.pk}")
    assert answer.json()["my_status"] == "waiting"
    actions.cancel_signup(activity.pk, actor=a.user)
    third.refresh_from_db()
    assert third.status == "confirmed"
    assert Notice.objects.filter(recipient=c.user, kind="activity_place").exists()
    assert Signup.objects.filter(activity=activity, status="confirmed").count() == 2


def test_check_in_needs_the_code_of_now_and_the_place(county):
    activity = factories.activity(county, starts_in=datetime.timedelta(minutes=-1))
    partner = county.partner_user
    actions.sign_up(activity.pk, actor=partner)
    now = timezone.now().timestamp()
    stale = codes.code_for(activity, now - 24 * 3600)  # yesterday's photo of the code
    with pytest.raises(DomainError) as refused:
        actions.check_by_code(activity.pk, actor=partner, code=stale, lat=factories.LAT,
                              lon=factories.LON, accuracy_m=10)  # fmt: skip
    assert codes_of(refused) == "services.code_invalid"
    two_km = factories.LAT + 0.018
    with pytest.raises(DomainError) as refused:
        actions.check_by_code(activity.pk, actor=partner, code=codes.code_for(activity),
                              lat=two_km, lon=factories.LON, accuracy_m=20)  # fmt: skip
    assert codes_of(refused) == "services.too_far"
    with pytest.raises(DomainError) as refused:
        actions.check_by_code(activity.pk, actor=partner, code=codes.code_for(activity),
                              lat=factories.LAT, lon=factories.LON, accuracy_m=900)  # fmt: skip
    assert codes_of(refused) == "services.position_too_vague"
    forged = codes.code_for(activity)[:-1] + "0"
    assert not codes.is_valid(activity, forged) or forged == codes.code_for(activity)
    previous = codes.code_for(activity, now - codes.STEP_SECONDS)  # scanned at the turn
    at_the_edge = factories.LAT + 0.002  # 222 m away, ±30 m: inside a 200 m radius
    signup = actions.check_by_code(activity.pk, actor=partner, code=previous,
                                   lat=at_the_edge, lon=factories.LON, accuracy_m=30)  # fmt: skip
    assert signup.checked_in_at is not None and signup.check_in_method == "code"
    assert not codes.is_valid(activity, codes.code_for(activity, now - 2 * codes.STEP_SECONDS))


def test_hours_count_from_sixty_percent_of_the_activity():
    start = timezone.now()
    activity = type("A", (), {"starts_at": start, "ends_at": start + datetime.timedelta(hours=2)})
    at = lambda minutes: start + datetime.timedelta(minutes=minutes)  # noqa: E731
    assert actions.credited_minutes(activity, at(0), at(72)) == 72  # exactly 60%
    assert actions.credited_minutes(activity, at(0), at(71.9)) == 0
    assert actions.credited_minutes(activity, at(-30), at(150)) == 120  # only the overlap
    assert actions.credited_minutes(activity, at(48), at(200)) == 72  # late, stayed on
    assert actions.credited_minutes(activity, at(49), at(200)) == 0


def test_check_out_credits_hours_and_the_points_once(county):
    EarningRules.objects.create(county_id=county.partner.county_id, activity_points=7)
    activity = factories.activity(county, starts_in=datetime.timedelta(minutes=-100), minutes=120)
    partner = county.partner
    signup = Signup.objects.create(activity=activity, partner=partner, status="confirmed",
                                   signed_up_at=timezone.now())  # fmt: skip
    Signup.objects.filter(pk=signup.pk).update(checked_in_at=activity.starts_at)
    before = ledger.balance(partner)
    for _ in range(2):  # a double tap
        done = actions.check_by_code(activity.pk, actor=partner.user,
                                     code=codes.code_for(activity), lat=factories.LAT,
                                     lon=factories.LON, direction="out")  # fmt: skip
    assert 99 <= done.credited_minutes <= 101
    assert ledger.balance(partner) == before + 7
    assert PointsEntry.objects.filter(partner=partner, kind=EntryKind.ACTIVITY).count() == 1
    record = client(partner.user).get("/api/me/volunteer").json()
    assert record["minutes"] == done.credited_minutes and record["certificate_number"]
    public = Client().get(f"/api/volunteer-certificates/{record['certificate_token']}")
    assert public.status_code == 200 and public.json()["activities"] == 1
    assert "*" in public.json()["name"]


def test_the_organiser_scans_the_certificate_in_then_out(county):
    activity = factories.activity(county, starts_in=datetime.timedelta(minutes=-1), points=3)
    actions.sign_up(activity.pk, actor=county.partner_user)
    token = county.partner.certificate.token
    organiser = client(county.operator)
    answer = organiser.post(f"/api/activities/{activity.pk}/scans",
                            {"certificate": f"https://x/verify/{token}/"},
                            content_type="application/json")  # fmt: skip
    assert answer.status_code == 200 and answer.json()["check_in_method"] == "organiser"
    again = organiser.post(f"/api/activities/{activity.pk}/scans", {"certificate": token},
                           content_type="application/json")  # fmt: skip
    assert again.json()["checked_out_at"] is None  # a second scan at once is a repeat
    far = client(county.far_reviewer)
    assert far.post(f"/api/activities/{activity.pk}/scans", {"certificate": token},
                    content_type="application/json").status_code == 403  # fmt: skip


def test_monthly_recurrence_lands_on_the_27th_and_month_ends_clamp(county):
    first = timezone.make_aware(datetime.datetime(2026, 1, 27, 9, 0))
    days = [d.date() for d in recurrence.starts(first, "monthly")]
    assert [(d.month, d.day) for d in days] == [(m, 27) for m in range(1, 7)]
    end_of_month = timezone.make_aware(datetime.datetime(2026, 1, 31, 9, 0))
    assert [d.day for d in recurrence.starts(end_of_month, "monthly", 3)] == [31, 28, 31]
    weekly = recurrence.starts(first, "weekly", 3)
    assert [(b - a).days for a, b in itertools.pairwise(weekly)] == [7, 7]
    made = actions.publish(
        {"title": "爱骑日", "kind": "riding_day", "lat": factories.LAT, "lon": factories.LON,
         "starts_at": first, "ends_at": first + datetime.timedelta(hours=2), "capacity": 5,
         "signup_opens_at": first - datetime.timedelta(days=7),
         "signup_closes_at": first, "recurrence": "monthly"},
        actor=county.operator,
    )  # fmt: skip
    assert len(made) == 6 and all(a.series_id == made[0].pk for a in made[1:])
    assert all(timezone.localtime(a.starts_at).day == 27 for a in made)
    assert all(
        timezone.localtime(a.signup_closes_at) == timezone.localtime(a.starts_at) for a in made
    )


def test_publishing_refuses_bad_times(county):
    with pytest.raises(DomainError) as refused:
        factories.activity(county, minutes=-5)
    assert refused.value.code == "services.bad_times"
