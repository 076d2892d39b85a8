"""A cash reward (奖补) from proposal to payment in a real Chromium, each person in their own
browser context: the operator proposes a grade on the page of a closed emergency case, the
county reviewer approves it in the queue, a second reviewer downloads the payout list and marks
it paid with a reference (whoever approved may not pay), and the partner sees the payment on
their own list.

Set GRIDBEE_SCREENSHOT_DIR to keep screenshots of the pages visited."""

import io
import os
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import expect

from gridbee.conftest import PHONE_VIEWPORT
from gridbee.core.tests.browsing import open_page
from gridbee.rewards import payouts
from gridbee.rewards.choices import CashRewardStatus as S
from gridbee.rewards.models import CashReward

from .matrix_cash import reports_of_a_case, second_reviewer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def screenshot(page, name: str) -> None:
    if folder := os.environ.get("GRIDBEE_SCREENSHOT_DIR"):
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"cash-{name}.png"), full_page=True)


def page_for(browser, base_url: str, user, viewport=PHONE_VIEWPORT):
    """The live streams are not opened against the WSGI test server."""
    return open_page(browser, base_url, user, viewport=viewport, block_live=True)


def test_propose_approve_export_and_pay(chromium_browser, live_server, county):
    base = live_server.url
    report = reports_of_a_case(county, "sos", emergency=True)[0]

    operator, errors = page_for(
        chromium_browser, base, county.operator, {"width": 1280, "height": 900}
    )
    try:
        operator.goto(f"{base}/console/cases/{report.case_id}/")
        form = operator.locator('form[data-action="cash-propose"]')
        expect(form.locator("select[name=report] option")).to_have_count(1)
        form.locator("select[name=grade]").select_option("3")
        form.locator("textarea[name=reason]").fill("应急首报, 及时发现有人受伤")
        screenshot(operator, "propose")
        form.locator("button[type=submit]").click()
        expect(
            operator.locator('#cash-rewards [data-cash-reward][data-status="proposed"]')
        ).to_be_visible()
        assert errors == []
    finally:
        operator.context.close()
    reward = CashReward.objects.get(report=report)
    assert (reward.grade, reward.amount_fen) == (3, 15000)

    reviewer, errors = page_for(chromium_browser, base, county.reviewer)
    try:
        reviewer.goto(f"{base}/review/cash/")
        card = reviewer.locator(f'[data-cash-reward="{reward.pk}"]')
        expect(card).to_contain_text("¥150.00")
        screenshot(reviewer, "queue")
        card.locator('button[data-action="approve"]').click()
        expect(reviewer.locator(".msg-success")).to_be_visible()
        expect(reviewer.locator(f'[data-cash-reward="{reward.pk}"]')).to_have_count(0)

        # Whoever approved it does not mark it paid (双人复核): it waits for a colleague.
        reviewer.goto(f"{base}/review/payouts/")
        row = reviewer.locator(f'[data-cash-reward="{reward.pk}"]')
        expect(row.locator("[data-left-to-another]")).to_be_visible()
        expect(row.locator("input[name=reward]")).not_to_be_checked()
        assert errors == []
    finally:
        reviewer.context.close()

    payer, errors = page_for(chromium_browser, base, second_reviewer(county))
    try:
        payer.goto(f"{base}/review/payouts/")
        expect(payer.locator(f'[data-cash-reward="{reward.pk}"]')).to_be_visible()
        with payer.expect_download() as download:
            payer.locator('[data-export="xlsx"]').click()
        book = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
        rows = list(book.worksheets[0].iter_rows(values_only=True))
        fen = next(n for n, (key, _h) in enumerate(payouts.COLUMNS) if key == "amount_fen")
        assert [r[0] for r in rows[1:]] == [reward.pk] and rows[1][fen] == 15000
        screenshot(payer, "payouts")
        payer.locator("input[name=reference]").fill("ZZ2026-0612")
        payer.locator(".payout-form button[type=submit]").click()
        expect(payer.locator(".msg-success")).to_be_visible()
        expect(payer.locator("[data-cash-reward]")).to_have_count(0)
        assert errors == []
    finally:
        payer.context.close()
    reward.refresh_from_db()
    assert (reward.status, reward.paid_reference) == (S.PAID, "ZZ2026-0612")

    partner, errors = page_for(chromium_browser, base, county.partner_user)
    try:
        partner.goto(f"{base}/me/rewards/cash/")
        card = partner.locator(f'[data-cash-reward="{reward.pk}"]')
        expect(card).to_have_attribute("data-status", "paid")
        expect(card).to_contain_text("ZZ2026-0612")
        screenshot(partner, "mine")
        assert errors == []
    finally:
        partner.context.close()
