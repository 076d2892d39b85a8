"""Limitation warnings (art. 27, with the pay exception) and group disputes (≥ 10 claimants,
3–5 representatives)."""

import datetime

import pytest

from gridbee.cases.choices import CaseEventKind as K
from gridbee.cases.choices import CaseStatus as S
from gridbee.cases.models import Case
from gridbee.claims import actions
from gridbee.claims.actions import act
from gridbee.claims.choices import Limitation
from gridbee.claims.limitation import warning
from gridbee.claims.models import Mediation
from gridbee.core.errors import DomainError

from .parties import more_partners

D = datetime.date
TODAY = D(2026, 12, 2)


def test_a_claim_known_long_ago_warns_near_then_past_the_one_year_limit():
    assert warning("penalty", D(2026, 3, 1), today=TODAY) is None
    near = warning("penalty", D(2026, 1, 10), today=TODAY)
    assert near.level == Limitation.NEAR and near.ends_on == D(2027, 1, 10)
    past = warning("injury", D(2025, 11, 30), today=TODAY)
    assert past.level == Limitation.PAST and past.ends_on == D(2026, 11, 30)


def test_pay_owed_during_employment_has_no_limit_until_a_year_after_the_job_ends():
    # Known two years ago, still working there: no warning (art. 27 para. 4).
    assert warning("pay", D(2024, 6, 1), today=TODAY) is None
    # The job ended: a year from its end, however long ago the pay was owed.
    assert warning("pay", D(2024, 6, 1), D(2026, 6, 1), today=TODAY) is None
    assert warning("pay", D(2024, 6, 1), D(2026, 1, 1), today=TODAY).level == Limitation.NEAR
    assert warning("pay", D(2024, 6, 1), D(2025, 12, 1), today=TODAY).level == Limitation.PAST


def group_mediation(county) -> Mediation:
    riders = more_partners(county, 9)
    claim, _ = actions.raise_claim(
        county.operator,
        type="pay",
        facts="十名骑手十一月工资均未发放",
        respondent_code="meituan",
        amount="32000",
        known_on=D(2026, 11, 20),
        idempotency_key="group",
        claimants=[county.partner_user.pk, *(u.pk for u in riders)],
    )
    assert claim.oral and claim.is_group and claim.parties.count() == 10
    act(county.operator, claim.case.pk, K.ACCEPT)
    act(county.operator, claim.case.pk, K.DISPATCH, department_code="tjw")
    county.riders = riders
    return Mediation.objects.get(claim=claim)


def test_a_group_dispute_is_accepted_only_with_3_to_5_representatives(county):
    mediation = group_mediation(county)
    m = mediation.case_id
    with pytest.raises(DomainError) as err:
        act(county.mediator, m, K.ACCEPT)
    assert err.value.code == "claims.representatives_required"
    for chosen in (county.riders[:2], county.riders[:6]):
        with pytest.raises(DomainError) as err:
            act(county.mediator, m, K.REPRESENT, extra={"representatives": [u.pk for u in chosen]})
        assert err.value.code == "claims.representatives_invalid"
    reps = [county.partner_user.pk, county.riders[0].pk, county.riders[1].pk]
    act(county.mediator, m, K.REPRESENT, extra={"representatives": reps})
    act(county.mediator, m, K.ACCEPT)
    act(county.mediator, m, K.DISPATCH, extra={"mediator": county.mediator.pk})
    act(county.mediator, m, K.AGREE, note="平台分两期支付32000元")
    with pytest.raises(DomainError) as err:  # a claimant who is not a representative
        act(county.riders[5], m, K.CONFIRM)
    assert err.value.code == "claims.not_a_representative"
    act(county.riders[0], m, K.CONFIRM)
    act(county.platform_user, m, K.COUNTERSIGN)
    assert Case.objects.get(pk=m).status == S.AGREED


def test_staff_record_an_oral_claim_only_for_partners_of_their_county(county):
    with pytest.raises(DomainError) as err:
        actions.raise_claim(
            county.far_reviewer,
            type="pay",
            facts="口头反映",
            respondent_name="某公司",
            known_on=D(2026, 11, 1),
            idempotency_key="far",
            claimants=[county.partner_user.pk],
        )
    assert err.value.code in ("claims.not_a_partner", "auth.forbidden")
    with pytest.raises(DomainError) as err:
        actions.raise_claim(
            county.team_lead,
            type="pay",
            facts="口头反映",
            respondent_name="某公司",
            known_on=D(2026, 11, 1),
            idempotency_key="lead",
            claimants=[county.partner_user.pk],
        )
    assert err.value.code == "auth.forbidden"
