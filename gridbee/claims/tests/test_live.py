"""Live events of claims: a claim is seen by its claimants, the desk, the body and legal aid
only (its Kind.visible), so its steps are heard on its own page and by its claimants, never
on the county's, a town's, a grid's or a department's topic that everyone there hears."""

from django.test import TestCase

from gridbee.cases import broadcast
from gridbee.cases.choices import CaseEventKind as K
from gridbee.claims.actions import act
from gridbee.core import live

from .test_loop import raise_pay_claim


def test_a_claims_steps_are_heard_on_its_page_and_by_its_claimant_only(county, monkeypatch):
    sent = []
    monkeypatch.setattr(broadcast, "publish_many", lambda topics, event: sent.append(topics))
    with TestCase.captureOnCommitCallbacks(execute=True):
        claim = raise_pay_claim(county)
    case = claim.case
    with TestCase.captureOnCommitCallbacks(execute=True):
        act(county.operator, case.pk, K.ACCEPT)
        act(county.operator, case.pk, K.DISPATCH, department_code="rsj")
    with TestCase.captureOnCommitCallbacks(execute=True):
        act(county.labour_user, case.pk, K.HANDLE, note="已责令企业三日内支付")

    assert len(sent) == 3  # accepted, dispatched, handled
    claimant = live.user_topic(county.partner_user.pk)
    for topics in sent:
        assert sorted(topics) == sorted([live.case_topic(case.pk), claimant])
    assert broadcast.case_topics(case) == [live.case_topic(case.pk)]
