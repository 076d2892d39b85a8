"""The legal clocks on the business calendar: acceptance within 3 working days, 15 days of
mediation from acceptance (+ one extension of at most 15 with both parties' consent), a period
ending on a holiday runs to the next working day, and referral to arbitration at the deadline."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from gridbee.cases.choices import CaseEventKind as K
from gridbee.cases.choices import CaseStatus as S
from gridbee.cases.models import Case, Message
from gridbee.cases.workflow import escalate_overdue
from gridbee.claims import actions
from gridbee.claims.actions import act
from gridbee.claims.models import Mediation
from gridbee.core.errors import DomainError

SH = ZoneInfo("Asia/Shanghai")


def at(y, m, d, h=10) -> datetime.datetime:
    return datetime.datetime(y, m, d, h, tzinfo=SH)


@pytest.fixture
def clock(monkeypatch):
    """Sets the time the engine sees."""

    def set_to(moment):
        monkeypatch.setattr("django.utils.timezone.now", lambda: moment)

    return set_to


def mediation_received(county, clock, moment) -> Mediation:
    clock(moment)
    claim, _ = actions.raise_claim(
        county.partner_user,
        type="pay",
        facts="工资未发",
        respondent_code="meituan",
        known_on=datetime.date(2026, 9, 1),
        idempotency_key=f"k{moment:%m%d}",
    )
    act(county.operator, claim.case.pk, K.ACCEPT)
    act(county.operator, claim.case.pk, K.DISPATCH, department_code="tjw")
    return Mediation.objects.get(claim=claim)


def test_acceptance_is_due_within_3_working_days_across_national_day(county, clock):
    # Received Tue 29 Sep 2026: 30 Sep, then 1–7 Oct rest, 8 and 9 Oct work: due by the end
    # of Fri 9 Oct.
    mediation = mediation_received(county, clock, at(2026, 9, 29))
    assert mediation.case.step_deadline_at == at(2026, 10, 10, 0)
    # Not late on 9 Oct; overdue (escalated to the county) on 10 Oct.
    assert escalate_overdue(at(2026, 10, 9, 23)) == 0
    assert escalate_overdue(at(2026, 10, 10, 1)) == 1
    assert Case.objects.get(pk=mediation.case_id).events.filter(kind=K.ESCALATE).exists()


def test_15_days_from_acceptance_end_on_the_next_working_day_and_extend_once_by_15(county, clock):
    mediation = mediation_received(county, clock, at(2026, 9, 14))
    m = mediation.case_id
    clock(at(2026, 9, 16))
    act(county.mediator, m, K.ACCEPT)
    # 16 Sep + 15 days = 1 Oct, National Day: the period ends with Thu 8 Oct.
    assert Case.objects.get(pk=m).step_deadline_at == at(2026, 10, 9, 0)
    act(county.mediator, m, K.DISPATCH, extra={"mediator": county.mediator.pk})
    clock(at(2026, 9, 28))
    extension = {"days": 15, "claimant_consents": True, "respondent_consents": True}
    for refused in (
        {**extension, "respondent_consents": False},
        {**extension, "days": 16},
        {**extension, "days": 0},
    ):
        with pytest.raises(DomainError) as err:
            act(county.mediator, m, K.EXTEND, note="双方同意延长", extra=refused)
        assert err.value.code == "claims.extension_invalid"
    act(county.mediator, m, K.EXTEND, note="双方同意延长", extra=extension)
    # 16 Sep + 30 days = Fri 16 Oct.
    assert Case.objects.get(pk=m).step_deadline_at == at(2026, 10, 17, 0)
    with pytest.raises(DomainError):  # only one extension
        act(county.mediator, m, K.EXTEND, note="再延", extra={**extension, "days": 1})


def test_at_the_deadline_without_agreement_the_mediation_is_referred_to_arbitration(county, clock):
    mediation = mediation_received(county, clock, at(2026, 9, 14))
    m = mediation.case_id
    clock(at(2026, 9, 16))
    act(county.mediator, m, K.ACCEPT)
    act(county.mediator, m, K.DISPATCH, extra={"mediator": county.mediator.pk})
    act(county.mediator, m, K.AGREE, note="草拟协议")  # drawn up, never confirmed
    assert actions.refer_due(at(2026, 10, 8, 23)) == 0
    assert actions.refer_due(at(2026, 10, 9, 1)) == 1
    assert actions.refer_due(at(2026, 10, 9, 2)) == 0  # once
    case = Case.objects.get(pk=m)
    assert case.status == S.REFERRED and case.step_deadline_at is None
    assert case.events.filter(kind=K.REFER, on_time=False).count() == 1
    claim_case = Case.objects.get(pk=mediation.claim.case_id)
    assert claim_case.status == S.HANDLED
    assert Message.objects.filter(recipient=county.partner_user, kind=K.REFER).exists()
    with pytest.raises(DomainError):  # too late to confirm
        act(county.partner_user, m, K.CONFIRM)
