"""Cash rewards (奖补) by seed 003 (惠水): the information "after verification and approval level
by level" (逐级核实审批后) earns a grade, so a reward is proposed, approved and paid only for a
case that passed verification, and a case reopened or sent back for rework takes its unpaid
reward back to review; "ordinary information and non-first emergency information" earn points,
so by default the cash grades are for the first report of a verified emergency (each county
may widen that); a suspended or revoked partner is not paid."""

import csv
import io
import json
from types import SimpleNamespace

import pytest
from django.test import Client

from gridbee.cases import workflow
from gridbee.cases.models import Message
from gridbee.core.errors import DomainError
from gridbee.people import actions as people_actions
from gridbee.people.tests import county as county_module
from gridbee.reports.tests import images
from gridbee.rewards.actions import cash
from gridbee.rewards.choices import CashRewardStatus as S
from gridbee.rewards.choices import EntryKind
from gridbee.rewards.errors import RewardsError
from gridbee.rewards.models import CashReward, EarningRules, PointsEntry

from .matrix_cash import TO_HANDLED, approved, proposed, reports_of_a_case

BACK_TO_CLOSED = [
    ("dispatch", "operator", {"department_code": "cgj"}),
    *TO_HANDLED[2:],
    ("verify_pass", "operator", {}),
]


def api(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(user, path, body):
    return api(user).post(path, json.dumps(body), content_type="application/json")


def walk(county, case_id, steps) -> None:
    for action, who, extra in steps:
        if extra.get("photos") == "photo":
            extra = {**extra, "photos": [images.jpeg(320, 240)]}
        workflow.act(case_id, action, actor=getattr(county, who), **extra)


def propose_over_api(county, report):
    body = {"report_id": report.pk, "grade": 2, "reason": "应急首报"}
    return post(county.operator, "/api/cash-rewards", body)


# --- after verification (逐级核实审批后) --------------------------------------------------------


def test_a_handled_case_is_not_verified_yet_the_closed_one_is(county):
    report = reports_of_a_case(county, "h", steps=TO_HANDLED)[0]
    response = propose_over_api(county, report)
    assert (response.status_code, response.json()["code"]) == (409, "rewards.case_not_verified")
    assert "结案" in response.json()["message"]
    assert not CashReward.objects.exists()
    page = api(county.operator).get(f"/console/cases/{report.case_id}/").content.decode()
    assert 'data-action="cash-propose"' not in page  # nothing to propose before verification
    walk(county, report.case_id, [("verify_pass", "operator", {})])
    assert propose_over_api(county, report).status_code == 201


def test_a_reopened_case_takes_its_approved_reward_back_to_review(county):
    reward = approved(county)
    case_id, approver = reward.case_id, reward.decided_by.name
    response = post(county.partner_user, f"/api/cases/{case_id}/steps/reopen", {"note": "又塌了"})
    assert response.status_code == 200 and response.json()["status"] == "accepted"
    reward.refresh_from_db()
    assert (reward.status, reward.decided_by, reward.decided_at) == (S.PROPOSED, None, None)
    assert reward.returned_at is not None
    assert f"#{case_id}" in reward.return_note and approver in reward.return_note  # whose approval
    # The partner, told of the approval, is told it is withdrawn; it leaves their list.
    told = Message.objects.get(recipient=county.partner_user, kind="cash_back_to_review")
    assert f"#{case_id}" in told.text
    assert api(county.partner_user).get("/api/me/cash-rewards").json() == []
    # The reviewer sees why; the payout list does not have it; approval waits for verification.
    seen = api(county.reviewer).get(f"/api/cash-rewards/{reward.pk}").json()
    assert (seen["status"], seen["held"], seen["return_note"]) == (
        "proposed",
        "case_reopened",
        reward.return_note,
    )
    assert seen["held_reason"] and seen["returned_at"]
    assert api(county.reviewer).get("/api/cash-payouts").json()["rows"] == []
    decide = post(county.reviewer, f"/api/cash-rewards/{reward.pk}/decide", {"approve": True})
    assert (decide.status_code, decide.json()["code"]) == (409, "rewards.case_not_verified")
    queue = api(county.reviewer).get("/review/cash/").content.decode()
    assert "data-returned" in queue and "data-held" in queue

    # Handled again but sent back for rework: still waiting, and the note says so.
    walk(county, case_id, BACK_TO_CLOSED[:-1])
    walk(county, case_id, [("verify_fail", "operator", {"note": "仍有隐患"})])
    reward.refresh_from_db()
    assert reward.status == S.PROPOSED and "返工" in reward.return_note
    # Verified at last: the reviewer approves, and it is paid.
    walk(county, case_id, [TO_HANDLED[3], TO_HANDLED[4], ("verify_pass", "operator", {})])
    decide = post(county.reviewer, f"/api/cash-rewards/{reward.pk}/decide", {"approve": True})
    assert decide.status_code == 200 and decide.json()["status"] == "approved"
    rows = api(county.reviewer).get("/api/cash-payouts").json()["rows"]
    assert [r["reward_id"] for r in rows] == [reward.pk]


def test_a_paid_reward_stays_paid_and_a_refused_one_refused(county):
    paid = approved(county, "paid")
    cash.mark_paid([paid.pk], "WX-9", actor=county.reviewer)
    refused = proposed(county, "no", at=(0.005, 0.008))
    cash.decide(refused.pk, False, "价值不足", actor=county.reviewer)
    for reward in (paid, refused):
        workflow.act(reward.case_id, "reopen", actor=county.partner_user, note="又出现了")
    paid.refresh_from_db()
    refused.refresh_from_db()
    assert (paid.status, paid.paid_reference, paid.returned_at) == (S.PAID, "WX-9", None)
    assert (refused.status, refused.returned_at) == (S.REFUSED, None)
    assert not Message.objects.filter(kind="cash_back_to_review").exists()


# --- suspended or revoked partners are not paid ------------------------------------------------


@pytest.mark.parametrize(("action", "held"), [("suspend", "partner_suspended"),
                                              ("revoke", "partner_revoked")])  # fmt: skip
def test_a_suspended_or_revoked_partner_is_held_off_the_payout_list(county, action, held):
    reward = approved(county)
    people_actions.change_partner_status(
        county.partner.pk, action, actor=county.reviewer, reason="false_reports"
    )
    payouts = api(county.reviewer).get("/api/cash-payouts").json()
    assert (payouts["count"], payouts["rows"]) == (0, [])
    assert [(h["reward_id"], h["held"]) for h in payouts["held"]] == [(reward.pk, held)]
    assert "暂缓发放" in payouts["held"][0]["held_reason"]
    export = api(county.reviewer).get("/api/cash-payouts/export?format=csv")
    assert len(list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))) == 1
    assert api(county.reviewer).get(f"/api/cash-rewards/{reward.pk}").json()["held"] == held
    page = api(county.reviewer).get("/review/payouts/")
    assert page.context["rows"] == []
    assert f'data-cash-reward="{reward.pk}"' in page.content.decode()  # in the held section
    assert "暂缓发放" in page.content.decode()

    body = {"reward_ids": [reward.pk], "reference": "ZZ-1"}
    response = post(county.reviewer, "/api/cash-payouts/paid", body)
    assert (response.status_code, response.json()["code"]) == (409, "rewards.held")
    assert response.json()["details"] == {"held": [{"reward_id": reward.pk, "held": held}]}
    with pytest.raises(DomainError) as caught:
        cash.mark_paid([reward.pk], "ZZ-1", actor=county.admin)
    assert caught.value.error is RewardsError.HELD
    reward.refresh_from_db()
    assert (reward.status, reward.paid_reference) == (S.APPROVED, "")
    assert not Message.objects.filter(kind="cash_paid").exists()

    # Reinstated, the partner's reward is back on the list and paid.
    people_actions.change_partner_status(
        county.partner.pk, "reinstate", actor=county.reviewer, reason="reviewed"
    )
    assert api(county.reviewer).get("/api/cash-payouts").json()["count"] == 1
    assert post(county.reviewer, "/api/cash-payouts/paid", body).status_code == 200


def test_one_held_reward_holds_the_whole_batch(county):
    other = people_actions.act_on_application(
        county.recommended.pk, "approve", actor=county.reviewer
    ).partner
    mine = approved(county, "mine")
    their_county = SimpleNamespace(**{**vars(county), "partner": other})
    theirs = approved(their_county, "theirs", at=(0.005, 0.008))
    people_actions.change_partner_status(
        other.pk, "suspend", actor=county.reviewer, reason="inactivity"
    )
    with pytest.raises(DomainError) as caught:
        cash.mark_paid([mine.pk, theirs.pk], "R-2", actor=county.reviewer)
    assert caught.value.details == {"held": [{"reward_id": theirs.pk, "held": "partner_suspended"}]}
    assert set(CashReward.objects.values_list("status", flat=True)) == {S.APPROVED}
    assert [r.pk for r in cash.mark_paid([mine.pk], "R-2", actor=county.reviewer)] == [mine.pk]


# --- which reports cash is for (the county's rule) ---------------------------------------------


def test_by_default_cash_is_for_the_first_report_of_an_emergency(county):
    ordinary = reports_of_a_case(county, "plain", emergency=False)[0]
    first, later = reports_of_a_case(county, "sos", count=2, at=(0.005, 0.008))
    assert first.is_first and not later.is_first
    for report in (ordinary, later):
        response = propose_over_api(county, report)
        assert (response.status_code, response.json()["code"]) == (409, "rewards.not_for_cash")
        assert "首报" in response.json()["message"] and "积分" in response.json()["message"]
    assert not CashReward.objects.exists()
    # The case page offers only what the rule covers, and says the rule otherwise.
    client = api(county.operator)
    sos = client.get(f"/console/cases/{first.case_id}/").content.decode()
    offered = sos.split('name="report"')[1].split("</select>")[0]
    assert f'<option value="{first.pk}">★' in offered and f'value="{later.pk}"' not in offered
    assert propose_over_api(county, first).status_code == 201
    plain = client.get(f"/console/cases/{ordinary.case_id}/").content.decode()
    assert 'data-action="cash-propose"' not in plain and "应急治理信息的首报" in plain


def test_a_county_may_give_cash_for_any_verified_report(county):
    EarningRules.objects.create(county_id=county_module.layers.COUNTY, cash_for="any_verified")
    ordinary = reports_of_a_case(county, "plain", emergency=False)[0]
    first, later = reports_of_a_case(county, "sos", count=2, at=(0.005, 0.008))
    for report in (ordinary, later, first):
        assert propose_over_api(county, report).status_code == 201


def test_the_first_report_of_a_verified_emergency_also_earns_its_points(county):
    # The seed gives points to ordinary and non-first emergency information and names no
    # exception for the first report: its points stay, and the cash grade comes on top.
    first, _later = reports_of_a_case(county, "sos", count=2)
    entries = PointsEntry.objects.filter(case_id=first.case_id).values_list("report_id", "kind")
    assert sorted(entries) == sorted([(first.pk, EntryKind.FIRST_REPORT)])  # one partner, once
    assert cash.propose(first.pk, 4, "应急首报", actor=county.operator).amount_fen == 20000


def test_the_rule_refuses_through_the_action_too(county):
    ordinary = reports_of_a_case(county, "plain", emergency=False)[0]
    with pytest.raises(DomainError) as caught:
        cash.propose(ordinary.pk, 2, "x", actor=county.operator)
    assert caught.value.error is RewardsError.NOT_FOR_CASH
