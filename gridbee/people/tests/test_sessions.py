"""A web login lasts a working day for staff and two weeks for a partner's phone."""

import pytest
from django.test import Client
from django.utils import timezone

from gridbee.people.models import ApiToken

from . import county as fixture

DAY_HOURS = 10
TWO_WEEKS = 14 * 24 * 3600


def login(mobile: str) -> Client:
    client = Client()
    response = client.post("/login/", {"username": mobile, "password": fixture.PASSWORD})
    assert response.status_code == 302, response.content.decode()
    return client


def cookie_age(client: Client) -> int:
    return int(client.cookies["sessionid"]["max-age"])


@pytest.mark.parametrize("role", ["operator", "reviewer", "station", "team_lead", "admin"])
def test_a_staff_login_ends_after_a_working_day(county, role):
    client = login(county.users[role].mobile)
    assert 0 < client.session.get_expiry_age() <= DAY_HOURS * 3600
    assert 0 < cookie_age(client) <= DAY_HOURS * 3600


def test_a_partner_stays_logged_in_on_the_phone_for_two_weeks(county):
    client = login(county.partner_user.mobile)  # a sub-captain too: still a partner
    assert client.session.get_expiry_age() == TWO_WEEKS
    assert cookie_age(client) == TWO_WEEKS


def test_the_working_day_is_counted_from_login_not_from_the_last_click(county, settings):
    settings.STAFF_SESSION_HOURS = 2
    client = login(county.operator.mobile)
    expiry = client.session.get_expiry_date()
    assert client.get("/console/").status_code == 200
    assert client.session.get_expiry_date() == expiry
    assert client.session.get_expiry_age() <= 2 * 3600


def bearer_token_age(county, mobile: str) -> float:
    response = Client().post(
        "/api/auth/token",
        {"mobile": mobile, "password": fixture.PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content.decode()
    token = ApiToken.objects.get(user__mobile=mobile)
    return (token.expires_at - timezone.now()).total_seconds()


@pytest.mark.parametrize("role", ["operator", "reviewer", "admin"])
def test_a_staff_bearer_token_lasts_a_working_day_too(county, role):
    assert 0 < bearer_token_age(county, county.users[role].mobile) <= DAY_HOURS * 3600


def test_a_partner_s_bearer_token_lasts_a_month(county):
    assert bearer_token_age(county, county.partner_user.mobile) > 29 * 24 * 3600
