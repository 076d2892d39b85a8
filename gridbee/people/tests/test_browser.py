"""Enrolment to certificate to suspension in a real Chromium, each person in their own browser
context: a courier applies on the public form, the station recommends, the county approves, the
new partner logs in with the password they chose, opens their card and its verification page;
then the county suspends them (which ends their session), and the check and the partner's
profile both say so.

Set GRIDBEE_SCREENSHOT_DIR to keep phone-sized screenshots of the pages visited."""

import os
import re
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from gridbee.people.models import Application, Partner

from . import county as fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAME = "赵一凡"
MOBILE = "13600000001"
ID_NUMBER = "522731199707070035"
PASSWORD = "riding-the-east-side-7"


def screenshot(page: Page, name: str) -> None:
    if folder := os.environ.get("GRIDBEE_SCREENSHOT_DIR"):
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"people-{name}.png"), full_page=True)


@contextmanager
def another_person(page: Page):
    """A second browser context (its own cookies) like the browser_page fixture's: a phone's
    size, and nothing may leave this machine."""
    context = page.context.browser.new_context(
        viewport=page.viewport_size, locale="zh-CN", service_workers="block"
    )
    context.set_default_timeout(10_000)
    context.route(
        "**/*",
        lambda route: (
            route.continue_() if local(route.request.url) else route.abort("blockedbyclient")
        ),
    )
    other = context.new_page()
    errors = watch(other)
    try:
        yield other
    finally:
        context.close()
    assert errors == []


def local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in {"data", "blob", "about"} or parts.hostname in {"127.0.0.1", "localhost"}


def watch(page: Page) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def log_in(page: Page, url: str, mobile: str, password: str) -> None:
    page.goto(url)
    expect(page).to_have_url(re.compile(r"/login/\?next="))
    page.get_by_label("手机号", exact=True).fill(mobile)
    page.get_by_label("密码", exact=True).fill(password)
    page.get_by_role("button", name="登录", exact=True).click()


def test_enrolment_certificate_and_suspension(live_server, browser_page, county):
    base = live_server.url
    page = browser_page  # the applicant's phone; staff use browser contexts of their own
    errors = watch(page)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))

    # 1. A courier applies (个人自愿); the first try forgets to accept the three rules.
    page.goto(f"{base}/apply/")
    expect(page.locator("h1")).to_have_text("申请成为流动网格员")
    page.get_by_label("姓名").fill(NAME)
    page.get_by_label("手机号").fill("136 0000 0001")
    page.get_by_label("身份证号").fill(ID_NUMBER)
    page.get_by_label("所在站点").select_option(label="顺丰惠水网点 · 快递物流")
    # The grids of the station's county arrive (htmx) in the grid selects.
    first_grid = page.get_by_label("第一个网格")
    expect(first_grid.locator(f'option[value="{fixture.GRID_1}"]')).to_have_count(1)
    first_grid.select_option(fixture.GRID_1)
    page.get_by_label("工作区域").fill("县城西片")
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_label("再次输入密码").fill(PASSWORD)
    screenshot(page, "apply")
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator("#id_accepted_rules-error")).to_contain_text("三个不准")
    assert not Application.objects.filter(mobile=MOBILE).exists()
    screenshot(page, "apply-refused")
    # What was typed is kept, the passwords excepted.
    expect(page.get_by_label("姓名")).to_have_value(NAME)
    expect(page.get_by_label("第一个网格")).to_have_value(fixture.GRID_1)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_label("再次输入密码").fill(PASSWORD)
    page.get_by_label("我已阅读并遵守“三个不准”。").check()
    page.get_by_role("button", name="提交申请").click()

    expect(page).to_have_url(re.compile(r"/apply/status/[\w-]+/$"))
    expect(page.get_by_text("请立即收藏本页")).to_be_visible()
    expect(page.locator(".card [data-status=submitted]")).to_have_text("已提交")
    status_url = page.url
    screenshot(page, "status")
    application = Application.objects.get(mobile=MOBILE)
    assert [g.code for g in application.grids.all()] == [fixture.GRID_1]

    # 2. The station recommends (行业推荐).
    with another_person(page) as station:
        log_in(
            station, f"{base}/review/applications/", county.station_user.mobile, fixture.PASSWORD
        )
        card = station.locator(f"[data-application='{application.pk}']")
        expect(card).to_contain_text(NAME)
        expect(card).to_contain_text("136****0001")  # the station sees a masked number
        card.get_by_role("button", name="推荐", exact=True).click()
        expect(station.locator(".msg-success")).to_contain_text(f"{NAME} 已推荐至县级审核")
        screenshot(station, "station-queue")

    # 3. The county approves (县级审核).
    with another_person(page) as reviewer:
        log_in(reviewer, f"{base}/review/applications/", county.reviewer.mobile, fixture.PASSWORD)
        card = reviewer.locator(f"[data-application='{application.pk}']")
        expect(card).to_contain_text(ID_NUMBER)  # the county checks identity in full
        card.get_by_placeholder("备注（选填）").fill("材料齐全")
        card.get_by_role("button", name="批准", exact=True).click()
        expect(reviewer.locator(".msg-success")).to_contain_text(f"{NAME} 已批准")
        screenshot(reviewer, "reviewer-queue")

    partner = Partner.objects.get(user__mobile=MOBILE)
    certificate = partner.certificate

    # 4. The applicant's record says approved; they log in with the password chosen in the
    #    form, find the certificate, open the card and the check its QR code leads to.
    page.goto(status_url)
    expect(page.locator(".card [data-status=approved]")).to_be_visible()
    expect(page.locator(".timeline")).to_contain_text("材料齐全")
    log_in(page, f"{base}/me/", MOBILE, PASSWORD)
    expect(page).to_have_url(f"{base}/me/")
    expect(page.locator("#certificate-number")).to_have_text(certificate.number)
    expect(page.locator("#grids")).to_contain_text("凤山第1网格")
    screenshot(page, "me")
    page.get_by_role("link", name="出示或打印我的证件").click()
    expect(page).to_have_url(f"{base}/me/card/")
    card = page.locator(".id-card")
    expect(card).to_contain_text(NAME)
    expect(card).to_contain_text(certificate.number)
    expect(card.locator("svg.qr")).to_be_visible()
    box = card.bounding_box()
    assert box and abs(box["width"] / box["height"] - 85.6 / 54) < 0.05  # a bank card's shape
    screenshot(page, "card")
    verify_url = page.locator("#verify-link").get_attribute("href")
    assert verify_url == f"{base}/verify/{certificate.token}/"
    page.goto(verify_url)
    expect(page.locator(".verdict")).to_have_attribute("data-status", "active")
    expect(page.locator(".verdict-main")).to_contain_text("有效")
    expect(page.locator(".verify-facts")).to_contain_text("赵*凡")
    expect(page.locator(".page")).not_to_contain_text(NAME)
    screenshot(page, "verify-active")

    # 5. The county suspends the partner, with a reason (动态进出).
    with another_person(page) as reviewer:
        log_in(reviewer, f"{base}/partners/", county.reviewer.mobile, fixture.PASSWORD)
        reviewer.get_by_role("link", name=NAME).click()
        expect(reviewer).to_have_url(f"{base}/partners/{partner.pk}/")
        reviewer.locator("summary", has_text="暂停").click()
        reviewer.locator("#reason-suspend").select_option(label="虚假上报（负面清单）")
        reviewer.locator("#note-suspend").fill("三次上报与现场不符")
        reviewer.locator("button[data-action=suspend]").click()
        expect(reviewer.locator(".msg-success")).to_contain_text(f"{NAME} 已暂停")
        expect(reviewer.locator(".timeline")).to_contain_text("三次上报与现场不符")
        screenshot(reviewer, "partner-suspended")

    # 6. The check now says suspended, without the reason; the partner's profile says why.
    page.goto(verify_url)
    expect(page.locator(".verdict")).to_have_attribute("data-status", "suspended")
    expect(page.locator(".verdict-main")).to_have_text("已暂停")
    expect(page.locator(".page")).not_to_contain_text("虚假上报")
    screenshot(page, "verify-suspended")
    # The suspension ended the partner's session: they log in again to see their standing.
    log_in(page, f"{base}/me/", MOBILE, PASSWORD)
    standing = page.locator(".standing")
    expect(standing).to_contain_text("您已被暂停")
    expect(standing).to_contain_text("虚假上报（负面清单）")
    expect(standing).to_contain_text("三次上报与现场不符")
    expect(page.locator("#grids")).not_to_contain_text("修改绑定网格")
    screenshot(page, "me-suspended")

    partner.refresh_from_db()
    assert partner.status == "suspended"
    assert [u for u in requests if not local(u)] == []
    assert errors == []
