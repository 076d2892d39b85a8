"""The engine is one closed loop for every kind of case, and what follows a step lands after
it, exactly once: a kind without a place runs through the same act(); a crash between a step
and its effects loses nothing and a retry doubles nothing; a rolled-back step sends nothing."""

import pytest
from django.db import transaction
from django.utils import timezone

from gridbee.cases import broadcast, deadlines, effects, kinds, workflow
from gridbee.cases.choices import CaseEventKind as K
from gridbee.cases.choices import CaseStatus as S
from gridbee.cases.models import Case, CaseEvent, Message
from gridbee.core.authz import Perm
from gridbee.core.errors import DomainError
from gridbee.core.models import OutboxMessage
from gridbee.geo.tests import layers
from gridbee.people.models import User
from gridbee.rewards import ledger
from gridbee.rewards.actions import earning

from .test_workflow import bring, step

# A minimal kind: no place, no category, no photos, no crowd check; ordinary deadlines of its
# own; it answers to the county's reviewers (so that telling can be seen).
NOTE_MINUTES = {"accept": 30, "dispatch": 60, "handle": 240}
NOTE = kinds.Kind(
    name="note",
    steps={
        K.ACCEPT: kinds.Step((S.REPORTED,), S.ACCEPTED, Perm.CASES_TRIAGE),
        K.DISPATCH: kinds.Step((S.ACCEPTED,), S.DISPATCHED, Perm.CASES_TRIAGE),
        K.HANDLE: kinds.Step((S.DISPATCHED,), S.HANDLED, Perm.CASES_HANDLE, note=True),
        K.VERIFY_PASS: kinds.Step((S.HANDLED,), S.CLOSED, Perm.CASES_TRIAGE),
    },
    minutes=lambda case, phase: NOTE_MINUTES[phase],
    reporters=lambda case: User.objects.filter(mobile="13900000006"),
    told={K.VERIFY_PASS: "Note #{id} is closed."},
)


@pytest.fixture
def note_kind():
    kinds.register(NOTE)
    yield NOTE
    kinds.unregister(NOTE.name)


def new_note(county) -> Case:
    now = timezone.now()
    return Case.objects.create(
        kind="note",
        region_id=layers.COUNTY,
        county_id=layers.COUNTY,
        opened_at=now,
        last_report_at=now,
    )


def test_a_kind_without_a_place_runs_through_the_same_loop(county, note_kind):
    case = new_note(county)
    workflow.act(case.pk, K.ACCEPT, actor=county.operator)
    workflow.act(case.pk, K.DISPATCH, actor=county.operator, department_code="cgj")
    case.refresh_from_db()
    assert case.status == S.DISPATCHED and case.department.code == "cgj"
    # The kind's own deadline policy: 240 working minutes from dispatch.
    dispatched = case.events.get(kind=K.DISPATCH).at
    assert case.step_deadline_at == deadlines.add_working_minutes(dispatched, 240)
    workflow.act(case.pk, K.HANDLE, actor=county.department_user, note="已答复")
    workflow.act(case.pk, K.VERIFY_PASS, actor=county.operator)
    case.refresh_from_db()
    assert case.status == S.CLOSED and case.closed_at is not None
    assert case.lat is None and case.category_id is None
    assert list(case.events.values_list("kind", "from_status", "to_status")) == [
        (K.ACCEPT, S.REPORTED, S.ACCEPTED),
        (K.DISPATCH, S.ACCEPTED, S.DISPATCHED),
        (K.HANDLE, S.DISPATCHED, S.HANDLED),
        (K.VERIFY_PASS, S.HANDLED, S.CLOSED),
    ]
    # Told as the kind says, after the step; nothing pending.
    assert list(Message.objects.filter(case=case).values_list("recipient__mobile", "text")) == [
        ("13900000006", f"Note #{case.pk} is closed.")
    ]
    assert not CaseEvent.objects.filter(case=case, effects_pending=True).exists()


def test_a_kind_refuses_steps_it_does_not_take(county, note_kind):
    case = new_note(county)
    for action in (K.REJECT, K.SIGN, K.RATE):
        with pytest.raises(DomainError) as refused:
            workflow.act(case.pk, action, actor=county.operator, reason="duplicate")
        assert refused.value.code == "cases.invalid_transition"
    assert not case.events.exists()


def test_a_crash_before_the_effects_loses_nothing_and_a_retry_doubles_nothing(county, monkeypatch):
    case = bring(county, S.HANDLED)
    real = earning.case_verified

    def crash(case):
        raise RuntimeError("the worker died")

    monkeypatch.setattr(earning, "case_verified", crash)
    step(county, case, "verify_pass")  # the step itself is done and committed
    case.refresh_from_db()
    assert case.status == S.CLOSED
    event = case.events.get(kind=K.VERIFY_PASS)
    assert event.effects_pending
    assert ledger.balance(county.partner) == 0
    assert not Message.objects.filter(case=case, kind=K.VERIFY_PASS).exists()

    monkeypatch.setattr(earning, "case_verified", real)
    later = timezone.now() + effects.SWEEP_AFTER
    assert effects.sweep(now=later) == 1
    assert effects.sweep(now=later) == 0
    assert effects.apply(event.pk) is False
    assert ledger.balance(county.partner) == ledger.rules_for(case.county_id).first_report_points
    assert Message.objects.filter(case=case, kind=K.VERIFY_PASS).count() == 1
    assert OutboxMessage.objects.filter(body__contains=f"#{case.pk} is closed").count() <= 1


def test_escalation_tells_the_supervisors_after_the_step(county):
    case = bring(county, S.ACCEPTED)
    Case.objects.filter(pk=case.pk).update(step_deadline_at=timezone.now())
    assert workflow.escalate_overdue(timezone.now() + timezone.timedelta(minutes=1)) == 1
    told = Message.objects.filter(case=case, kind=K.ESCALATE)
    assert {m.recipient_id for m in told} >= {county.operator.pk}
    assert not CaseEvent.objects.filter(case=case, effects_pending=True).exists()


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_step_sends_nothing(county, monkeypatch):
    published = []
    monkeypatch.setattr(
        broadcast, "publish_many", lambda topics, event: published.append(event["kind"])
    )
    case = bring(county, S.HANDLED)
    published.clear()
    messages, outbox = Message.objects.count(), OutboxMessage.objects.count()

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        step(county, case, "verify_pass")
        raise Undo

    case.refresh_from_db()
    assert case.status == S.HANDLED
    assert ledger.balance(county.partner) == 0
    assert (Message.objects.count(), OutboxMessage.objects.count()) == (messages, outbox)
    assert published == []
    # The same step, committed, does all three.
    step(county, case, "verify_pass")
    assert ledger.balance(county.partner) > 0
    assert Message.objects.count() > messages and OutboxMessage.objects.count() > outbox
    assert K.VERIFY_PASS in published
