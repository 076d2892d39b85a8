"""The login throttle: one count for every login form (web, API token, admin), kept in the
database, per mobile number and client address; X-Forwarded-For believed from trusted proxies
only; logins that go on while Redis is down."""

import datetime
import ipaddress
import os
import socket
import subprocess
import sys
import threading

import pytest
from axes.models import AccessAttempt
from django.db import connection
from django.db.models import Sum
from django.test import Client, RequestFactory, override_settings

from gridbee.people.addresses import client_address
from gridbee.people.models import User

from . import county as fixture

ATTACKER = "203.0.113.9"
OWNER = "198.51.100.7"
PROXY = "10.0.0.2"
ADMIN = "13900000007"  # the county's administrator (staff): may use the admin site
PARTNER = "13700000000"


def token(client, mobile=PARTNER, password=fixture.PASSWORD, **headers):
    return client.post(
        "/api/auth/token",
        {"mobile": mobile, "password": password},
        content_type="application/json",
        headers=headers,
    )


def web_login(client, mobile=PARTNER, password=fixture.PASSWORD):
    return client.post("/login/", {"username": mobile, "password": password})


def admin_login(client, mobile=ADMIN, password=fixture.PASSWORD):
    return client.post(
        "/admin/login/", {"username": mobile, "password": password, "next": "/admin/"}
    )


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def counted(mobile: str) -> int:
    return AccessAttempt.objects.filter(username=mobile).aggregate(n=Sum("failures_since_start"))[
        "n"
    ]


def test_the_admin_login_is_throttled(county):
    client = Client(REMOTE_ADDR=ATTACKER)
    for _ in range(5):
        page = admin_login(client, password="wrong")
        assert page.status_code == 200 and not logged_in(client)
    page = admin_login(client)  # the right password, too late
    assert page.status_code == 200 and not logged_in(client)
    assert page.context["form"].errors.as_data()["__all__"][0].code == "auth.throttled"
    assert "15 分钟" in page.content.decode()
    assert counted(ADMIN) == 5  # refused attempts are not counted: they do not prolong the lock


def test_web_api_and_admin_logins_share_one_count(county):
    client = Client(REMOTE_ADDR=ATTACKER)
    # The same account typed three ways, through the three doors.
    assert token(client, mobile=ADMIN, password="wrong").json()["code"] == "auth.bad_credentials"
    assert token(client, mobile="+86 139-0000-0007", password="x").status_code == 401
    assert not web_login(client, mobile=ADMIN, password="wrong").context["form"].is_valid()
    assert not web_login(client, mobile="139 0000 0007", password="x").context["form"].is_valid()
    admin_login(client, mobile="139 0000 0007", password="wrong")
    assert counted(ADMIN) == 5

    refused = token(client, mobile=ADMIN)
    assert refused.status_code == 429
    assert refused.json() == {
        "code": "auth.throttled",
        "message": "失败次数过多，请等待 15 分钟后再试。",
    }
    page = web_login(client, mobile=ADMIN)
    assert page.status_code == 200 and not logged_in(client)
    assert page.context["form"].errors.as_data()["__all__"][0].code == "auth.throttled"
    assert "失败次数过多，请等待 15 分钟后再试。" in page.content.decode()
    admin_login(client)
    assert not logged_in(client)


def test_failures_from_another_address_do_not_lock_the_owner_out(county):
    attacker = Client(REMOTE_ADDR=ATTACKER)
    for _ in range(10):
        token(attacker, password="wrong")
    assert token(attacker).json()["code"] == "auth.throttled"
    # The owner, from their own address, is not slowed down at all; nor on the web page.
    owner = Client(REMOTE_ADDR=OWNER)
    assert token(owner).status_code == 200
    assert web_login(owner).status_code == 302 and logged_in(owner)
    # Someone behind the attacker's address (a carrier's NAT) waits a quarter of an hour.
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - datetime.timedelta(minutes=16)
    )
    assert token(Client(REMOTE_ADDR=ATTACKER)).status_code == 200


def test_a_success_clears_the_failures_from_that_address_only(county):
    attacker, owner = Client(REMOTE_ADDR=ATTACKER), Client(REMOTE_ADDR=OWNER)
    for _ in range(5):
        token(attacker, password="wrong")
    for _ in range(4):
        token(owner, password="wrong")
    assert token(owner).status_code == 200  # the fifth try, right: their count starts again
    for _ in range(4):
        assert token(owner, password="wrong").json()["code"] == "auth.bad_credentials"
    assert token(owner).status_code == 200
    assert token(attacker).json()["code"] == "auth.throttled"


def test_a_reviewer_unlocks_at_once_in_the_admin(county):
    attacker = Client(REMOTE_ADDR=ATTACKER)
    for _ in range(5):
        token(attacker, password="wrong")
    assert token(attacker).status_code == 429
    admin = Client()
    admin.force_login(county.admin)
    response = admin.post(
        "/admin/people/user/",
        {"action": "unlock_logins", "_selected_action": [county.partner_user.pk]},
        follow=True,
    )
    assert "已清除 1 次失败的登录尝试。" in response.content.decode()
    assert token(attacker).status_code == 200
    # Axes' own list of failed attempts is there too, to see who is being tried.
    assert admin.get("/admin/axes/accessattempt/").status_code == 200


def burst(n: int = 20) -> list[int]:
    """n wrong logins sent at the same moment from one address; their answers' statuses."""
    User.objects.create_user(PARTNER, fixture.PASSWORD, name="王小明")
    barrier, codes = threading.Barrier(n), []

    def wrong():
        try:
            barrier.wait()
            codes.append(token(Client(REMOTE_ADDR=ATTACKER), password="wrong").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=wrong) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(codes)


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_wrong_logins_count_twenty(settings):
    settings.AXES_FAILURE_LIMIT = 21  # above the burst: every attempt is heard, and counted
    assert burst() == [401] * 20
    assert counted(PARTNER) == 20
    settings.AXES_FAILURE_LIMIT = 20
    assert token(Client(REMOTE_ADDR=ATTACKER)).json()["code"] == "auth.throttled"


@pytest.mark.django_db(transaction=True)
def test_of_twenty_concurrent_wrong_logins_five_are_heard():
    # Each is counted before its password is checked: the sixth and later are refused unheard.
    assert burst() == [401] * 5 + [429] * 15
    assert token(Client(REMOTE_ADDR=ATTACKER)).json()["code"] == "auth.throttled"
    assert token(Client(REMOTE_ADDR=OWNER)).status_code == 200


# --- the client's address behind proxies -----------------------------------------------------


def address(remote: str, forwarded: str | None = None) -> str | None:
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client_address(RequestFactory().get("/", REMOTE_ADDR=remote, **headers))


def test_forwarded_for_is_ignored_without_trusted_proxies(settings):
    settings.TRUSTED_PROXIES = []
    assert address(ATTACKER, OWNER) == ATTACKER
    assert address(PROXY, ATTACKER) == PROXY


@override_settings(TRUSTED_PROXIES=[ipaddress.ip_network(n) for n in ("10.0.0.0/8", "fd00::/8")])
def test_forwarded_for_is_walked_from_the_right_past_trusted_proxies():
    assert address(PROXY, ATTACKER) == ATTACKER
    # Whatever the client wrote itself stays on the left, past the first untrusted address.
    assert address(PROXY, f"{OWNER}, {ATTACKER}") == ATTACKER
    assert address(PROXY, f"{OWNER}, {ATTACKER}, 10.1.1.1") == ATTACKER  # two proxies
    assert address(PROXY, f"not-an-address, {ATTACKER}") == ATTACKER
    assert address(PROXY, "10.1.1.1") == "10.1.1.1"  # only proxies: the farthest one
    assert address(PROXY, "") == PROXY
    assert address(PROXY, "garbage") == PROXY
    assert address("fd00::2", f" {OWNER} ") == OWNER
    assert address("::ffff:10.0.0.2", "2001:db8::1") == "2001:db8::1"
    assert address(ATTACKER, OWNER) == ATTACKER  # not from a proxy: the header proves nothing


def test_a_trusted_proxy_that_is_not_an_address_stops_the_start(tmp_path):
    env = {**os.environ, "GRIDBEE_TRUSTED_PROXIES": "10.0.0.0/8, proxy.local"}
    env["GRIDBEE_DATA_DIR"] = str(tmp_path)
    started = subprocess.run(
        [sys.executable, "-c", "import gridbee.settings"], env=env, capture_output=True, text=True
    )
    assert started.returncode != 0
    assert "GRIDBEE_TRUSTED_PROXIES: 'proxy.local' is not an IP address" in started.stderr


def test_behind_a_trusted_proxy_each_client_has_its_own_count(county, settings):
    settings.TRUSTED_PROXIES = [ipaddress.ip_network("10.0.0.0/8")]
    via_proxy = Client(REMOTE_ADDR=PROXY)
    for n in range(6):
        # The attacker forges a different address each time: the proxy's hop gives them away.
        token(via_proxy, password="wrong", x_forwarded_for=f"192.0.2.{n}, {ATTACKER}")
    assert token(via_proxy, x_forwarded_for=ATTACKER).json()["code"] == "auth.throttled"
    assert token(via_proxy, x_forwarded_for=OWNER).status_code == 200
    # Not from the proxy, the header is ignored: the attacker cannot pose as the owner.
    direct = Client(REMOTE_ADDR=ATTACKER)
    assert token(direct, x_forwarded_for=OWNER).json()["code"] == "auth.throttled"


# --- Redis out of reach --------------------------------------------------------------------


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_logins_work_while_redis_is_out_of_reach(county):
    redis = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        }
    }
    with override_settings(CACHES=redis):
        client = Client(REMOTE_ADDR=OWNER)
        assert token(client, password="wrong").json()["code"] == "auth.bad_credentials"
        assert token(client).status_code == 200
        assert web_login(client).status_code == 302 and logged_in(client)
        assert admin_login(Client(), password=fixture.PASSWORD).status_code == 302
        assert counted(PARTNER) is None  # the failure was counted, then cleared by the success
        # Applying goes on too: the application throttle lets it through uncounted.
        body = {
            "name": "王五", "mobile": "13600000000", "id_number": "12345", "password": "x",
            "station_id": county.station.pk, "work_area": "x", "grid_codes": [],
            "accepted_rules": True,
        }  # fmt: skip
        applied = client.post("/api/enrolment/applications", body, content_type="application/json")
        assert applied.json()["code"] == "people.invalid_id_number"
