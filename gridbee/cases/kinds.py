"""Kinds of case (案件类型). The closed loop is one engine (workflow.act); a kind is a table for
it: which steps of the shared vocabulary (CaseEventKind) its cases take, from which states,
who may take each, how long each phase may last, what the people the case answers to are told,
and who those people are. A photo report (随手拍) is one kind; a partner's own claim or a
labour-dispute mediation is another table, not another copy of the loop."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_noop as N_

from gridbee.core.authz import Perm
from gridbee.core.machine import Refusals, Transition
from gridbee.people.models import User

from . import deadlines
from .choices import CaseEventKind as K
from .choices import CaseKind, Rating, RejectReason
from .choices import CaseStatus as S
from .errors import CaseError

REPORTER = "reporter"  # who may take a step: a permission, or the people the case answers to
REFUSALS = Refusals(
    invalid=CaseError.INVALID_TRANSITION,
    note_required=CaseError.NOTE_REQUIRED,
    reason_required=CaseError.REASON_REQUIRED,
)


# A step of a kind's table: the shape every state machine of GridBee has.
Step = Transition


@dataclass(frozen=True)
class Kind:
    name: str
    steps: Mapping[str, Step]
    # How long a phase may last, in minutes ("accept", "dispatch", "on_scene", "handle"):
    # wall-clock for emergencies, working minutes otherwise (deadlines.due).
    minutes: Callable[[object, str], int]
    # The people the case answers to (件件有回应): they may take REPORTER steps and are told.
    reporters: Callable[[object], QuerySet]
    told: Mapping[str, str] = field(default_factory=dict)
    located: bool = False  # a point on the map, routed to a grid
    crowd_checked: bool = False  # partners passing by may check the result (众包核查)
    # What a kind brings of its own where the photo reports' loop is not its loop:
    # the phase whose clock runs in a status (default: deadlines.phase_of by urgency),
    phase_of: Callable[[object, str], str | None] | None = None
    # what a step does to the case beyond moving it (default: workflow's hook of that name),
    # called in the step's transaction as hook(case, now, note=, reason=, actor=, extra=, ...),
    hooks: Mapping[str, Callable] = field(default_factory=dict)
    # the cases of this kind a staff member may see (default: the report queues' scoping);
    # a kind with its own scoping stays out of the report queues (queries.cases_for),
    visible: Callable[[object], QuerySet] | None = None
    # and how the case is named to the people it answers to (default "#<id>").
    reference: Callable[[object], str] | None = None


_KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    _KINDS[kind.name] = kind
    return kind


def unregister(name: str) -> None:
    _KINDS.pop(name, None)


def get(name: str) -> Kind | None:
    return _KINDS.get(name)


def of(case) -> Kind:
    return _KINDS[case.kind]


def clock(case, status: str) -> int | None:
    """The minutes of the step a case in `status` waits for, by its kind's deadline policy."""
    kind = of(case)
    if kind.phase_of is not None:
        phase = kind.phase_of(case, status)
    else:
        phase = deadlines.phase_of(case.urgency, status)
    return None if phase is None else kind.minutes(case, phase)


def scoped_kinds() -> list[str]:
    """The kinds that scope their own cases (Kind.visible), kept out of the report queues."""
    return [name for name, kind in _KINDS.items() if kind.visible is not None]


def reference(case) -> str:
    kind = of(case)
    return kind.reference(case) if kind.reference is not None else f"#{case.pk}"


def vocabulary() -> set[str]:
    """Every step name some kind takes."""
    return {action for kind in _KINDS.values() for action in kind.steps}


# -- photo reports (随手拍) ---------------------------------------------------------------------

TRIAGE, HANDLE = Perm.CASES_TRIAGE, Perm.CASES_HANDLE
IN_HAND = (S.DISPATCHED, S.SIGNED, S.ON_SCENE)
REPORT_STEPS: dict[str, Step] = {
    K.ACCEPT: Step((S.REPORTED,), S.ACCEPTED, TRIAGE),
    K.REJECT: Step((S.REPORTED,), S.REJECTED, TRIAGE, reasons=tuple(RejectReason.values)),
    K.DISPATCH: Step((S.ACCEPTED,), S.DISPATCHED, TRIAGE),
    K.RETURN: Step((S.DISPATCHED,), S.ACCEPTED, HANDLE, note=True),
    K.SIGN: Step((S.DISPATCHED,), S.SIGNED, HANDLE),
    # 到场 (联勤快反 1-3-5: on the scene within 5 minutes of dispatch). An emergency is handled
    # only from the scene (workflow._handle); an ordinary case may skip the step.
    K.ARRIVE: Step((S.SIGNED,), S.ON_SCENE, HANDLE, location=True),
    K.HANDLE: Step((S.SIGNED, S.ON_SCENE), S.HANDLED, HANDLE, note=True, photos=True),
    K.VERIFY_PASS: Step((S.HANDLED,), S.CLOSED, TRIAGE),
    K.VERIFY_FAIL: Step((S.HANDLED,), S.SIGNED, TRIAGE, note=True),
    K.HOLD: Step((S.ACCEPTED, *IN_HAND), S.ON_HOLD, TRIAGE, note=True),
    K.RESUME: Step((S.ON_HOLD,), None, TRIAGE),
    K.REQUEST_EXTENSION: Step(IN_HAND, None, HANDLE, note=True),
    K.APPROVE_EXTENSION: Step(IN_HAND, None, TRIAGE),
    K.REFUSE_EXTENSION: Step(IN_HAND, None, TRIAGE, note=True),
    K.RATE: Step((S.CLOSED,), None, REPORTER, reasons=tuple(Rating.values)),
    K.REOPEN: Step((S.CLOSED,), S.ACCEPTED, REPORTER, note=True),
}
# What the reporters are told at each step (件件有回应).
REPORT_TOLD = {
    K.ACCEPT: N_("Your report was accepted as case #{id}."),
    K.REJECT: N_("Your report (case #{id}) was not accepted: {reason}."),
    K.DISPATCH: N_("Case #{id} was sent to {department}."),
    K.ARRIVE: N_("Case #{id}: a responder of {department} is on the scene."),
    K.HANDLE: N_("Case #{id} was handled: {note}"),
    K.VERIFY_PASS: N_("Case #{id} is closed. Please rate the result."),
    K.REOPEN: N_("Case #{id} was reopened."),
}


def _report_minutes(case, phase: str) -> int:
    if phase == "handle":
        return case.category.handling_minutes
    if phase == "on_scene":
        return settings.RAPID_RESPONSE_MINUTES["on_scene"]
    return deadlines.step_minutes(case.urgency, phase)


def _report_reporters(case) -> QuerySet:
    return User.objects.filter(partner__reports__case=case).distinct()


REPORT = register(
    Kind(
        name=CaseKind.REPORT,
        steps=REPORT_STEPS,
        minutes=_report_minutes,
        reporters=_report_reporters,
        told=REPORT_TOLD,
        located=True,
        crowd_checked=True,
    )
)
