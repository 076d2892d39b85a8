"""The closed loop, table-driven: every step from every state by every role."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from gridbee.cases import workflow
from gridbee.cases.choices import CaseStatus as S
from gridbee.cases.models import Case, Message
from gridbee.core.errors import DomainError
from gridbee.core.models import OutboxMessage
from gridbee.geo.tests import layers
from gridbee.reports.actions import Sender, submit_report
from gridbee.reports.tests import images

RESULT = images.jpeg(640, 480)
# The arguments each step needs to succeed.
ARGS = {
    "reject": {"reason": "duplicate"},
    "dispatch": {"department_code": "cgj"},
    "arrive": {"lat": layers.Y0 + 0.005, "lon": layers.X0 + 0.005, "accuracy_m": 12.0},
    "return": {"note": "不属于本部门"},
    "handle": {"note": "已清运", "photos": [RESULT]},
    "verify_fail": {"note": "仍有垃圾"},
    "hold": {"note": "等待天晴"},
    "request_extension": {"note": "需要吊车", "extension_minutes": 600},
    "refuse_extension": {"note": "不予延期"},
    "rate": {"reason": "satisfied"},
    "reopen": {"note": "又满了"},
}
# Who takes each step in the fixture county.
ACTOR = {
    **dict.fromkeys(["accept", "reject", "dispatch", "verify_pass", "verify_fail", "hold",
                     "resume", "approve_extension", "refuse_extension"], "operator"),
    **dict.fromkeys(["return", "sign", "arrive", "handle", "request_extension"],
                    "department_user"),
    **dict.fromkeys(["rate", "reopen"], "partner_user"),
}  # fmt: skip
# A path that reaches each status, step by step.
PATH_TO = {
    S.REPORTED: [],
    S.ACCEPTED: ["accept"],
    S.DISPATCHED: ["accept", "dispatch"],
    S.SIGNED: ["accept", "dispatch", "sign"],
    S.ON_SCENE: ["accept", "dispatch", "sign", "arrive"],
    S.HANDLED: ["accept", "dispatch", "sign", "handle"],
    S.CLOSED: ["accept", "dispatch", "sign", "handle", "verify_pass"],
    S.REJECTED: ["reject"],
    S.ON_HOLD: ["accept", "hold"],
}


def new_case(county, key="k") -> Case:
    answer, _ = submit_report(
        Sender.of_partner(county.partner), idempotency_key=key, category_code="overflowing_bins",
        lat=layers.Y0 + 0.005, lon=layers.X0 + 0.005, photos=[images.jpeg(320, 240)],
    )  # fmt: skip
    return Case.objects.get(pk=answer["case"]["id"])


def step(county, case, action, actor=None, **extra):
    who = getattr(county, actor or ACTOR[action])
    return workflow.act(case.pk, action, actor=who, **{**ARGS.get(action, {}), **extra})


def bring(county, status) -> Case:
    case = new_case(county)
    for action in PATH_TO[status]:
        step(county, case, action)
    if status in (S.DISPATCHED, S.SIGNED):
        pass
    case.refresh_from_db()
    assert case.status == status
    return case


ALLOWED = {(source, action) for action, s in workflow.STEPS.items() for source in s.sources}
STATUSES = list(PATH_TO)
EXPECTED_TARGET = {
    ("accept", S.REPORTED): S.ACCEPTED,
    ("reject", S.REPORTED): S.REJECTED,
    ("dispatch", S.ACCEPTED): S.DISPATCHED,
    ("return", S.DISPATCHED): S.ACCEPTED,
    ("sign", S.DISPATCHED): S.SIGNED,
    ("arrive", S.SIGNED): S.ON_SCENE,
    ("handle", S.SIGNED): S.HANDLED,
    ("handle", S.ON_SCENE): S.HANDLED,
    ("verify_pass", S.HANDLED): S.CLOSED,
    ("verify_fail", S.HANDLED): S.SIGNED,
    ("resume", S.ON_HOLD): S.ACCEPTED,
    ("reopen", S.CLOSED): S.ACCEPTED,
}


@pytest.mark.parametrize(
    ("status", "action"),
    [(status, action) for status in STATUSES for action in workflow.STEPS],
    ids=lambda v: str(v),
)
def test_every_step_from_every_state(county, status, action):
    case = bring(county, status)
    if action in ("approve_extension", "refuse_extension") and status in workflow.IN_HAND:
        step(county, case, "request_extension")
        case.refresh_from_db()
    before = (case.status, case.version, case.events.count())
    if (status, action) in ALLOWED:
        step(county, case, action)
        case.refresh_from_db()
        expected = EXPECTED_TARGET.get((action, status), status if action != "hold" else S.ON_HOLD)
        assert case.status == expected
        event = case.events.last()
        assert (event.kind, event.from_status, event.to_status) == (action, status, case.status)
        assert case.version == before[1] + 1
    else:
        with pytest.raises(DomainError) as caught:
            step(county, case, action)
        # A department cannot even see a case that is not dispatched to it.
        unseen = ACTOR[action] == "department_user" and case.department_id is None
        assert caught.value.status == (404 if unseen else 409), caught.value.code
        case.refresh_from_db()
        assert (case.status, case.version, case.events.count()) == before


STAFF = ["operator", "department_user", "reviewer", "station_user", "team_lead", "admin",
         "far_reviewer", "partner_user"]  # fmt: skip


@pytest.mark.parametrize("action", [a for a in workflow.STEPS if a not in ("rate", "reopen")])
@pytest.mark.parametrize("who", STAFF)
def test_only_the_roles_the_table_names_take_each_step(county, action, who):
    source = next(s for s in STATUSES if (s, action) in ALLOWED)
    case = bring(county, source)
    if action in ("approve_extension", "refuse_extension"):
        step(county, case, "request_extension")
        case.refresh_from_db()
    allowed = who == ACTOR[action] or who == "admin"
    if allowed:
        step(county, case, action, actor=who)
        return
    before = (case.status, case.version)
    with pytest.raises(DomainError) as caught:
        step(county, case, action, actor=who)
    assert caught.value.status in (403, 404)
    case.refresh_from_db()
    assert (case.status, case.version) == before


@pytest.mark.parametrize(
    ("action", "missing", "code"),
    [
        ("reject", {"reason": ""}, "cases.reason_required"),
        ("dispatch", {"department_code": "nowhere"}, "cases.department_required"),
        ("return", {"note": " "}, "cases.note_required"),
        ("handle", {"photos": []}, "cases.photos_required"),
        ("handle", {"photos": [b"not a photo"]}, "reports.not_an_image"),
        ("verify_fail", {"note": ""}, "cases.note_required"),
    ],
)
def test_steps_without_what_they_need_are_refused(county, action, missing, code):
    source = next(s for s in STATUSES if (s, action) in ALLOWED)
    case = bring(county, source)
    with pytest.raises(DomainError) as caught:
        step(county, case, action, **missing)
    assert caught.value.code == code
    case.refresh_from_db()
    assert case.status == source


def test_the_reporter_hears_of_every_step_in_app_and_in_the_outbox(county):
    case = bring(county, S.CLOSED)
    texts = list(
        Message.objects.filter(recipient=county.partner_user)
        .order_by("id")
        .values_list("kind", flat=True)
    )
    assert texts == ["accept", "dispatch", "handle", "verify_pass"]
    assert OutboxMessage.objects.filter(recipient=county.partner_user.mobile).count() == 4
    assert "城管局" in Message.objects.get(kind="dispatch").text
    step(county, case, "rate", reason="fairly")
    case.refresh_from_db()
    assert case.rating == "fairly" and case.status == S.CLOSED


def test_a_rejection_tells_the_reason(county):
    case = new_case(county)
    step(county, case, "reject", reason="false_report")
    message = Message.objects.get(recipient=county.partner_user)
    assert message.kind == "reject" and "#" in message.text


def test_only_reporters_rate_and_reopen_and_only_within_seven_days(county):
    case = bring(county, S.CLOSED)
    with pytest.raises(DomainError, match="not_the_reporter"):
        step(county, case, "rate", actor="operator")
    Case.objects.filter(pk=case.pk).update(closed_at=timezone.now() - datetime.timedelta(days=8))
    with pytest.raises(DomainError, match="reopen_too_late"):
        step(county, case, "reopen")
    Case.objects.filter(pk=case.pk).update(closed_at=timezone.now() - datetime.timedelta(days=6))
    step(county, case, "reopen")
    case.refresh_from_db()
    assert case.status == S.ACCEPTED and case.closed_at is None


def test_rework_and_extensions_count_and_move_the_deadline(county):
    case = bring(county, S.HANDLED)
    step(county, case, "verify_fail")
    case.refresh_from_db()
    assert case.status == S.SIGNED and case.rework_count == 1
    due = case.step_deadline_at
    step(county, case, "request_extension")
    step(county, case, "approve_extension")
    case.refresh_from_db()
    assert case.step_deadline_at > due
    assert [e.approved for e in case.extensions.all()] == [True]


def test_an_emergency_gets_minute_deadlines_and_escalates_when_late(county):
    answer, _ = submit_report(
        Sender.of_partner(county.partner), idempotency_key="lift", category_code="trapped_in_lift",
        lat=layers.Y0 + 0.005, lon=layers.X0 + 0.005, photos=[images.jpeg(320, 240)],
    )  # fmt: skip
    case = Case.objects.get(pk=answer["case"]["id"])
    assert case.step_deadline_at - case.opened_at == datetime.timedelta(minutes=1)
    assert workflow.escalate_overdue(case.opened_at + datetime.timedelta(seconds=30)) == 0
    late = case.opened_at + datetime.timedelta(minutes=2)
    assert workflow.escalate_overdue(late) == 1
    assert workflow.escalate_overdue(late) == 0  # once per step
    case.refresh_from_db()
    assert case.escalation_count == 1 and case.events.last().kind == "escalate"
    assert Message.objects.filter(recipient=county.operator, kind="escalate").count() == 1
    # Accepted after its one minute: the step counts as late, the next one has three minutes.
    Case.objects.filter(pk=case.pk).update(step_deadline_at=timezone.now() - datetime.timedelta(1))
    workflow.act(case.pk, "accept", actor=county.operator)
    case.refresh_from_db()
    assert case.step_deadline_at - timezone.now() <= datetime.timedelta(minutes=3)
    assert case.events.get(kind="accept").on_time is False and not case.step_escalated


def test_a_stale_version_is_a_conflict(county):
    case = new_case(county)
    with pytest.raises(DomainError) as caught:
        workflow.act(case.pk, "accept", actor=county.operator, version=case.version + 5)
    assert caught.value.code == "cases.conflict" and caught.value.status == 409


@pytest.mark.django_db(transaction=True)
def test_two_operators_accepting_at_once_get_one_success_and_one_conflict(county):
    case = new_case(county)
    results, barrier = [], threading.Barrier(2)

    def accept(user):
        barrier.wait()
        try:
            workflow.act(case.pk, "accept", actor=user, version=case.version)
            results.append("ok")
        except DomainError as exc:
            results.append(exc.status)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(u,)) for u in (county.operator, county.admin)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(map(str, results)) == ["409", "ok"]
    case.refresh_from_db()
    assert case.version == 1 and case.events.filter(kind="accept").count() == 1
