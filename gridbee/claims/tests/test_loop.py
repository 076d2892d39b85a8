"""A claim and a mediation through the engine: the steps, who may take them, who sees what."""

import datetime

import pytest

from gridbee.cases.choices import CaseEventKind as K
from gridbee.cases.choices import CaseStatus as S
from gridbee.cases.models import Case, Message
from gridbee.claims import actions, queries
from gridbee.claims.actions import act
from gridbee.claims.models import Mediation, MediatorTie
from gridbee.core.errors import DomainError
from gridbee.reports.tests.images import jpeg

from .parties import body

KNOWN = datetime.date(2026, 11, 20)


def raise_pay_claim(county, key="k1", **more):
    claim, _ = actions.raise_claim(
        county.partner_user,
        type="pay",
        facts="十一月工资3200元未发放",
        respondent_code="meituan",
        amount="3200",
        known_on=KNOWN,
        photos=[jpeg(640, 480)],
        idempotency_key=key,
        **more,
    )
    return claim


def code(err) -> str:
    return err.value.code


def test_a_claim_goes_round_the_loop_and_the_claimant_is_told_by_serial(county):
    claim = raise_pay_claim(county)
    case = claim.case
    assert case.kind == "claim" and case.status == S.REPORTED
    assert claim.serial.startswith("SQ") and case.step_deadline_at is not None
    assert case.events.get(kind=K.OPENED).photos.count() == 1
    act(county.operator, case.pk, K.ACCEPT)
    act(county.operator, case.pk, K.DISPATCH, department_code="rsj")
    case.refresh_from_db()
    assert case.status == S.DISPATCHED and case.department.code == "rsj"
    act(county.labour_user, case.pk, K.HANDLE, note="已责令企业三日内支付")
    act(county.partner_user, case.pk, K.RATE, reason="satisfied")
    act(county.operator, case.pk, K.ARCHIVE)
    case.refresh_from_db()
    assert case.status == S.ARCHIVED and case.rating == "satisfied"
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds == [K.OPENED, K.ACCEPT, K.DISPATCH, K.HANDLE, K.RATE, K.ARCHIVE]
    texts = list(
        Message.objects.filter(recipient=county.partner_user).values_list("text", flat=True)
    )
    assert any(claim.serial in t for t in texts) and len(texts) >= 4


def test_the_same_key_gives_the_same_claim_and_a_different_claim_is_refused(county):
    first = raise_pay_claim(county)
    assert raise_pay_claim(county).pk == first.pk
    with pytest.raises(DomainError) as err:
        actions.raise_claim(county.partner_user, type="rest", facts="x", respondent_name="某公司",
                            known_on=KNOWN, idempotency_key="k1")  # fmt: skip
    assert code(err) == "claims.idempotency_key_reused"


def test_nobody_in_the_claimants_team_sees_the_claim(county):
    case = raise_pay_claim(county).case
    others = ("team_lead", "station_user", "department_user", "platform_user", "mediator")
    for user in [getattr(county, name) for name in others] + [county.far_reviewer]:
        with pytest.raises(DomainError):
            queries.case_for(user, case.pk)
    assert queries.case_for(county.partner_user, case.pk) == (case, True)
    assert queries.case_for(county.operator, case.pk)[1] is False
    # The report queues leave claims out.
    from gridbee.cases.queries import cases_for

    assert not cases_for(county.operator).filter(pk=case.pk).exists()


def test_refusal_needs_a_reason_and_a_note(county):
    case = raise_pay_claim(county).case
    with pytest.raises(DomainError) as err:
        act(county.operator, case.pk, K.REJECT, note="不属于本县")
    assert code(err) == "cases.reason_required"
    with pytest.raises(DomainError) as err:
        act(county.operator, case.pk, K.REJECT, reason="not_ours")
    assert code(err) == "cases.note_required"
    act(county.operator, case.pk, K.REJECT, reason="not_ours", note="用人单位在外县")
    assert Case.objects.get(pk=case.pk).status == S.REJECTED


def to_mediation(county, **more) -> Mediation:
    case = raise_pay_claim(county, **more).case
    act(county.operator, case.pk, K.ACCEPT)
    act(county.operator, case.pk, K.DISPATCH, department_code="tjw")
    return Mediation.objects.get(claim__case=case)


def test_a_mediation_reaches_an_agreement_both_parties_confirm(county):
    mediation = to_mediation(county)
    m = mediation.case
    assert m.kind == "mediation" and m.status == S.REPORTED
    with pytest.raises(DomainError):  # the platform sees it only once accepted
        queries.case_for(county.platform_user, m.pk)
    act(county.mediator, m.pk, K.ACCEPT)
    assert queries.case_for(county.platform_user, m.pk)[0] == m
    act(county.mediator, m.pk, K.DISPATCH, extra={"mediator": county.mediator.pk})
    with pytest.raises(DomainError) as err:
        act(county.mediator_2, m.pk, K.SESSION, note="x")
    assert code(err) == "claims.not_the_mediator"
    act(county.mediator, m.pk, K.SESSION, note="双方到场，陈述事实")
    act(county.mediator, m.pk, K.AGREE, note="平台于12月10日前支付工资3200元")
    act(county.platform_user, m.pk, K.COUNTERSIGN)
    act(county.partner_user, m.pk, K.CONFIRM)
    m.refresh_from_db()
    mediation.refresh_from_db()
    assert m.status == S.AGREED and mediation.sessions.count() == 1
    claim_case = mediation.claim.case
    claim_case.refresh_from_db()
    assert claim_case.status == S.HANDLED
    assert "3200" in claim_case.events.get(kind=K.HANDLE).note
    act(county.mediator, m.pk, K.PERFORM, reason="not_performed")
    assert Message.objects.filter(recipient=county.partner_user, kind=K.PERFORM,
                                  text__contains="支付令").exists()  # fmt: skip
    act(county.partner_user, m.pk, K.RATE, reason="fairly")
    assert Case.objects.get(pk=m.pk).status == S.VISITED


def test_a_mediator_linked_to_a_party_cannot_be_assigned(county):
    m = to_mediation(county).case
    act(county.mediator, m.pk, K.ACCEPT)
    MediatorTie.objects.create(mediator=county.mediator_2, user=county.partner_user, note="亲属")
    with pytest.raises(DomainError) as err:
        act(county.mediator, m.pk, K.DISPATCH, extra={"mediator": county.mediator_2.pk})
    assert code(err) == "claims.mediator_conflict"
    MediatorTie.objects.create(mediator=county.mediator, body=body("meituan"))
    with pytest.raises(DomainError) as err:
        act(county.operator, m.pk, K.DISPATCH, extra={"mediator": county.mediator.pk})
    assert code(err) == "claims.mediator_conflict"
    assert Case.objects.get(pk=m.pk).status == S.ACCEPTED


def test_a_mediator_declines_with_a_reason(county):
    mediation = to_mediation(county)
    m = mediation.case
    act(county.mediator, m.pk, K.ACCEPT)
    act(county.operator, m.pk, K.DISPATCH, extra={"mediator": county.mediator.pk})
    with pytest.raises(DomainError):
        act(county.mediator, m.pk, K.RETURN)
    act(county.mediator, m.pk, K.RETURN, note="与申请人系同乡，申请回避")
    mediation.refresh_from_db()
    assert mediation.mediator is None and Case.objects.get(pk=m.pk).status == S.ACCEPTED


def test_only_pay_penalty_rest_injury_claims_go_to_mediation(county):
    claim, _ = actions.raise_claim(
        county.partner_user,
        type="housing",
        facts="租房困难",
        respondent_name="无",
        known_on=KNOWN,
        idempotency_key="h",
    )
    act(county.operator, claim.case.pk, K.ACCEPT)
    with pytest.raises(DomainError) as err:
        act(county.operator, claim.case.pk, K.DISPATCH, department_code="tjw")
    assert code(err) == "claims.not_mediable"


def test_the_report_endpoints_leave_claims_to_their_own_app(county):
    from django.test import Client

    case = raise_pay_claim(county).case
    client = Client()
    client.force_login(county.operator)
    assert client.get(f"/api/cases/{case.pk}").status_code == 404
    step = client.post(f"/api/cases/{case.pk}/steps/accept", {}, content_type="application/json")
    assert step.status_code == 404
    assert client.get(f"/console/cases/{case.pk}/").status_code == 404
    assert Case.objects.get(pk=case.pk).status == S.REPORTED
