import datetime

from django.test import Client
from django.utils import timezone

from gridbee.people.models import ApiToken

from . import county as fixture


def token_for(client, mobile="13700000000", password=fixture.PASSWORD):
    return client.post(
        "/api/auth/token", {"mobile": mobile, "password": password}, content_type="application/json"
    )


def test_a_mobile_client_logs_in_with_a_bearer_token_and_logs_out(county):
    client = Client()
    response = token_for(client, mobile="+86 137-0000-0000")
    assert response.status_code == 200
    token = response.json()["token"]
    assert ApiToken.objects.get().digest != token  # only a digest is kept
    me = client.get("/api/me", headers={"authorization": f"Bearer {token}"}).json()
    assert me["role"] == "partner" and me["partner"]["certificate"]["number"]
    assert (
        client.delete("/api/auth/token", headers={"authorization": f"Bearer {token}"}).status_code
        == 204
    )
    assert client.get("/api/me", headers={"authorization": f"Bearer {token}"}).status_code == 401


def test_expired_and_unknown_tokens_are_refused(county):
    client = Client()
    token = token_for(client).json()["token"]
    ApiToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    for value in (token, "made-up"):
        response = client.get("/api/me", headers={"authorization": f"Bearer {value}"})
        assert response.status_code == 401
        assert response.json()["code"] == "auth.not_authenticated"


def test_failed_logins_are_throttled_per_mobile_even_with_the_right_password_after(county):
    client = Client()
    for _ in range(5):
        assert token_for(client, password="wrong").json()["code"] == "auth.bad_credentials"
    response = token_for(client)
    assert response.status_code == 429 and response.json()["code"] == "auth.throttled"
    assert token_for(client, mobile="13900000006").status_code == 200  # others unaffected


def test_the_login_page_is_throttled_too(county):
    client = Client()
    for _ in range(5):
        client.post("/login/", {"username": "13900000006", "password": "wrong"})
    page = client.post("/login/", {"username": "13900000006", "password": fixture.PASSWORD})
    assert page.status_code == 200 and "_auth_user_id" not in client.session
    assert "15" in page.content.decode() or "quarter" in page.content.decode()


def test_a_deactivated_account_cannot_use_its_token(county):
    client = Client()
    token = token_for(client).json()["token"]
    county.partner_user.is_active = False
    county.partner_user.save()
    assert client.get("/api/me", headers={"authorization": f"Bearer {token}"}).status_code == 401


def test_one_address_cannot_flood_the_application_form(county, settings):
    from gridbee.people import throttle

    client = Client(REMOTE_ADDR="10.9.8.7")
    body = {
        "name": "刷单", "mobile": "13600000000", "id_number": "12345", "password": "x",
        "station_id": county.station.pk, "work_area": "x", "grid_codes": [],
        "accepted_rules": True,
    }  # fmt: skip
    codes = [
        client.post("/api/enrolment/applications", body, content_type="application/json").json()[
            "code"
        ]
        for _ in range(throttle.APPLICATIONS_PER_HOUR + 1)
    ]
    assert codes[:-1] == ["people.invalid_id_number"] * throttle.APPLICATIONS_PER_HOUR
    assert codes[-1] == "auth.throttled"


def test_a_declared_permission_is_the_bearer_tokens_user_s_not_the_session_s(county):
    """A phone's token speaks for its user, even from a client with a session of another: the
    permission an operation declares is checked on whom its auth let in."""
    station = Client()
    station.force_login(county.station_user)
    partner_token = token_for(Client()).json()["token"]
    as_partner = {"authorization": f"Bearer {partner_token}"}
    assert station.get("/api/enrolment/applications").status_code == 200
    assert station.get("/api/enrolment/applications", headers=as_partner).status_code == 403

    partner = Client()
    partner.force_login(county.partner_user)
    station_token = token_for(Client(), mobile=county.station_user.mobile).json()["token"]
    as_station = {"authorization": f"Bearer {station_token}"}
    assert partner.get("/api/enrolment/applications").status_code == 403
    assert partner.get("/api/enrolment/applications", headers=as_station).status_code == 200
