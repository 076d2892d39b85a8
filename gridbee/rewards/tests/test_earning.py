"""Earning points (积分规则) through the real closed loop: nothing at intake, points at
verification (first report more than later ones), once per cause whatever repeats it, within
the daily cap, nothing for a suspended partner; and repeated false reports proposing a
suspension to the reviewer. The helpers here serve the other points tests too."""

import datetime
import threading

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from gridbee.cases import workflow
from gridbee.cases.models import Case
from gridbee.core.errors import DomainError
from gridbee.geo.tests import layers
from gridbee.people import actions as people_actions
from gridbee.reports.actions import Sender, submit_report
from gridbee.reports.tests import images
from gridbee.rewards import ledger
from gridbee.rewards.actions import earning
from gridbee.rewards.choices import EntryKind
from gridbee.rewards.models import EarningRules, PointsEntry, SuspensionProposal

PHOTO = images.jpeg(320, 240)
RESULT = images.jpeg(640, 480)
TO_CLOSED = ["accept", "dispatch", "sign", "handle", "verify_pass"]
ARGS = {
    "dispatch": {"department_code": "cgj"},
    "handle": {"note": "已清运", "photos": [RESULT]},
    "reopen": {"note": "又满了"},
}
ACTOR = {"sign": "department_user", "handle": "department_user", "reopen": "partner_user"}


def second_partner(county):
    """张伟: the fixture's recommended application, approved."""
    application = people_actions.act_on_application(
        county.recommended.pk, "approve", actor=county.reviewer
    )
    return application.partner


def report(county, partner=None, *, key="r", place=0) -> Case:
    """A report of overflowing bins; the same `place` joins the same case (非首报)."""
    answer, _ = submit_report(
        Sender.of_partner(partner or county.partner), idempotency_key=key,
        category_code="overflowing_bins", lat=layers.Y0 + 0.005,
        lon=layers.X0 + 0.005 + 0.012 * place, photos=[PHOTO],
    )  # fmt: skip
    return Case.objects.get(pk=answer["case"]["id"])


def walk(county, case: Case, actions) -> Case:
    for action in actions:
        who = getattr(county, ACTOR.get(action, "operator"))
        workflow.act(case.pk, action, actor=who, **ARGS.get(action, {}))
    case.refresh_from_db()
    return case


def entries(partner=None) -> list[tuple]:
    found = PointsEntry.objects.order_by("id")
    if partner is not None:
        found = found.filter(partner=partner)
    return list(found.values_list("partner_id", "kind", "amount"))


def consistent(*partners) -> None:
    for partner in partners:
        assert ledger.balance(partner) == ledger.ledger_sum(partner)


# --- verification ----------------------------------------------------------------------------


def test_a_verified_case_pays_its_reporters_first_report_more(county):
    other = second_partner(county)
    case = report(county)
    assert report(county, other, key="later").pk == case.pk  # joined: 非首报
    walk(county, case, TO_CLOSED[:-1])
    assert entries() == [], "nothing before verification"
    walk(county, case, ["verify_pass"])
    assert entries() == [
        (county.partner.pk, EntryKind.FIRST_REPORT, 10),
        (other.pk, EntryKind.REPORT, 3),
    ]
    entry = PointsEntry.objects.get(partner=county.partner)
    assert (entry.case_id, entry.report_id) == (case.pk, case.first_report_id)
    consistent(county.partner, other)


def test_county_rules_set_the_amounts(county):
    EarningRules.objects.create(county_id=layers.COUNTY, first_report_points=25)
    walk(county, report(county), TO_CLOSED)
    assert entries() == [(county.partner.pk, EntryKind.FIRST_REPORT, 25)]


def test_nothing_for_a_rejected_case(county):
    case = report(county)
    workflow.act(case.pk, "reject", actor=county.operator, reason="duplicate")
    assert entries() == []
    assert earning.case_verified(Case.objects.get(pk=case.pk)) == []


def test_verify_reopen_verify_pays_once(county):
    case = walk(county, report(county), TO_CLOSED)
    walk(county, case, ["reopen", "dispatch", "sign", "handle", "verify_pass"])
    assert case.status == "closed"
    assert entries() == [(county.partner.pk, EntryKind.FIRST_REPORT, 10)]
    assert earning.case_verified(case)[0].amount == 10  # called again: the same entry
    assert PointsEntry.objects.count() == 1
    consistent(county.partner)


def test_reporting_one_problem_twice_pays_once(county):
    case = report(county, key="a")
    assert report(county, key="b").pk == case.pk
    walk(county, case, TO_CLOSED)
    assert entries() == [(county.partner.pk, EntryKind.FIRST_REPORT, 10)]


def test_a_suspended_partner_earns_nothing(county):
    other = second_partner(county)
    case = report(county)
    report(county, other, key="later")
    people_actions.change_partner_status(
        county.partner.pk, "suspend", actor=county.reviewer, reason="inactivity"
    )
    walk(county, case, TO_CLOSED)
    assert entries() == [(other.pk, EntryKind.REPORT, 3)]
    county.partner.refresh_from_db()
    with pytest.raises(DomainError) as caught:
        earning.check_in(county.partner)
    assert caught.value.code == "rewards.partner_not_active"


# --- caps and once-a-day --------------------------------------------------------------------


def test_the_daily_cap_cuts_an_award_then_stops_them(county):
    EarningRules.objects.create(county_id=layers.COUNTY, daily_cap=12)
    walk(county, report(county, key="a", place=0), TO_CLOSED)
    earning.check_in(county.partner)
    walk(county, report(county, key="b", place=1), TO_CLOSED)  # 10 due, 1 left
    walk(county, report(county, key="c", place=2), TO_CLOSED)  # cap reached
    assert [a for _p, _k, a in entries()] == [10, 1, 1]
    assert ledger.balance(county.partner) == 12
    entry, new = earning.alert_answered(county.partner, "alert:1")
    assert (entry, new) == (None, False)
    consistent(county.partner)


def test_check_in_once_a_local_day(county, monkeypatch):
    entry, new = earning.check_in(county.partner)
    assert new and entry.kind == EntryKind.CHECK_IN and entry.amount == 1
    again, new_again = earning.check_in(county.partner)
    assert (again.pk, new_again) == (entry.pk, False)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: tomorrow)
    next_day, new_next_day = earning.check_in(county.partner)
    assert new_next_day and next_day.pk != entry.pk and next_day.day == tomorrow
    assert ledger.balance(county.partner) == 2


def test_activity_and_alert_points_land_once_each(county):
    first, new = earning.activity_check_in(county.partner, "activity:7")
    assert new and first.amount == 5 and first.kind == EntryKind.ACTIVITY
    assert earning.activity_check_in(county.partner, "activity:7") == (first, False)
    alert, new = earning.alert_answered(county.partner, "alert:3")
    assert new and alert.kind == EntryKind.ALERT
    assert ledger.balance(county.partner) == 10


def test_check_in_over_the_api(county):
    client = Client()
    client.force_login(county.partner_user)
    first = client.post("/api/points/check-in").json()
    second = client.post("/api/points/check-in").json()
    assert (first["new"], first["points"], first["balance"]) == (True, 1, 1)
    assert (second["new"], second["balance"]) == (False, 1)
    me = client.get("/api/points/me").json()
    assert me["checked_in_today"] and me["balance"] == 1
    staff = Client()
    staff.force_login(county.reviewer)
    assert staff.post("/api/points/check-in").status_code == 403


# --- false reports ---------------------------------------------------------------------------


def reject_false(county, n: int, partner=None, start=0) -> None:
    for i in range(start, start + n):
        case = report(county, partner, key=f"false-{i}", place=i % 3)
        workflow.act(case.pk, "reject", actor=county.operator, reason="false_report")


def test_repeated_false_reports_propose_a_suspension_once(county):
    case = report(county, key="dup")
    workflow.act(case.pk, "reject", actor=county.operator, reason="duplicate")
    reject_false(county, 2)
    assert not SuspensionProposal.objects.exists()
    reject_false(county, 1, start=2)
    proposal = SuspensionProposal.objects.get()
    assert (proposal.partner_id, proposal.false_reports) == (county.partner.pk, 3)
    reject_false(county, 1, start=3)
    assert SuspensionProposal.objects.count() == 1, "one pending proposal per partner"
    county.partner.refresh_from_db()
    assert county.partner.status == "active", "nothing automatic: the reviewer decides"
    assert entries() == []


def test_the_limit_is_the_countys_and_old_false_reports_expire(county):
    EarningRules.objects.create(county_id=layers.COUNTY, false_report_limit=2)
    reject_false(county, 1)
    Case.objects.update(closed_at=timezone.now() - datetime.timedelta(days=91))
    reject_false(county, 1, start=1)
    assert not SuspensionProposal.objects.exists()
    reject_false(county, 1, start=2)
    assert SuspensionProposal.objects.get().false_reports == 2


def test_the_reviewer_dismisses_or_suspends(county):
    reject_false(county, 3)
    proposal = SuspensionProposal.objects.get()
    reviewer, far = Client(), Client()
    reviewer.force_login(county.reviewer)
    far.force_login(county.far_reviewer)
    assert far.get("/api/points/suspension-proposals").json() == []
    url = f"/api/points/suspension-proposals/{proposal.pk}/dismiss"
    assert far.post(url, {"note": "x"}, content_type="application/json").status_code == 404
    listed = reviewer.get("/api/points/suspension-proposals").json()
    assert [p["partner_id"] for p in listed] == [county.partner.pk]
    empty = reviewer.post(url, {"note": " "}, content_type="application/json")
    assert empty.json()["code"] == "rewards.note_required"
    assert reviewer.post(url, {"note": "误会"}, content_type="application/json").status_code == 200
    assert reviewer.get("/api/points/suspension-proposals").json() == []
    again = reviewer.post(url, {"note": "误会"}, content_type="application/json")
    assert again.json()["code"] == "rewards.proposal_decided"
    # Dismissed: only false reports after the dismissal count towards a new proposal.
    reject_false(county, 2, start=3)
    assert SuspensionProposal.objects.count() == 1
    reject_false(county, 1, start=5)
    assert SuspensionProposal.objects.count() == 2
    # Suspended on the partner's page: the proposal is settled.
    people_actions.change_partner_status(
        county.partner.pk, "suspend", actor=county.reviewer, reason="false_reports"
    )
    assert not earning.pending_proposals().exists()


# --- concurrency -----------------------------------------------------------------------------


def at_once(calls) -> list:
    results: list = [None] * len(calls)
    barrier = threading.Barrier(len(calls))

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:  # a crash must show up as a result, not hang
            results[i] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


@pytest.mark.django_db(transaction=True)
def test_concurrent_awards_of_one_cause_land_once(county):
    # Verified while suspended (nothing due), reinstated, then awarded by eight workers at once.
    case = report(county)
    people_actions.change_partner_status(
        county.partner.pk, "suspend", actor=county.reviewer, reason="inactivity"
    )
    walk(county, case, TO_CLOSED)
    people_actions.change_partner_status(
        county.partner.pk, "reinstate", actor=county.reviewer, reason="reviewed"
    )
    assert entries() == []
    Partner = type(county.partner)

    def verify():
        return [e.pk for e in earning.case_verified(Case.objects.get(pk=case.pk))]

    def check_in():
        return earning.check_in(Partner.objects.get(pk=county.partner.pk))[1]

    verified = at_once([verify] * 8)
    assert len({tuple(v) for v in verified}) == 1 and len(verified[0]) == 1, verified
    news = at_once([check_in] * 8)
    assert sorted(news, key=str) == [False] * 7 + [True], news
    assert sorted(k for _p, k, _a in entries()) == [EntryKind.CHECK_IN, EntryKind.FIRST_REPORT]
    consistent(county.partner)
