"""The Content-Security-Policy breaks no page: every page of the demo city, opened by the role
that uses it in a real Chromium served by uvicorn as `gridbee up` serves it, carries the policy
and runs without one violation (no inline script, handler or blocked asset) and without a
script error."""

import pytest
from django.test import Client

from gridbee.cases.models import Case, Report
from gridbee.conftest import PHONE_VIEWPORT, is_local_url
from gridbee.core.tests.serving import served_in_a_thread
from gridbee.people.models import User
from gridbee.site.demo import create_demo_city

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WATCH_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " " + e.blockedURI + " " + e.sourceFile);
});
window.print = function () { window.__printed = true; };
"""


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.REDIS_URL = ""
    create_demo_city()


@pytest.fixture
def server(demo):
    with served_in_a_thread() as url:
        yield url


class Visitor:
    """One person's browser: every CSP message on the console, every violation event, every
    script error is kept."""

    def __init__(self, browser, base: str, mobile: str | None):
        self.base = base
        self.context = browser.new_context(viewport=PHONE_VIEWPORT, locale="zh-CN")
        self.context.set_default_timeout(15_000)
        self.context.route(
            "**/*",
            lambda route: (
                route.continue_()
                if is_local_url(route.request.url)
                else route.abort("blockedbyclient")
            ),
        )
        self.context.add_init_script(WATCH_VIOLATIONS)
        if mobile:
            client = Client()
            client.force_login(User.objects.get(mobile=mobile))
            self.context.add_cookies(
                [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base}]
            )
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.page.on(
            "console",
            lambda m: (
                self.problems.append(f"console: {m.text}")
                if "Content Security Policy" in m.text
                else None
            ),
        )
        self.page.on("pageerror", lambda e: self.problems.append(f"script error: {e}"))

    def visit(self, path: str) -> None:
        response = self.page.goto(self.base + path, wait_until="load")
        assert response is not None and response.status == 200, (path, response and response.status)
        assert "script-src 'self'" in response.headers["content-security-policy"], path
        self.page.wait_for_timeout(400)  # scripts that start on load (maps, htmx, live)
        violations = self.page.evaluate("window.__violations")
        self.problems.extend(f"{path}: {v}" for v in violations)

    def close(self) -> None:
        self.context.close()


def test_no_page_violates_the_policy(chromium_browser, server):
    partner_case = Report.objects.filter(partner__user__mobile="13800000001").first().case_id
    case = Case.objects.filter(kind="report").order_by("-pk").first().pk
    claim = Case.objects.filter(kind="claim", claim__parties__user__mobile="13800000001").first().pk
    mediation = Case.objects.filter(kind="mediation").order_by("pk").first().pk
    partner_user = User.objects.get(mobile="13800000001").pk
    pages = {
        None: ["/login/", "/apply/"],
        "13800000001": [  # a partner on the phone
            "/",
            "/report/",
            "/report/mine/",
            f"/report/case/{partner_case}/",
            "/checks/",
            "/map/",
            "/me/",
            "/me/card/",
            "/me/points/",
            "/shop/",
            "/points/rankings/",
            "/claims/",
            "/claims/new/",
            f"/claims/{claim}/",
        ],
        "13800000004": ["/", "/console/", f"/console/cases/{case}/", "/claims/"],  # operator
        "13800000008": ["/", "/claims/?kind=mediation", f"/claims/{mediation}/"],  # mediator
        "13800000009": ["/", f"/claims/{mediation}/"],  # platform company
        "13800000005": ["/department/"],
        "13800000006": [
            "/review/applications/",
            "/partners/",
            "/review/cash/",
            "/teams/",
            "/supervise/",
        ],
        "13800000007": [
            "/admin/",
            "/admin/people/user/",
            f"/admin/people/user/{partner_user}/change/",
            "/api/docs",
        ],
    }
    problems = []
    for mobile, paths in pages.items():
        visitor = Visitor(chromium_browser, server, mobile)
        try:
            for path in paths:
                visitor.visit(path)
                if path == "/me/card/":  # its print button, once an inline onclick
                    visitor.page.get_by_role("button", name="打印").click()
                    assert visitor.page.evaluate("window.__printed") is True
            problems += visitor.problems
        finally:
            visitor.close()
    assert problems == []
