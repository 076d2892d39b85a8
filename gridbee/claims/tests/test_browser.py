"""The chained claim in a real Chromium (the issue's "done when"): a partner raises an
unpaid-pay claim with a photo of a pay slip; the county files it and sends it to mediation; a
mediator is assigned, records a session and an agreement; the platform company's account
confirms it; the partner confirms, later rates the follow-up; the case file PDF downloads and
contains the agreement's text."""

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from gridbee.cases.models import Case
from gridbee.claims.models import Claim, Mediation
from gridbee.core.tests import browsing
from gridbee.reports.tests.images import jpeg

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
AGREEMENT = "平台于2026年12月10日前一次性支付申请人十一月工资人民币3200元"


def phone_of(browser, base_url: str, user):
    return browsing.phone_of(browser, base_url, user, accept_downloads=True)


def step(page, name: str, **fields) -> None:
    form = page.locator(f'form[data-step="{name}"]')
    for field, value in fields.items():
        control = form.locator(f'[name="{field}"]')
        if control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(str(value))
        else:
            control.fill(str(value))
    form.locator('button[type="submit"]').click()
    page.wait_for_load_state()


def test_an_unpaid_pay_claim_goes_through_mediation_to_an_agreement(
    chromium_browser, live_server, live_county
):
    c, base = live_county, live_server.url
    with phone_of(chromium_browser, base, c.partner_user) as partner:
        partner.goto(f"{base}/claims/")
        partner.locator('[data-action="raise"]').click()
        form = partner.locator('form[data-form="claim"]')
        form.locator('[name="type"]').select_option("pay")
        form.locator('[name="facts"]').fill("十一月工资3200元至今未发放")
        form.locator('[name="amount"]').fill("3200")
        form.locator('[name="respondent_code"]').select_option("meituan")
        form.locator('[name="known_on"]').fill("2026-11-20")
        form.locator('[name="photos"]').set_input_files(
            [{"name": "pay-slip.jpg", "mimeType": "image/jpeg", "buffer": jpeg(800, 600)}]
        )
        form.locator('button[type="submit"]').click()
        expect(partner.locator("[data-serial]")).to_have_text(Claim.objects.get().serial)
        expect(partner.locator("[data-photos]")).to_have_text("1")
    claim_case = Claim.objects.get().case_id

    with phone_of(chromium_browser, base, c.operator) as desk:
        desk.goto(f"{base}/claims/{claim_case}/")
        step(desk, "accept", type="pay")
        step(desk, "dispatch", department_code="tjw")
        expect(desk.locator('[data-link="mediation"]')).to_be_visible()
    mediation = Mediation.objects.get().case_id

    with phone_of(chromium_browser, base, c.mediator) as mediator:
        mediator.goto(f"{base}/claims/{mediation}/")
        step(mediator, "accept")
        step(mediator, "dispatch", mediator=c.mediator.pk)
        expect(mediator.locator("[data-mediator]")).to_have_text(c.mediator.name)
        step(mediator, "session", note="第一次调解：双方到场，对欠薪金额无异议")
        expect(mediator.locator("[data-session]")).to_contain_text("对欠薪金额无异议")
        step(mediator, "agree", note=AGREEMENT)
        expect(mediator.locator("[data-agreement]")).to_have_text(AGREEMENT)

    with phone_of(chromium_browser, base, c.platform_user) as platform:
        platform.goto(f"{base}/claims/{mediation}/")
        step(platform, "countersign")
        expect(platform.locator('[data-confirmed="respondent"]')).not_to_have_text("—")

    with phone_of(chromium_browser, base, c.partner_user) as partner:
        partner.goto(f"{base}/claims/")
        partner.locator(f'[data-list="mine"] [data-case="{mediation}"] a').click()
        expect(partner.locator("[data-agreement]")).to_have_text(AGREEMENT)
        step(partner, "confirm")
        expect(partner.locator("[data-status]")).to_have_attribute("data-status", "agreed")
        step(partner, "rate", reason="satisfied")
        expect(partner.locator("[data-status]")).to_have_attribute("data-status", "visited")
        with partner.expect_download() as download:
            partner.locator('[data-download="file"]').click()
        data = download.value.path().read_bytes()
    text = "".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())
    assert AGREEMENT in text
    assert Case.objects.get(pk=mediation).rating == "satisfied"
    assert Case.objects.get(pk=claim_case).status == "handled"
