"""The printable case file and arbitration application carry their Chinese text."""

import io

from pypdf import PdfReader

from gridbee.cases.choices import CaseEventKind as K
from gridbee.claims import actions, pdf
from gridbee.claims.actions import act

from .test_loop import to_mediation

AGREEMENT = "平台于2026年12月10日前一次性支付申请人十一月工资人民币3200元"


def text_of(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_case_file_holds_parties_facts_minutes_and_the_agreement(county):
    mediation = to_mediation(county)
    m = mediation.case_id
    act(county.mediator, m, K.ACCEPT)
    act(county.mediator, m, K.DISPATCH, extra={"mediator": county.mediator.pk})
    act(county.mediator, m, K.SESSION, note="第一次调解：双方对欠薪金额无异议")
    act(county.mediator, m, K.AGREE, note=AGREEMENT)
    act(county.platform_user, m, K.COUNTERSIGN)
    act(county.partner_user, m, K.CONFIRM)
    act(county.partner_user, mediation.claim.case_id, K.RATE, reason="fairly", note="调解员很耐心")
    mediation.refresh_from_db()
    for case in (mediation.case, mediation.claim.case):
        text = "".join(text_of(pdf.case_file(case)).split())
        assert AGREEMENT in text
        assert "十一月工资3200元未发放" in text and "王小明" in text
        assert "双方对欠薪金额无异议" in text and mediation.serial in text
    # The claim's file names the rating and the claimant's words beside it.
    assert "基本满意，调解员很耐心" in "".join(text_of(pdf.case_file(mediation.claim.case)).split())


def test_the_arbitration_application_is_prefilled(county):
    mediation = to_mediation(county)
    m = mediation.case_id
    act(county.mediator, m, K.ACCEPT)
    act(county.mediator, m, K.DISPATCH, extra={"mediator": county.mediator.pk})
    act(county.mediator, m, K.NO_AGREEMENT, note="被申请人不同意支付")
    mediation.refresh_from_db()
    text = "".join(text_of(pdf.arbitration_application(mediation)).split())
    assert "劳动人事争议仲裁申请书" in text and "美团外卖惠水站" in text
    assert "3200.00元" in text and "王小明" in text and "仲裁委员会" in text
    assert actions.refer_due() == 0  # already referred by the mediator


def test_figures_count_claims_and_mediations_per_type_and_body(county):
    from gridbee.claims.figures import figures

    mediation = to_mediation(county)
    m = mediation.case_id
    act(county.mediator, m, K.ACCEPT)
    act(county.mediator, m, K.DISPATCH, extra={"mediator": county.mediator.pk})
    act(county.mediator, m, K.AGREE, note=AGREEMENT)
    act(county.platform_user, m, K.COUNTERSIGN)
    act(county.partner_user, m, K.CONFIRM)
    # With a comment: the rating still counts (it hid behind the note until the reason had a
    # column of its own).
    act(county.partner_user, mediation.claim.case_id, K.RATE, reason="satisfied", note="很耐心")
    other, _ = actions.raise_claim(county.partner_user, type="housing", facts="租房",
                                   respondent_name="无", known_on=mediation.claim.known_on,
                                   idempotency_key="other")  # fmt: skip
    act(county.operator, other.case.pk, K.REJECT, reason="not_ours", note="外县")
    got = figures()
    total = got["total"]
    assert (total["received"], total["accepted"], total["resolved"]) == (2, 1, 1)
    assert (total["mediations"], total["agreed"], total["mediation_success_rate"]) == (1, 1, 1.0)
    assert total["satisfaction_rate"] == 1.0 and total["on_time_rate"] == 1.0
    assert total["average_days"] is not None and total["average_days"] < 1
    assert got["by_type"]["pay"]["agreed"] == 1 and got["by_type"]["housing"]["received"] == 1
    assert got["by_body"]["县劳动争议调解委员会"]["resolved"] == 1
    assert figures(county_id="522732000000")["total"]["received"] == 0
