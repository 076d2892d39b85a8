"""The closed loop (闭环), one engine for every kind of case: one function applies a step of the
case's kind (kinds.py): it checks who may take the step and from which state, moves the case,
sets the next deadline and writes the timeline in one transaction; what follows the step
(messages, points, cash reviews, notifications) is applied after it, exactly once
(effects.py)."""

import datetime
import math

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridbee.core import machine
from gridbee.core.authz import has_perm
from gridbee.core.errors import CommonError, DomainError
from gridbee.core.media import process_photo
from gridbee.people.errors import PeopleError
from gridbee.people.models import Department, Partner

from . import broadcast, crowd, deadlines, dedup, effects, kinds
from .actions import record
from .choices import CaseEventKind as K
from .choices import CaseStatus as S
from .choices import Urgency
from .errors import CaseError
from .kinds import IN_HAND, REPORTER, Step
from .models import Case, Extension, Message
from .queries import case_of_any_kind

REOPEN_DAYS = 7
# The photo reports' table, by its old name.
STEPS = kinds.REPORT.steps
__all__ = [
    "IN_HAND",
    "REPORTER",
    "STEPS",
    "Step",
    "act",
    "arrival_needed",
    "escalate_overdue",
    "supports_only",
]


def act(
    case_id,
    action: str,
    *,
    actor,
    note: str = "",
    reason: str = "",
    department_code: str = "",
    extension_minutes: int = 0,
    photos: list[bytes] = (),
    lat: float | None = None,
    lon: float | None = None,
    accuracy_m: float | None = None,
    version: int | None = None,
    extra: dict | None = None,
) -> Case:
    """Apply one step of the case's kind to a case, or refuse it with a clear error and change
    nothing. `extra` carries what a kind's own step hooks need (kinds.Kind.hooks)."""
    if action not in kinds.vocabulary():
        raise DomainError(CaseError.INVALID_TRANSITION)
    note = (note or "").strip()
    processed = [process_photo(p) for p in photos] if photos else []
    with transaction.atomic():
        case, step = _case_for(actor, case_id, action)
        place = _place(lat, lon, accuracy_m) if step.location else {}
        if version is not None and version != case.version:
            raise DomainError(CaseError.STALE)
        machine.check(step, case.status, kinds.REFUSALS, note=note, reason=reason)
        if step.photos and not 1 <= len(processed) <= 3:
            raise DomainError(CaseError.PHOTOS_REQUIRED)
        if place and case.lat is not None:  # how far from the case the step was taken
            away = dedup.distance_m(case.lat, case.lon, place["lat"], place["lon"])
            note = note or f"{away:.0f} m (±{place['accuracy_m']:.0f} m)"
        now = timezone.now()
        on_time = None if case.step_deadline_at is None else now <= case.step_deadline_at
        source = case.status
        hook = kinds.of(case).hooks.get(action) or _APPLY.get(action, _no_effect)
        hook(case, now, note=note, reason=reason, actor=actor, department_code=department_code,
             minutes=extension_minutes, extra=extra or {})  # fmt: skip
        if step.target is not None:
            case.status = step.target
        case.version += 1
        case.save()
        event = record(case, action, actor=actor, note=note, reason=reason if step.reasons else "",
                       from_status=source, to_status=case.status, on_time=on_time, at=now,
                       **place)  # fmt: skip
        for n, photo in enumerate(processed if step.photos else ()):
            name = f"{case.pk}-{event.pk}-{n + 1}.jpg"
            event.photos.create(
                image=ContentFile(photo.image, name=name),
                thumbnail=ContentFile(photo.thumbnail, name=name),
                sha256=photo.sha256,
            )
        broadcast.case_changed(case, action)  # sent on commit
    effects.after([event])
    return case


def _case_for(actor, case_id, action: str) -> tuple[Case, Step]:
    """The case locked for the step, and the step of its kind; refused alike when the actor
    may not see it."""
    case = Case.objects.select_for_update().filter(pk=case_id).first() if _is_id(case_id) else None
    kind = kinds.get(case.kind) if case is not None else None
    step = kind.steps.get(action) if kind is not None else None
    if step is not None and step.who == REPORTER:
        if not kind.reporters(case).filter(pk=actor.pk).exists():
            raise DomainError(CaseError.NOT_THE_REPORTER)
        # Read afresh: a suspension or revocation since they reported counts at once.
        partner = Partner.objects.filter(user_id=actor.pk).first()
        if partner is not None and not partner.can_act:
            raise DomainError(PeopleError.PARTNER_INACTIVE)
        return case, step
    visible = case_of_any_kind(actor, case_id)  # not found = not yours
    if step is None:
        raise DomainError(CaseError.INVALID_TRANSITION)
    if not has_perm(actor, step.who):
        raise DomainError(CommonError.FORBIDDEN)
    if supports_only(actor, visible, step):
        raise DomainError(CaseError.NOT_THE_LEAD)
    return Case.objects.select_for_update().get(pk=visible.pk), step


def supports_only(actor, case: Case, step: Step) -> bool:
    """A supporting department of a linked case (linkage.py) sees it, but its steps are the
    lead's (the case page offers it only its own support actions)."""
    from gridbee.core.authz import Perm

    department_id = getattr(actor, "department_id", None)
    return bool(
        step.who == Perm.CASES_HANDLE and department_id and case.department_id != department_id
    )


def _is_id(value) -> bool:
    try:
        return int(value) > 0
    except (TypeError, ValueError):
        return False


def set_deadline(case: Case, start: datetime.datetime, minutes: int | None) -> None:
    case.step_deadline_at = None if minutes is None else deadlines.due(case.urgency, start, minutes)
    case.step_escalated = False


def _minutes(case: Case, phase: str) -> int:
    return kinds.of(case).minutes(case, phase)


def _place(lat, lon, accuracy_m) -> dict:
    """A location sent with a step: finite WGS-84 degrees and an accuracy in metres >= 0."""
    if lat is None or lon is None or accuracy_m is None:
        raise DomainError(CaseError.ARRIVAL_LOCATION_REQUIRED)
    try:
        lat, lon, accuracy_m = float(lat), float(lon), float(accuracy_m)
    except (TypeError, ValueError):
        raise DomainError(CaseError.LOCATION_INVALID) from None
    finite = all(math.isfinite(v) for v in (lat, lon, accuracy_m))
    if not (finite and -90 <= lat <= 90 and -180 <= lon <= 180 and accuracy_m >= 0):
        raise DomainError(CaseError.LOCATION_INVALID)
    return {"lat": lat, "lon": lon, "accuracy_m": accuracy_m}


def _accept(case, now, **_):
    set_deadline(case, now, _minutes(case, "dispatch"))


def _reject(case, now, reason, **_):
    case.reject_reason = reason
    case.closed_at = now
    case.step_deadline_at = None


def _dispatch(case, now, department_code, **_):
    department = Department.objects.filter(county_id=case.county_id, code=department_code).first()
    if department is None:
        raise DomainError(CaseError.DEPARTMENT_REQUIRED)
    case.department = department
    set_deadline(case, now, kinds.clock(case, S.DISPATCHED))


def _return(case, now, **_):
    case.department = None
    set_deadline(case, now, _minutes(case, "dispatch"))


def _verify_pass(case, now, actor, **_):
    if kinds.of(case).crowd_checked:
        crowd.settle(case, passed=True, actor=actor, now=now)  # a partner's photo, if one came
    case.closed_at = now
    case.step_deadline_at = None


def arrival_needed(case: Case) -> bool:
    """An emergency signed for but not yet on the scene: handling waits for the arrival."""
    return case.urgency == Urgency.EMERGENCY and case.status == S.SIGNED


def _arrive(case, now, **_):
    # On the scene, an emergency's own handling time starts; an ordinary case keeps the
    # deadline it got at dispatch (arriving buys no time).
    if case.urgency == Urgency.EMERGENCY:
        set_deadline(case, now, _minutes(case, "handle"))


def _handle(case, now, **_):
    if arrival_needed(case):
        raise DomainError(CaseError.ARRIVAL_REQUIRED)


def _verify_fail(case, now, actor, **_):
    if kinds.of(case).crowd_checked:
        crowd.settle(case, passed=False, actor=actor, now=now)
    case.rework_count += 1
    # Back to "signed": an emergency's responder goes back to the scene first.
    set_deadline(case, now, kinds.clock(case, S.SIGNED))


def _hold(case, now, **_):
    case.held_from = case.status
    case.step_deadline_at = None


def _resume(case, now, **_):
    case.status, case.held_from = case.held_from or S.ACCEPTED, ""
    set_deadline(case, now, kinds.clock(case, case.status))


def _request_extension(case, now, note, actor, minutes, **_):
    if minutes <= 0:
        raise DomainError(CaseError.NOTE_REQUIRED)
    case.extensions.filter(approved__isnull=True).update(approved=False, decided_at=now)
    Extension.objects.create(case=case, minutes=minutes, reason=note, requested_by=actor)


def _decide_extension(approved: bool):
    def apply(case, now, **_):
        pending = case.extensions.filter(approved__isnull=True).last()
        if pending is None:
            raise DomainError(CaseError.NO_PENDING_EXTENSION)
        pending.approved, pending.decided_at = approved, now
        pending.save(update_fields=["approved", "decided_at"])
        if approved:
            base = max(case.step_deadline_at or now, now)
            set_deadline(case, base, pending.minutes)

    return apply


def _rate(case, now, reason, **_):
    case.rating = reason


def _reopen(case, now, **_):
    if case.closed_at and now - case.closed_at > datetime.timedelta(days=REOPEN_DAYS):
        raise DomainError(CaseError.REOPEN_TOO_LATE)
    case.closed_at, case.rating, case.department = None, "", None
    set_deadline(case, now, _minutes(case, "dispatch"))


def _no_effect(case, now, **_):
    pass


_APPLY = {
    K.ACCEPT: _accept,
    K.REJECT: _reject,
    K.DISPATCH: _dispatch,
    K.RETURN: _return,
    K.SIGN: _no_effect,
    K.ARRIVE: _arrive,
    K.HANDLE: _handle,
    K.VERIFY_PASS: _verify_pass,
    K.VERIFY_FAIL: _verify_fail,
    K.HOLD: _hold,
    K.RESUME: _resume,
    K.REQUEST_EXTENSION: _request_extension,
    K.APPROVE_EXTENSION: _decide_extension(True),
    K.REFUSE_EXTENSION: _decide_extension(False),
    K.RATE: _rate,
    K.REOPEN: _reopen,
}


def escalate_overdue(now: datetime.datetime | None = None) -> int:
    """Mark every open case whose current step is past its deadline, once per step: an
    escalation on its timeline, and (after it) a message to the county's grid centre
    (operators) and its supervisors (督办: the county's reviewers, the /supervise/ page).
    Returns how many."""
    from .choices import OPEN_STATUSES

    now = now or timezone.now()
    overdue = Case.objects.filter(
        step_escalated=False, step_deadline_at__lt=now, status__in=OPEN_STATUSES
    ).values_list("pk", flat=True)
    count = 0
    for pk in list(overdue[:500]):
        with transaction.atomic():
            case = Case.objects.select_for_update().get(pk=pk)
            if case.step_escalated or case.step_deadline_at is None or case.step_deadline_at >= now:
                continue
            case.step_escalated = True
            case.escalation_count += 1
            case.save(update_fields=["step_escalated", "escalation_count"])
            late = int((now - case.step_deadline_at).total_seconds() // 60)
            event = record(case, K.ESCALATE, note=f"{case.status}: {late} min",
                           from_status=case.status, to_status=case.status)  # fmt: skip
            broadcast.case_changed(case, K.ESCALATE)
        effects.after([event])
        count += 1
    return count


@effects.on(K.ESCALATE)
def _tell_supervisors(event) -> None:
    from gridbee.people.choices import Role
    from gridbee.people.models import User

    case = event.case
    text = _("Case #{id} is overdue ({status}).").format(
        id=case.pk, status=S(event.from_status).label
    )
    supervisors = User.objects.filter(
        role__in=(Role.OPERATOR, Role.REVIEWER), region_id=case.county_id, is_active=True
    )
    Message.objects.bulk_create(
        [Message(recipient=user, case=case, kind=K.ESCALATE, text=text) for user in supervisors]
    )
