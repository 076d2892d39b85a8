"""The web shell: login by mobile, a home page per role, logout, language, no outside URLs."""

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from gridbee.people.choices import Role
from gridbee.people.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, create_demo_accounts
from gridbee.people.models import User

pytestmark = pytest.mark.django_db

# What each role's home page says (in the default language, Simplified Chinese): its heading,
# then some of its cards.
HOME_TEXT = {
    Role.PARTNER: ["在跑单路上，随手上报身边事", "随手拍", "我的积分"],
    Role.TEAM_LEAD: ["带好队伍", "我的队伍"],
    Role.STATION: ["推荐本站员工", "行业推荐"],
    Role.OPERATOR: ["网格中心工作台", "案件队列", "网格地图"],
    Role.DEPARTMENT: ["派给本部门的案件", "待办案件"],
    Role.REVIEWER: ["县级审核", "入队审核", "奖补审批"],
    Role.ADMIN: ["系统管理", "管理后台"],
    Role.MEDIATOR: ["劳动争议调解", "调解案件"],
    Role.PLATFORM: ["与骑手的争议", "诉求与调解"],
}
WRONG_LOGIN = "手机号或密码不正确"
URL_ATTRIBUTES = {"src", "href", "action", "srcset", "poster", "data", "formaction"}


def demo_account(role: Role) -> dict:
    return next(a for a in DEMO_ACCOUNTS if a["role"] == role)


def log_in(client, mobile: str, password: str = DEMO_PASSWORD, *, follow=False, **fields):
    data = {"username": mobile, "password": password, **fields}
    return client.post(reverse("login"), data, follow=follow)


class _UrlCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in URL_ATTRIBUTES and value:
                self.urls.extend(v.strip().split()[0] for v in value.split(",") if v.strip())


def outside_references(html: str) -> list[str]:
    """URLs in src/href/action… that point at another host, plus any absolute http(s) URL or
    CSS url() anywhere in the page (inline styles and scripts included)."""
    parser = _UrlCollector()
    parser.feed(html)
    found = [
        u for u in parser.urls if urlsplit(u).scheme in {"http", "https"} or u.startswith("//")
    ]
    found += re.findall(r"https?://[^\s\"'<>)]+", html)
    found += re.findall(r"url\(\s*['\"]?(?:https?:)?//[^)]*\)", html)
    return sorted(set(found))


@pytest.fixture
def demo(db):
    return create_demo_accounts()


def test_anonymous_home_redirects_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next=/"


def test_login_page_is_chinese_by_default_and_local_only(client):
    response = client.get(reverse("login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans"' in html
    assert "手机号" in html
    assert "密码" in html
    assert 'name="viewport"' in html
    assert outside_references(html) == []


@pytest.mark.parametrize("role", list(Role))
def test_each_demo_account_logs_in_and_sees_its_home(client, demo, role):
    account = demo_account(role)
    response = log_in(client, account["mobile"], follow=True)
    assert response.redirect_chain == [(reverse("home"), 302)]
    html = response.content.decode()
    assert f'data-home-role="{role.value}"' in html
    assert f"<h1>{HOME_TEXT[role][0]}</h1>" in html
    for text in HOME_TEXT[role][1:]:
        assert text in html, (role, text)
    for other in set(Role) - {role}:
        assert f"<h1>{HOME_TEXT[other][0]}</h1>" not in html
    assert account["name"] in html
    assert f'class="role-badge" data-role="{role.value}"' in html
    assert outside_references(html) == []
    # Every live card opens a working page; what is not built yet says "coming soon" instead.
    for href in re.findall(r'<li class="card card-live">\s*<h2><a href="([^"]+)"', html):
        assert client.get(href).status_code == 200, (role, href)


# A page of each app that a demo role may not open, and why the refusal page says it is closed.
REFUSED_PAGES = [
    (Role.PARTNER, "/console/", "您的角色无权打开此页面"),  # cases: PermissionDenied
    (Role.OPERATOR, "/report/", "只有已入队的流动网格员才能上报。"),  # reports: a domain error
    (Role.STATION, "/shop/", "您的角色无权打开此页面"),  # rewards: not a partner
    (Role.PARTNER, "/review/applications/", "您的角色无权打开此页面"),  # people: needs()
]


@pytest.mark.parametrize(("role", "path", "why"), REFUSED_PAGES)
def test_every_app_refuses_a_page_with_the_one_refusal_page(client, demo, role, path, why):
    log_in(client, demo_account(role)["mobile"])
    response = client.get(path)
    html = response.content.decode()
    assert response.status_code == 403
    assert 'id="refusal"' in html and why in html
    assert f'<a class="btn" href="{reverse("home")}">返回首页</a>' in html
    assert outside_references(html) == []


class _Links(HTMLParser):
    """The targets of a page's links (<a href>), fragments within the page left out."""

    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href and not href.startswith("#"):
            self.hrefs.append(href)


# Features the seeds describe that GridBee does not have yet: no home page may promise them.
NOT_BUILT = ["即将上线", "协查", "活动"]


@pytest.mark.parametrize("role", list(Role))
def test_each_home_page_promises_only_what_exists_and_every_link_opens(client, demo, role):
    log_in(client, demo_account(role)["mobile"])
    html = client.get("/").content.decode()
    for words in NOT_BUILT:
        assert words not in html, (role, words)
    cards = re.findall(r'<li class="card ([^"]*)">', html)
    assert cards and set(cards) == {"card-live"}, (role, cards)  # every card opens a page
    parser = _Links()
    parser.feed(html)
    assert len(parser.hrefs) > len(cards)  # the cards, the brand, the skip link aside
    for href in sorted(set(parser.hrefs)):
        assert urlsplit(href).scheme == "" and href.startswith("/"), (role, href)
        assert client.get(href).status_code == 200, (role, href)


def test_wrong_password_shows_the_chinese_error_and_starts_no_session(client, demo):
    response = log_in(client, demo_account(Role.PARTNER)["mobile"], "not-the-password")
    html = response.content.decode()
    assert response.status_code == 200
    assert WRONG_LOGIN in html
    assert 'role="alert"' in html
    assert SESSION_KEY not in client.session
    assert client.get("/").status_code == 302


def test_unknown_mobile_gets_the_same_answer_as_a_wrong_password(client, demo):
    response = log_in(client, "13999999999", DEMO_PASSWORD)
    assert WRONG_LOGIN in response.content.decode()
    assert SESSION_KEY not in client.session


def test_malformed_mobile_is_explained(client, demo):
    response = log_in(client, "12345", DEMO_PASSWORD)
    html = response.content.decode()
    assert "11 位" in html
    assert 'aria-invalid="true"' in html
    assert SESSION_KEY not in client.session


def test_empty_form_asks_for_both_fields(client):
    response = client.post(reverse("login"), {"username": "", "password": ""})
    html = response.content.decode()
    assert "请输入手机号" in html
    assert "请输入密码" in html


@pytest.mark.parametrize(
    "typed",
    ["138 0000 0001", "138-0000-0001", "+86 138 0000 0001", "+8613800000001", "0086 13800000001"],
)
def test_mobile_may_be_typed_with_spaces_dashes_and_country_code(client, demo, typed):
    response = log_in(client, typed)
    assert response.status_code == 302
    user = User.objects.get(pk=client.session[SESSION_KEY])
    assert user.mobile == "13800000001"


def test_login_follows_next(client, demo):
    response = log_in(client, demo_account(Role.OPERATOR)["mobile"], next="/map/")
    assert response.status_code == 302
    assert response.url == "/map/"


def test_logged_in_user_visiting_login_goes_home(client, demo):
    log_in(client, demo_account(Role.PARTNER)["mobile"])
    response = client.get(reverse("login"))
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_logout_by_post_ends_the_session(client, demo):
    log_in(client, demo_account(Role.PARTNER)["mobile"])
    home = client.get("/").content.decode()
    assert f'action="{reverse("logout")}" method="post"' in home
    assert "csrfmiddlewaretoken" in home
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response.url == reverse("login")
    assert SESSION_KEY not in client.session
    assert client.get("/").status_code == 302


def test_logout_by_get_is_refused(client, demo):
    log_in(client, demo_account(Role.PARTNER)["mobile"])
    assert client.get(reverse("logout")).status_code == 405
    assert SESSION_KEY in client.session


def test_switching_to_english_shows_english(client, demo):
    log_in(client, demo_account(Role.PARTNER)["mobile"])
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    html = response.content.decode()
    assert '<html lang="en"' in html
    assert "Report what you see on your rounds" in html
    assert "Snap and report" in html
    assert "Coming soon" not in html  # the home page promises only what exists
    assert "Log out" in html
    assert "随手拍" not in html
    # And back.
    html = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"}, follow=True)
    assert "随手拍" in html.content.decode()


def test_login_page_in_english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    html = client.get(reverse("login")).content.decode()
    assert "Mobile number" in html
    assert "Password" in html
    response = client.post(reverse("login"), {"username": "13800000001", "password": "x"})
    assert "The mobile number or the password is wrong" in response.content.decode()


def test_language_switcher_posts_to_set_language(client):
    html = client.get(reverse("login")).content.decode()
    assert f'action="{reverse("set_language")}" method="post"' in html
    assert 'name="language" value="en"' in html
    assert 'name="language" value="zh-hans"' in html


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.ADMIN])
def test_grid_map_is_linked_from_operator_and_admin_home(client, demo, role):
    log_in(client, demo_account(role)["mobile"])
    assert f'href="{reverse("grid_map")}"' in client.get("/").content.decode()


def test_admin_home_links_the_admin_site(client, demo):
    log_in(client, demo_account(Role.ADMIN)["mobile"])
    assert 'href="/admin/"' in client.get("/").content.decode()
    assert client.get("/admin/").status_code == 200


def test_grid_map_needs_login(client):
    response = client.get(reverse("grid_map"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_grid_map_page_loads_local_leaflet_and_its_config(client, demo, settings):
    settings.TILE_URL = ""
    log_in(client, demo_account(Role.OPERATOR)["mobile"])
    response = client.get(reverse("grid_map"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "/static/vendor/leaflet/leaflet.js" in html
    assert "/static/vendor/leaflet/leaflet.css" in html
    assert "/static/gridbee/map.js" in html
    assert 'id="grid-map"' in html
    assert 'id="grid-map-config"' in html
    assert '"gridsUrl": "/api/geo/grids"' in html
    assert '"locateUrl": "/api/geo/locate"' in html
    assert '"tileUrl": ""' in html
    assert outside_references(html) == []


def test_grid_map_uses_the_configured_tile_server_only(client, demo, settings):
    settings.TILE_URL = "http://tiles.gov.intranet/{z}/{x}/{y}.png"
    log_in(client, demo_account(Role.OPERATOR)["mobile"])
    html = client.get(reverse("grid_map")).content.decode()
    assert '"tileUrl": "http://tiles.gov.intranet/{z}/{x}/{y}.png"' in html
    assert "openstreetmap" not in html.lower()


@pytest.mark.parametrize(
    "path",
    [
        "vendor/htmx/htmx.min.js",
        "vendor/leaflet/leaflet.js",
        "vendor/leaflet/leaflet.css",
        "vendor/leaflet/images/marker-icon.png",
        "gridbee/app.css",
        "gridbee/map.js",
    ],
)
def test_static_assets_are_served_locally(client, path):
    response = client.get(f"/static/{path}")
    assert response.status_code == 200


def test_app_css_uses_system_fonts_only():
    from django.contrib.staticfiles import finders

    css = Path(finders.find("gridbee/app.css")).read_text(encoding="utf-8")
    assert "@font-face" not in css
    assert "@import" not in css
    assert "PingFang SC" in css
    assert "Microsoft YaHei" in css
    assert re.search(r"url\(", css) is None


def test_demo_accounts_are_idempotent(db):
    first = create_demo_accounts()
    second = create_demo_accounts()
    assert first == second
    assert {a["role"] for a in first} == set(Role.values)
    assert User.objects.count() == len(Role.values)
    admin = User.objects.get(role=Role.ADMIN)
    assert admin.is_staff and admin.is_superuser
    assert not User.objects.filter(is_staff=True).exclude(role=Role.ADMIN).exists()
    for account in first:
        assert User.objects.get(mobile=account["mobile"]).check_password(account["password"])
