"""The points pages: the partner's points card with its check-in, rankings for partners, team
leads and the county, a partner's ledger with corrections and the suspension proposals for the
reviewer; the home pages link them. Ends with the card in a real Chromium (set
GRIDBEE_SCREENSHOT_DIR to keep screenshots)."""

import os
import re
from pathlib import Path

import pytest
from django.test import Client
from playwright.sync_api import expect

from gridbee.cases import workflow
from gridbee.people.tests import county as county_module
from gridbee.rewards import ledger
from gridbee.rewards.choices import EntryKind
from gridbee.rewards.models import PointsEntry, SuspensionProposal

from .test_earning import TO_CLOSED, report, walk


def client(county, role) -> Client:
    c = Client()
    c.force_login(county.users[role])
    return c


def check_in_button(html: str) -> str:
    return re.search(r'<button[^>]*id="check-in"[^>]*>', html).group(0)


def test_the_points_card_and_its_check_in(county):
    walk(county, report(county), TO_CLOSED)
    partner = client(county, "partner")
    page = partner.get("/me/points/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="balance">10<' in html
    assert "disabled" not in check_in_button(html)
    assert 'data-kind="first_report"' in html
    answer = partner.post("/me/points/check-in/", follow=True)
    html = answer.content.decode()
    assert 'id="balance">11<' in html and "msg-success" in html
    assert "disabled" in check_in_button(html)
    again = partner.post("/me/points/check-in/", follow=True).content.decode()
    assert "msg-info" in again and 'id="balance">11<' in again
    assert PointsEntry.objects.filter(kind=EntryKind.CHECK_IN).count() == 1
    assert client(county, "reviewer").get("/me/points/").status_code == 403


def test_rankings_page_for_each_role(county):
    ledger.award(county.partner, EntryKind.ACTIVITY, key="a", amount=8)
    for role in ("partner", "team_lead", "reviewer", "admin"):
        page = client(county, role).get("/points/rankings/?kind=year")
        assert page.status_code == 200, role
        assert "王小明" in page.content.decode()
    reviewer = client(county, "reviewer").get("/points/rankings/").content.decode()
    assert "/points/rankings/honours.xlsx?" in reviewer and "/review/suspensions/" in reviewer
    lead = client(county, "team_lead").get("/points/rankings/").content.decode()
    assert "honours" not in lead and county.team.name in lead
    quarter = client(county, "partner").get("/points/rankings/?period=2026-Q1").content.decode()
    assert 'id="period">2026-Q1<' in quarter and "period=2025-Q4" in quarter
    for role in ("operator", "station", "department"):
        assert client(county, role).get("/points/rankings/").status_code == 403, role
    far = client(county, "far_reviewer").get("/points/rankings/").content.decode()
    assert "王小明" not in far


def test_the_reviewer_corrects_a_partners_points(county):
    url = f"/review/points/partners/{county.partner.pk}/"
    reviewer = client(county, "reviewer")
    assert reviewer.get(url).status_code == 200
    refused = reviewer.post(url + "adjust/", {"amount": "5", "note": " "}, follow=True)
    assert "msg-error" in refused.content.decode() and not PointsEntry.objects.exists()
    too_much = reviewer.post(url + "adjust/", {"amount": "-5", "note": "扣分"}, follow=True)
    assert "msg-error" in too_much.content.decode() and not PointsEntry.objects.exists()
    done = reviewer.post(url + "adjust/", {"amount": "5", "note": "补录活动"}, follow=True)
    assert 'id="balance">5<' in done.content.decode()
    entry = PointsEntry.objects.get()
    assert (entry.kind, entry.actor, entry.note) == ("adjustment", county.reviewer, "补录活动")
    assert client(county, "far_reviewer").get(url).status_code == 404
    far = client(county, "far_reviewer").post(url + "adjust/", {"amount": "5", "note": "x"})
    assert far.status_code == 404 and PointsEntry.objects.count() == 1
    assert client(county, "operator").get(url).status_code == 403


def test_suspension_proposals_page(county):
    for n in range(3):
        case = report(county, key=f"f{n}", place=n)
        workflow.act(case.pk, "reject", actor=county.operator, reason="false_report")
    proposal = SuspensionProposal.objects.get()
    reviewer = client(county, "reviewer")
    html = reviewer.get("/review/suspensions/").content.decode()
    assert f'data-proposal="{proposal.pk}"' in html
    assert f"/partners/{county.partner.pk}/" in html
    assert (
        "data-proposal"
        not in client(county, "far_reviewer").get("/review/suspensions/").content.decode()
    )
    assert client(county, "operator").get("/review/suspensions/").status_code == 403
    reviewer.post(f"/review/suspensions/{proposal.pk}/dismiss/", {"note": "已核实，系误报"})
    assert "data-proposal" not in reviewer.get("/review/suspensions/").content.decode()


def test_home_pages_link_the_points_pages(county):
    assert 'href="/me/points/"' in client(county, "partner").get("/").content.decode()
    for role in ("reviewer", "team_lead"):
        assert 'href="/points/rankings/"' in client(county, role).get("/").content.decode()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_partner_checks_in_on_the_card(live_server, browser_page, county):
    page = browser_page
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}/me/points/")
    page.get_by_label("手机号", exact=True).fill(county.partner_user.mobile)
    page.get_by_label("密码", exact=True).fill(county_module.PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.locator("#balance")).to_have_text("0")
    page.locator("#check-in").click()
    expect(page.locator("#balance")).to_have_text("1")
    expect(page.locator("#check-in")).to_be_disabled()
    expect(page.locator("#entries [data-kind=check_in]")).to_have_count(1)
    if folder := os.environ.get("GRIDBEE_SCREENSHOT_DIR"):
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / "points-card.png"), full_page=True)
        page.goto(f"{live_server.url}/points/rankings/")
        page.screenshot(path=str(Path(folder) / "points-ranking.png"), full_page=True)
    assert ledger.balance(county.partner) == ledger.ledger_sum(county.partner) == 1
    assert errors == []
