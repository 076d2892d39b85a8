"""The closed loop (闭环) as one table of allowed steps and one function that applies them:
it checks who may take the step and from which state, moves the case, sets the next deadline,
writes the timeline and tells the reporters — all in one transaction."""

import datetime
import math
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from gridbee.core import live
from gridbee.core.errors import CommonError, DomainError
from gridbee.core.notify import notify
from gridbee.people.errors import PeopleError
from gridbee.people.models import Department, Partner
from gridbee.people.permissions import Perm, has_perm
from gridbee.reports.photos import process_photo
from gridbee.rewards.actions import cash, earning

from . import crowd, deadlines, dedup
from .actions import record
from .choices import CaseEventKind as K
from .choices import CaseStatus as S
from .choices import Rating, RejectReason, Urgency
from .errors import CaseError
from .models import Case, CaseEvent, EventPhoto, Extension, Message
from .queries import visible_case

REPORTER = "reporter"  # who may take a step: a permission, or the case's own reporters
REOPEN_DAYS = 7


@dataclass(frozen=True)
class Step:
    sources: tuple[str, ...]
    target: str | None  # None: the status stays
    who: object  # a Perm, or REPORTER
    note: bool = False  # a note is required
    reasons: tuple[str, ...] = ()  # one of these reasons is required
    photos: bool = False  # result photos are required
    location: bool = False  # where the actor stands is required (lat, lon, accuracy)


TRIAGE, HANDLE = Perm.CASES_TRIAGE, Perm.CASES_HANDLE
IN_HAND = (S.DISPATCHED, S.SIGNED, S.ON_SCENE)
STEPS: dict[str, Step] = {
    K.ACCEPT: Step((S.REPORTED,), S.ACCEPTED, TRIAGE),
    K.REJECT: Step((S.REPORTED,), S.REJECTED, TRIAGE, reasons=tuple(RejectReason.values)),
    K.DISPATCH: Step((S.ACCEPTED,), S.DISPATCHED, TRIAGE),
    K.RETURN: Step((S.DISPATCHED,), S.ACCEPTED, HANDLE, note=True),
    K.SIGN: Step((S.DISPATCHED,), S.SIGNED, HANDLE),
    # 到场 (联勤快反 1-3-5: on the scene within 5 minutes of dispatch). An emergency is handled
    # only from the scene (see _handle); an ordinary case may skip the step.
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
TOLD = {
    K.ACCEPT: N_("Your report was accepted as case #{id}."),
    K.REJECT: N_("Your report (case #{id}) was not accepted: {reason}."),
    K.DISPATCH: N_("Case #{id} was sent to {department}."),
    K.ARRIVE: N_("Case #{id}: a responder of {department} is on the scene."),
    K.HANDLE: N_("Case #{id} was handled: {note}"),
    K.VERIFY_PASS: N_("Case #{id} is closed. Please rate the result."),
    K.REOPEN: N_("Case #{id} was reopened."),
}


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
) -> Case:
    """Apply one step of STEPS to a case, or refuse it with a clear error and change nothing."""
    step = STEPS.get(action)
    if step is None:
        raise DomainError(CaseError.INVALID_TRANSITION)
    note = (note or "").strip()
    processed = [process_photo(p) for p in photos] if step.photos else []
    place = _place(lat, lon, accuracy_m) if step.location else {}
    with transaction.atomic():
        case = _case_for(actor, case_id, step)
        if version is not None and version != case.version:
            raise DomainError(CaseError.STALE)
        if case.status not in step.sources:
            raise DomainError(CaseError.INVALID_TRANSITION)
        if step.note and not note:
            raise DomainError(CaseError.NOTE_REQUIRED)
        if step.reasons and reason not in step.reasons:
            raise DomainError(CaseError.REASON_REQUIRED)
        if step.photos and not 1 <= len(processed) <= 3:
            raise DomainError(CaseError.PHOTOS_REQUIRED)
        if place:  # how far from the case the step was taken, on its timeline
            away = dedup.distance_m(case.lat, case.lon, place["lat"], place["lon"])
            note = note or f"{away:.0f} m (±{place['accuracy_m']:.0f} m)"
        now = timezone.now()
        on_time = None if case.step_deadline_at is None else now <= case.step_deadline_at
        source = case.status
        _APPLY.get(action, _no_effect)(case, now, note=note, reason=reason, actor=actor,
                                       department_code=department_code,
                                       minutes=extension_minutes)  # fmt: skip
        if step.target is not None:
            case.status = step.target
        case.version += 1
        case.save()
        event = record(case, action, actor=actor, note=note or reason)
        CaseEvent.objects.filter(pk=event.pk).update(
            from_status=source,
            to_status=case.status,
            on_time=on_time,
            **place,
        )
        for n, photo in enumerate(processed):
            name = f"{case.pk}-{event.pk}-{n + 1}.jpg"
            EventPhoto.objects.create(
                event=event,
                image=ContentFile(photo.image, name=name),
                thumbnail=ContentFile(photo.thumbnail, name=name),
                sha256=photo.sha256,
            )
        if action == K.VERIFY_PASS:  # 核查通过: points for the reporters, once each
            earning.case_verified(case)
        elif action in (K.VERIFY_FAIL, K.REOPEN):  # 逐级核实: unpaid cash waits for the next
            cash.case_reopened(case, action)
        elif action == K.REJECT and reason == RejectReason.FALSE_REPORT:
            earning.report_rejected(case, reason)  # repeated false reports: propose suspension
        _tell_reporters(case, action, note=note, reason=reason)
        live.case_changed(case, action)  # sent on commit
    return case


def _case_for(actor, case_id, step: Step) -> Case:
    if step.who == REPORTER:
        case = Case.objects.select_for_update().filter(pk=case_id).first()
        if case is None or not case.reports.filter(partner__user=actor).exists():
            raise DomainError(CaseError.NOT_FOUND if case is None else CaseError.NOT_THE_REPORTER)
        # Read afresh: a suspension or revocation since they reported counts at once.
        if not Partner.objects.get(user_id=actor.pk).can_act:
            raise DomainError(PeopleError.PARTNER_INACTIVE)
        return case
    visible = visible_case(actor, case_id)
    if not has_perm(actor, step.who):
        raise DomainError(CommonError.FORBIDDEN)
    return Case.objects.select_for_update().get(pk=visible.pk)


def set_deadline(case: Case, start: datetime.datetime, minutes: int) -> None:
    case.step_deadline_at = deadlines.due(case.urgency, start, minutes)
    case.step_escalated = False


def _step_minutes(case: Case, step: str) -> int:
    return deadlines.step_minutes(case.urgency, step)


def _clock(case: Case, status: str) -> int:
    """The minutes of the step a case in `status` waits for (see deadlines)."""
    return deadlines.current_step_minutes(case.urgency, status, case.category.handling_minutes)


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
    set_deadline(case, now, _step_minutes(case, "dispatch"))


def _reject(case, now, reason, **_):
    case.reject_reason = reason
    case.closed_at = now
    case.step_deadline_at = None


def _dispatch(case, now, department_code, **_):
    department = Department.objects.filter(county_id=case.county_id, code=department_code).first()
    if department is None:
        raise DomainError(CaseError.DEPARTMENT_REQUIRED)
    case.department = department
    minutes = (
        settings.RAPID_RESPONSE_MINUTES["on_scene"]
        if case.urgency == Urgency.EMERGENCY
        else case.category.handling_minutes
    )
    set_deadline(case, now, minutes)


def _return(case, now, **_):
    case.department = None
    set_deadline(case, now, _step_minutes(case, "dispatch"))


def _verify_pass(case, now, actor, **_):
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
        set_deadline(case, now, case.category.handling_minutes)


def _handle(case, now, **_):
    if arrival_needed(case):
        raise DomainError(CaseError.ARRIVAL_REQUIRED)


def _verify_fail(case, now, actor, **_):
    crowd.settle(case, passed=False, actor=actor, now=now)
    case.rework_count += 1
    # Back to "signed": an emergency's responder goes back to the scene first.
    set_deadline(case, now, _clock(case, S.SIGNED))


def _hold(case, now, **_):
    case.held_from = case.status
    case.step_deadline_at = None


def _resume(case, now, **_):
    case.status, case.held_from = case.held_from or S.ACCEPTED, ""
    set_deadline(case, now, _clock(case, case.status))


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
    set_deadline(case, now, _step_minutes(case, "dispatch"))


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


def _tell_reporters(case: Case, action: str, *, note: str, reason: str) -> None:
    template = TOLD.get(action)
    if template is None:
        return
    text = _(template).format(
        id=case.pk,
        reason=RejectReason(reason).label if reason in RejectReason.values else reason,
        department=case.department.name if case.department else "",
        note=note,
    )[:500]
    reporters = {r.partner.user for r in case.reports.select_related("partner__user") if r.partner}
    for user in reporters:
        Message.objects.create(recipient=user, case=case, kind=action, text=text)
        notify(user.mobile, text)


def escalate_overdue(now: datetime.datetime | None = None) -> int:
    """Mark every open case whose current step is past its deadline, once per step: an
    escalation on its timeline and a message to the county's grid centre (operators) and its
    supervisors (督办: the county's reviewers, see the /supervise/ page). Returns how many."""
    from gridbee.people.choices import Role
    from gridbee.people.models import User

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
            record(case, K.ESCALATE, note=f"{case.status}: {late} min")
            text = _("Case #{id} is overdue ({status}).").format(
                id=case.pk, status=S(case.status).label
            )
            supervisors = User.objects.filter(
                role__in=(Role.OPERATOR, Role.REVIEWER), region_id=case.county_id, is_active=True
            )
            for user in supervisors:
                Message.objects.create(recipient=user, case=case, kind=K.ESCALATE, text=text)
            live.case_changed(case, K.ESCALATE)
            count += 1
    return count
