"""Logins end at once: a partner suspended or revoked loses every session and API token; a new
password ends the user's other sessions and every token; staff revoke tokens in the admin."""

import pytest
from django.test import Client

from gridbee.people.models import ApiToken

from . import county as fixture

NEW_PASSWORD = "a-new-password-2026"


def token(mobile: str, password: str = fixture.PASSWORD) -> str:
    response = Client().post(
        "/api/auth/token", {"mobile": mobile, "password": password}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


def me(raw_token: str) -> int:
    return Client().get("/api/me", headers={"authorization": f"Bearer {raw_token}"}).status_code


def web_session(mobile: str, password: str = fixture.PASSWORD) -> Client:
    client = Client()
    assert client.post("/login/", {"username": mobile, "password": password}).status_code == 302
    return client


def still_logged_in(client: Client) -> bool:
    """Both the pages and the API (with the session) still know who this is."""
    page = client.get("/me/")
    api = client.get("/api/me")
    assert (page.status_code == 200) == (api.status_code == 200)
    return api.status_code == 200


def staff_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("action", ["suspend", "revoke"])
def test_suspending_or_revoking_a_partner_ends_their_sessions_and_tokens(county, action):
    mobile = county.partner_user.mobile
    phone, old_phone = token(mobile), token(mobile)
    browser = web_session(mobile)
    assert me(phone) == me(old_phone) == 200 and still_logged_in(browser)
    bystander = token(county.reviewer.mobile)

    response = staff_client(county.reviewer).post(
        f"/api/partners/{county.partner.pk}/{action}",
        {"reason": "false_reports", "note": "三次上报与现场不符"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert me(phone) == me(old_phone) == 401
    assert not still_logged_in(browser)
    assert browser.get("/me/").url.startswith("/login/")
    assert not ApiToken.objects.filter(user=county.partner_user).exists()
    assert me(bystander) == 200  # nobody else's logins end
    # They may log in again, to see their standing; what a partner does is refused them.
    again = Client()
    again.post("/login/", {"username": mobile, "password": fixture.PASSWORD})
    assert (
        again.get("/api/me").json()["partner"]["status"]
        == {
            "suspend": "suspended",
            "revoke": "revoked",
        }[action]
    )


def test_reinstating_a_partner_ends_nothing(county):
    staff = staff_client(county.reviewer)
    url = f"/api/partners/{county.partner.pk}"
    body = {"reason": "inactivity", "note": ""}
    assert staff.post(f"{url}/suspend", body, content_type="application/json").status_code == 200
    phone, browser = token(county.partner_user.mobile), web_session(county.partner_user.mobile)
    body = {"reason": "reviewed", "note": ""}
    assert staff.post(f"{url}/reinstate", body, content_type="application/json").status_code == 200
    assert me(phone) == 200 and still_logged_in(browser)


def test_a_new_password_set_in_the_admin_ends_the_users_tokens_and_sessions(county):
    mobile = county.partner_user.mobile
    phone, browser = token(mobile), web_session(mobile)
    admin = staff_client(county.admin)
    response = admin.post(
        f"/admin/people/user/{county.partner_user.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302, response.context["form"].errors
    assert me(phone) == 401 and not still_logged_in(browser)
    assert me(token(mobile, NEW_PASSWORD)) == 200


def test_changing_ones_own_password_keeps_this_session_only(county):
    mobile = county.admin.mobile
    here, elsewhere, phone = web_session(mobile), web_session(mobile), token(mobile)
    response = here.post(
        f"/admin/people/user/{county.admin.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302, response.context["form"].errors
    assert still_logged_in(here)  # Django re-stamps the session the change was made in
    assert not still_logged_in(elsewhere)
    assert me(phone) == 401


def test_tokens_are_listed_and_revoked_in_the_admin(county):
    mobile = county.partner_user.mobile
    lost_phone, phone = token(mobile), token(mobile)
    lost = ApiToken.objects.order_by("pk").first()
    admin = staff_client(county.admin)
    listing = admin.get("/admin/people/apitoken/")
    assert listing.status_code == 200 and county.partner_user.masked_mobile in listing.text
    assert lost.digest not in listing.text
    detail = admin.get(f"/admin/people/apitoken/{lost.pk}/change/")
    assert detail.status_code == 200 and lost.digest not in detail.text
    assert admin.get("/admin/people/apitoken/add/").status_code == 403  # issued by logging in
    response = admin.post(
        "/admin/people/apitoken/",
        {"action": "revoke", "_selected_action": [lost.pk]},
        follow=True,
    )
    assert "已吊销 1 个令牌。" in response.text
    assert me(lost_phone) == 401 and me(phone) == 200


def test_staff_end_every_login_of_a_user_in_the_admin(county):
    mobile = county.operator.mobile
    phone, browser = token(mobile), web_session(mobile)
    response = staff_client(county.admin).post(
        "/admin/people/user/",
        {"action": "end_all_logins", "_selected_action": [county.operator.pk]},
        follow=True,
    )
    assert "其登录会话和 API 令牌已全部结束。" in response.text
    assert me(phone) == 401 and not still_logged_in(browser)
    assert me(token(mobile)) == 200  # and they may log in again
