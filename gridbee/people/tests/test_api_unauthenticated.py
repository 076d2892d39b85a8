"""Who is not logged in is told so: 401 with a Bearer challenge, also on writes, where the
web's CSRF check used to answer first with a 403. A caller who is logged in but may not do
it still gets 403, and a logged-in session still needs its CSRF token.

The role matrix runs Django's test client, which skips CSRF checks; these run with them on,
as a browser or a phone meets the server."""

import io

import pytest
from django.test import Client

from gridbee.geo.tests import layers
from gridbee.reports.actions import ensure_default_categories
from gridbee.reports.tests import images

from . import county as fixture

CSRF = "c" * 32  # a CSRF secret sent as the cookie and, unmasked, as the header


def guarded() -> Client:
    return Client(enforce_csrf_checks=True)


def report_form() -> dict:
    ensure_default_categories()
    return {"category": "overflowing_bins", "lat": layers.Y0 + 0.005, "lon": layers.X0 + 0.005,
            "photos": [io.BytesIO(images.jpeg(320, 240))]}  # fmt: skip


def assert_unauthenticated(response) -> None:
    assert response.status_code == 401, response.content
    assert response["WWW-Authenticate"] == "Bearer"
    assert response.json()["code"] == "auth.not_authenticated"


@pytest.mark.parametrize("token", [None, "made-up"], ids=["no-token", "unknown-token"])
def test_an_anonymous_write_is_401_with_a_bearer_challenge(county, token):
    headers = {"Idempotency-Key": "k"} | ({"Authorization": f"Bearer {token}"} if token else {})
    assert_unauthenticated(guarded().post("/api/reports", report_form(), headers=headers))
    recommend = f"/api/enrolment/applications/{county.submitted.pk}/recommend"
    answer = guarded().post(recommend, {}, content_type="application/json", headers=headers)
    assert_unauthenticated(answer)


def test_an_anonymous_read_is_401_with_a_bearer_challenge(county):
    assert_unauthenticated(guarded().get("/api/me"))


def test_a_logged_in_caller_without_the_permission_still_gets_403(county):
    recommend = f"/api/enrolment/applications/{county.submitted.pk}/recommend"
    session = guarded()
    session.force_login(county.partner_user)
    session.cookies["csrftoken"] = CSRF
    answer = session.post(
        recommend, {}, content_type="application/json", headers={"X-CSRFToken": CSRF}
    )
    assert answer.status_code == 403 and answer.json()["code"] == "auth.forbidden"
    assert "WWW-Authenticate" not in answer
    login = {"mobile": county.partner_user.mobile, "password": fixture.PASSWORD}
    issued = guarded().post("/api/auth/token", login, content_type="application/json")
    token = issued.json()["token"]
    answer = guarded().post(
        recommend, {}, content_type="application/json", headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 403 and answer.json()["code"] == "auth.forbidden"


def test_a_logged_in_session_still_needs_its_csrf_token(county):
    session = guarded()
    session.force_login(county.partner_user)
    response = session.post("/api/reports", report_form(), headers={"Idempotency-Key": "k"})
    assert response.status_code == 403
    session.cookies["csrftoken"] = CSRF
    response = session.post(
        "/api/reports", report_form(), headers={"Idempotency-Key": "k", "X-CSRFToken": CSRF}
    )
    assert response.status_code == 201, response.content
