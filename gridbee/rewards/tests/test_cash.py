"""Cash rewards (奖补): proposing at verification, the county's decision, payouts marked paid
in batches, the exported payout lists read back, and who may see what. Every refusal leaves
everything as it was."""

import csv
import io
import threading
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test import Client

from gridbee.cases.models import Message
from gridbee.core.errors import CommonError, DomainError
from gridbee.core.models import OutboxMessage
from gridbee.people import actions as people_actions
from gridbee.people.choices import Role
from gridbee.people.models import Partner, User
from gridbee.people.tests import county as county_module
from gridbee.rewards import payouts
from gridbee.rewards.actions import cash
from gridbee.rewards.choices import CashRewardStatus as S
from gridbee.rewards.errors import RewardsError
from gridbee.rewards.models import CashReward, EarningRules
from gridbee.rewards.money import yuan, yuan_decimal, yuan_label

from .matrix_cash import TO_HANDLED, approved, proposed, reports_of_a_case

COL = {key: n for n, (key, _header) in enumerate(payouts.COLUMNS)}


@pytest.fixture
def county(county):
    county.far_operator = county_module.staff(
        "13900000014", Role.OPERATOR, "远网格", region_id=county_module.OTHER_COUNTY
    )
    return county


def refused(error, call, *args, **kwargs):
    """Call an action expecting a refusal with `error`, and check it changed no reward."""
    before = sorted(CashReward.objects.values_list("id", "status", "paid_reference"))
    messages = Message.objects.count()
    with pytest.raises(DomainError) as info:
        call(*args, **kwargs)
    assert info.value.error is error
    assert sorted(CashReward.objects.values_list("id", "status", "paid_reference")) == before
    assert Message.objects.count() == messages
    return info.value


def api(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- money -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fen", "text", "label"),
    [
        (0, "0.00", "¥0.00"),
        (1, "0.01", "¥0.01"),
        (5000, "50.00", "¥50.00"),
        (15005, "150.05", "¥150.05"),
        (123456789, "1234567.89", "¥1,234,567.89"),
        (-150, "-1.50", "-¥1.50"),
    ],
)
def test_fen_become_yuan_with_integer_arithmetic(fen, text, label):
    assert yuan(fen) == text
    assert yuan_label(fen) == label
    assert yuan_decimal(fen) == Decimal(text)


# --- proposing -------------------------------------------------------------------------------


def test_an_operator_proposes_a_grade_for_a_report_of_a_closed_case(county):
    report = reports_of_a_case(county, "a")[0]
    reward = cash.propose(report.pk, 3, " 及时发现 ", actor=county.operator)
    assert (reward.status, reward.grade, reward.amount_fen) == (S.PROPOSED, 3, 15000)
    assert reward.partner == county.partner and reward.case_id == report.case_id
    assert reward.county_id == county_module.layers.COUNTY
    assert reward.proposed_by == county.operator and reward.proposed_at
    assert reward.reason == "及时发现"


def test_a_handled_case_waits_for_verification_before_a_reward(county):
    # 逐级核实审批后: handled is not verified; the proposal waits for the case's closure.
    report = reports_of_a_case(county, "h", steps=TO_HANDLED)[0]
    refused(RewardsError.CASE_NOT_VERIFIED, cash.propose, report.pk, 1, "x", actor=county.operator)


def test_the_amount_comes_from_the_county_grades_and_is_frozen(county):
    rules = EarningRules.objects.create(county_id=county_module.layers.COUNTY, grade4_fen=30001)
    reward = proposed(county, grade=4)
    assert reward.amount_fen == 30001
    rules.grade4_fen = 40000
    rules.save()
    reward.refresh_from_db()
    assert reward.amount_fen == 30001


@pytest.mark.parametrize("who", ["reviewer", "department_user", "partner_user", "station_user"])
def test_only_operators_propose(county, who):
    report = reports_of_a_case(county, "r")[0]
    refused(CommonError.FORBIDDEN, cash.propose, report.pk, 2, "x", actor=getattr(county, who))


def test_an_operator_of_another_county_cannot_see_the_report(county):
    report = reports_of_a_case(county, "f")[0]
    refused(RewardsError.NOT_FOUND, cash.propose, report.pk, 2, "x", actor=county.far_operator)
    refused(RewardsError.NOT_FOUND, cash.propose, 999999, 2, "x", actor=county.operator)
    refused(RewardsError.NOT_FOUND, cash.propose, "abc", 2, "x", actor=county.operator)


@pytest.mark.parametrize("grade", [0, 5, -1, "two", None, 2.5, True])
def test_a_grade_is_one_to_four(county, grade):
    report = reports_of_a_case(county, "g")[0]
    refused(RewardsError.INVALID_GRADE, cash.propose, report.pk, grade, "x", actor=county.operator)


def test_a_proposal_needs_a_reason(county):
    report = reports_of_a_case(county, "n")[0]
    refused(RewardsError.NOTE_REQUIRED, cash.propose, report.pk, 2, "  ", actor=county.operator)


def test_one_reward_per_report(county):
    reward = proposed(county)
    error = refused(
        RewardsError.ALREADY_PROPOSED, cash.propose, reward.report_id, 4, "再提", actor=county.admin
    )
    assert error.status == 409


def test_a_case_still_in_hand_cannot_be_rewarded(county):
    report = reports_of_a_case(county, "open", steps=TO_HANDLED[:2])[0]
    refused(RewardsError.CASE_NOT_VERIFIED, cash.propose, report.pk, 2, "x", actor=county.operator)


def test_a_suspended_reporter_cannot_be_rewarded(county):
    report = reports_of_a_case(county, "s")[0]
    people_actions.change_partner_status(
        county.partner.pk, "suspend", actor=county.reviewer, reason="inactivity"
    )
    refused(
        RewardsError.REPORTER_NOT_ACTIVE, cash.propose, report.pk, 2, "x", actor=county.operator
    )


def test_a_later_report_of_the_same_case_has_its_own_reward(county):
    EarningRules.objects.create(county_id=county_module.layers.COUNTY, cash_for="any_verified")
    first, later = reports_of_a_case(county, "two", count=2)
    assert first.is_first and not later.is_first
    cash.propose(first.pk, 4, "首报", actor=county.operator)
    assert cash.propose(later.pk, 1, "补充照片", actor=county.operator).amount_fen == 5000


# --- deciding --------------------------------------------------------------------------------


def test_the_reviewer_approves_and_the_reporter_is_told(county, django_capture_on_commit_callbacks):
    reward = proposed(county)
    with django_capture_on_commit_callbacks(execute=True) as sent:
        cash.decide(reward.pk, True, "", actor=county.reviewer)
    assert len(sent) == 1  # the SMS channel goes out only once the decision is committed
    reward.refresh_from_db()
    assert (reward.status, reward.decided_by) == (S.APPROVED, county.reviewer)
    assert reward.decided_at is not None
    message = Message.objects.get(recipient=county.partner_user, kind="cash_approved")
    assert message.case_id == reward.case_id and "¥100.00" in message.text
    outbox = OutboxMessage.objects.filter(recipient=county.partner_user.mobile)
    assert outbox.filter(body=message.text).count() == 1


def test_refusing_needs_a_note_and_tells_nobody(county):
    reward = proposed(county)
    refused(RewardsError.NOTE_REQUIRED, cash.decide, reward.pk, False, " ", actor=county.reviewer)
    cash.decide(reward.pk, False, "属于日常巡查", actor=county.reviewer)
    reward.refresh_from_db()
    assert (reward.status, reward.decision_note) == (S.REFUSED, "属于日常巡查")
    assert not Message.objects.filter(kind__startswith="cash").exists()


def test_only_a_proposal_is_decided(county):
    reward = approved(county)
    refused(RewardsError.ALREADY_DECIDED, cash.decide, reward.pk, False, "x", actor=county.admin)
    refused(RewardsError.ALREADY_DECIDED, cash.decide, reward.pk, True, "", actor=county.reviewer)


def test_who_decides(county):
    reward = proposed(county)
    refused(CommonError.FORBIDDEN, cash.decide, reward.pk, True, "", actor=county.operator)
    refused(CommonError.FORBIDDEN, cash.decide, reward.pk, True, "", actor=county.partner_user)
    refused(RewardsError.NOT_FOUND, cash.decide, reward.pk, True, "", actor=county.far_reviewer)
    refused(RewardsError.NOT_FOUND, cash.decide, 999999, True, "", actor=county.reviewer)


# --- paying ----------------------------------------------------------------------------------


def test_a_batch_is_marked_paid_with_its_reference(county, django_capture_on_commit_callbacks):
    one = approved(county, "p1", grade=1)
    two = approved(county, "p2", grade=4, at=(0.005, 0.008))
    with django_capture_on_commit_callbacks(execute=True):
        paid = cash.mark_paid([one.pk, str(two.pk)], " ZZ-001 ", actor=county.reviewer)
    assert sorted(r.pk for r in paid) == sorted([one.pk, two.pk])
    for reward in (one, two):
        reward.refresh_from_db()
        assert (reward.status, reward.paid_reference) == (S.PAID, "ZZ-001")
        assert reward.paid_by == county.reviewer and reward.paid_at
    texts = Message.objects.filter(kind="cash_paid").values_list("text", flat=True)
    assert sorted("¥50.00" in t or "¥200.00" in t for t in texts) == [True, True]
    assert all("ZZ-001" in t for t in texts)
    refused(RewardsError.NOT_APPROVED, cash.mark_paid, [one.pk], "again", actor=county.reviewer)


def test_paying_is_all_or_nothing(county):
    good = approved(county, "ok")
    waiting = proposed(county, "wait", at=(0.005, 0.008))
    error = refused(
        RewardsError.NOT_APPROVED, cash.mark_paid, [good.pk, waiting.pk], "R1", actor=county.admin
    )
    assert error.details == {"reward_ids": [waiting.pk]}
    refused(RewardsError.NOT_FOUND, cash.mark_paid, [good.pk, 999999], "R1", actor=county.admin)
    refused(RewardsError.REFERENCE_REQUIRED, cash.mark_paid, [good.pk], " ", actor=county.admin)
    refused(
        RewardsError.REFERENCE_REQUIRED, cash.mark_paid, [good.pk], "9" * 101, actor=county.admin
    )
    refused(RewardsError.NOTHING_SELECTED, cash.mark_paid, [], "R1", actor=county.admin)
    refused(RewardsError.NOTHING_SELECTED, cash.mark_paid, ["x"], "R1", actor=county.admin)
    refused(RewardsError.NOT_FOUND, cash.mark_paid, [good.pk], "R1", actor=county.far_reviewer)
    refused(CommonError.FORBIDDEN, cash.mark_paid, [good.pk], "R1", actor=county.operator)


# --- the API: scope, lists, payout exports ---------------------------------------------------


def test_lists_are_scoped_and_filtered(county):
    EarningRules.objects.create(county_id=county_module.layers.COUNTY, cash_for="any_verified")
    urgent = proposed(county, "urgent", emergency=True, at=(0.005, 0.011))
    plain = proposed(county, "plain", emergency=False)
    done = approved(county, "done", at=(0.005, 0.008))
    listed = api(county.reviewer).get("/api/cash-rewards?status=proposed").json()
    assert [r["id"] for r in listed] == [urgent.pk, plain.pk]  # the emergency's 首报 first
    assert [r["priority"] for r in listed] == [True, False]
    assert listed[1]["amount_fen"] == 10000 and listed[1]["amount_yuan"] == "100.00"
    everything = api(county.operator).get("/api/cash-rewards").json()
    assert {r["id"] for r in everything} == {urgent.pk, plain.pk, done.pk}
    assert api(county.far_reviewer).get("/api/cash-rewards").json() == []
    assert api(county.far_reviewer).get(f"/api/cash-rewards/{done.pk}").status_code == 404
    response = api(county.reviewer).get("/api/cash-rewards?month=2026-13")
    assert (response.status_code, response.json()["code"]) == (400, "rewards.invalid_month")


def test_the_partner_sees_only_approved_and_paid_rewards_of_their_own(county):
    proposed(county, "p")
    refused_one = proposed(county, "r", at=(0.005, 0.008))
    cash.decide(refused_one.pk, False, "不予奖补", actor=county.reviewer)
    paid = approved(county, "paid", at=(0.005, 0.011))
    cash.mark_paid([paid.pk], "WX-42", actor=county.reviewer)
    due = approved(county, "due", at=(0.005, 0.014))
    mine = api(county.partner_user).get("/api/me/cash-rewards").json()
    assert [(r["id"], r["status"]) for r in mine] == [(due.pk, "approved"), (paid.pk, "paid")]
    assert mine[1]["paid_reference"] == "WX-42" and mine[1]["amount_yuan"] == "100.00"
    assert api(county.operator).get("/api/me/cash-rewards").json() == []


def test_the_api_refuses_a_double_proposal_with_409(county):
    reward = proposed(county)
    body = {"report_id": reward.report_id, "grade": 1, "reason": "again"}
    response = api(county.operator).post("/api/cash-rewards", body, content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (409, "rewards.already_proposed")


def _payout_rewards(county):
    one = approved(county, "x1", grade=1)
    three = approved(county, "x3", grade=3, at=(0.005, 0.008))
    proposed(county, "x-wait", at=(0.005, 0.011))  # not approved: not on the list
    Partner.objects.filter(pk=county.partner.pk).update(name="=HYPERLINK(1)")
    return one, three


def test_the_payout_list_holds_approved_unpaid_rewards(county):
    one, three = _payout_rewards(county)
    body = api(county.reviewer).get("/api/cash-payouts").json()
    assert (body["count"], body["total_fen"], body["total_yuan"]) == (2, 20000, "200.00")
    assert [r["reward_id"] for r in body["rows"]] == [one.pk, three.pk]
    row = body["rows"][1]
    assert row["mobile"] == county.partner_user.mobile
    assert row["id_number"] == "5227**********0014"
    assert api(county.reviewer).get("/api/cash-payouts?month=2020-01").json()["count"] == 0
    cash.mark_paid([one.pk], "R", actor=county.reviewer)
    assert api(county.reviewer).get("/api/cash-payouts").json()["total_fen"] == 15000
    assert api(county.far_reviewer).get("/api/cash-payouts").json()["count"] == 0


def test_the_xlsx_export_reads_back_with_exact_amounts(county):
    one, three = _payout_rewards(county)
    response = api(county.reviewer).get("/api/cash-payouts/export?format=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows[0]) == len(payouts.COLUMNS)
    assert [r[COL["reward_id"]] for r in rows[1:]] == [one.pk, three.pk]
    assert [r[COL["amount_fen"]] for r in rows[1:]] == [5000, 15000]
    assert [Decimal(str(r[COL["amount_yuan"]])) for r in rows[1:]] == [Decimal(50), Decimal(150)]
    assert rows[1][COL["partner_name"]] == "=HYPERLINK(1)"  # text, not a formula
    assert sheet.cell(row=2, column=COL["partner_name"] + 1).data_type == "s"
    assert rows[1][COL["mobile"]] == county.partner_user.mobile
    assert rows[1][COL["grade"]] == 1 and rows[2][COL["case_id"]] == three.case_id
    summary = dict(book.worksheets[1].iter_rows(values_only=True))
    assert 20000 in summary.values()


def test_the_csv_export_opens_in_excel_and_reads_back(county):
    one, three = _payout_rewards(county)
    response = api(county.reviewer).get("/api/cash-payouts/export?format=csv")
    assert response.status_code == 200
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 3 and len(rows[0]) == len(payouts.COLUMNS)
    assert [r[COL["reward_id"]] for r in rows[1:]] == [str(one.pk), str(three.pk)]
    assert [r[COL["amount_yuan"]] for r in rows[1:]] == ["50.00", "150.00"]
    assert [r[COL["amount_fen"]] for r in rows[1:]] == ["5000", "15000"]
    assert rows[1][COL["partner_name"]] == "'=HYPERLINK(1)"
    assert rows[1][COL["id_number"]] == "5227**********0014"
    user = User.objects.get(pk=county.admin.pk)
    assert api(user).get("/api/cash-payouts/export?format=pdf").status_code == 400


# --- at the same moment ----------------------------------------------------------------------


def _at_once(calls) -> list:
    """Run the calls in threads released together; each result is "ok" or the error's code."""
    results, barrier = [], threading.Barrier(len(calls))

    def run(call):
        barrier.wait()
        try:
            call()
            results.append("ok")
        except DomainError as error:
            results.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(results)


@pytest.mark.django_db(transaction=True)
def test_two_proposals_and_two_decisions_at_once_land_once(live_county):
    c = live_county
    report = reports_of_a_case(c, "race")[0]
    results = _at_once(
        [lambda u=u: cash.propose(report.pk, 2, "同时", actor=u) for u in (c.operator, c.admin)]
    )
    assert results == ["ok", "rewards.already_proposed"]
    reward = CashReward.objects.get(report=report)
    results = _at_once(
        [
            lambda: cash.decide(reward.pk, True, "", actor=c.reviewer),
            lambda: cash.decide(reward.pk, False, "不予", actor=c.admin),
        ]
    )
    assert results == ["ok", "rewards.already_decided"]
    reward.refresh_from_db()
    told = Message.objects.filter(kind="cash_approved").count()
    assert told == (1 if reward.status == S.APPROVED else 0)
    due = approved(c, "race-pay", at=(0.005, 0.008))
    results = _at_once(
        [lambda r=r: cash.mark_paid([due.pk], r, actor=c.reviewer) for r in ("A", "B")]
    )
    assert results == ["ok", "rewards.not_approved"]
    assert Message.objects.filter(kind="cash_paid").count() == 1
