"""Reads of cases, scoped: an operator sees their region's (or grids') queue, a reviewer their
county's, a partner only the cases of their own reports (through reports.queries)."""

import math

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from gridbee.core.authz import Perm, has_perm
from gridbee.core.errors import DomainError
from gridbee.people.choices import Role
from gridbee.people.queries import EVERYWHERE, region_scope

from . import kinds, presenters
from .choices import OPEN_STATUSES, Urgency
from .errors import CaseError
from .models import Case, CaseSupport


def cases_for(user) -> QuerySet[Case]:
    if not has_perm(user, Perm.CASES_VIEW):
        return Case.objects.none()
    # Kinds that scope their own cases (a partner's claim, a mediation) stay out of these queues.
    cases = Case.objects.select_related("category", "grid", "region").exclude(
        kind__in=kinds.scoped_kinds()
    )
    if user.role == Role.DEPARTMENT:
        # A department sees what was dispatched to it, from dispatch to closure, as the lead
        # or as a supporting department of the linkage (五情联动).
        if not user.department_id:
            return cases.none()
        supported = CaseSupport.objects.filter(department_id=user.department_id)
        return cases.filter(
            Q(department_id=user.department_id) | Q(pk__in=supported.values("case_id"))
        )
    if user.role == Role.OPERATOR and not user.region_id:
        return cases.filter(grid__in=user.grids.all())
    prefix = region_scope(user)
    if prefix is None:
        return cases.none()
    if prefix == EVERYWHERE:
        return cases
    return cases.filter(region__code__startswith=prefix)


def open_emergencies(user) -> QuerySet[Case]:
    """What must be on an operator's screen at once (平急分流), newest first."""
    return (
        cases_for(user)
        .filter(urgency=Urgency.EMERGENCY, status__in=OPEN_STATUSES)
        .order_by("-opened_at")
    )


def visible_case(user, case_id) -> Case:
    """A case of the report queues (cases_for) the user may see."""
    try:
        return cases_for(user).get(pk=case_id)
    except (Case.DoesNotExist, ValueError, TypeError):
        raise DomainError(CaseError.NOT_FOUND) from None


def case_of_any_kind(user, case_id) -> Case:
    """A case the user may see, scoped by its kind (Kind.visible), for the engine's steps."""
    try:
        kind = kinds.get(Case.objects.filter(pk=case_id).values_list("kind", flat=True).first())
        scope = kind.visible(user) if kind is not None and kind.visible else cases_for(user)
        return scope.get(pk=case_id)
    except (Case.DoesNotExist, ValueError, TypeError):
        raise DomainError(CaseError.NOT_FOUND) from None


def refuse_scoped_kinds(case_id) -> None:
    """The photo reports' pages and endpoints leave the kinds with their own scoping (claims,
    mediations) to their own app: such a case is "not found" there."""
    if Case.objects.filter(pk=case_id, kind__in=kinds.scoped_kinds()).exists():
        raise DomainError(CaseError.NOT_FOUND)


def timeline_case(user, case_id) -> Case:
    """A case for its timeline: staff who may see it, or any of its reporters."""
    return timeline_audience(user, case_id)[0]


def timeline_audience(user, case_id) -> tuple[Case, str]:
    """A case for its timeline and the presentation its caller gets (presenters.py): staff who
    may see the case get the staff's, its reporters who are not staff of it the reporter's;
    anyone else is told the case does not exist."""
    try:
        return visible_case(user, case_id), presenters.STAFF
    except DomainError:
        pass
    case = Case.objects.filter(pk=case_id, reports__partner__user=user).first()
    if case is None:
        raise DomainError(CaseError.NOT_FOUND)
    return case, presenters.REPORTER


def may_supervise(user) -> bool:
    """The region's supervisors (督办): the county reviewers, the administrator everywhere."""
    return has_perm(user, Perm.CASES_SUPERVISE)


def escalations_for(user, now=None) -> QuerySet[Case]:
    """Open cases in the supervisor's area that escalated or whose current step is past its
    deadline, the longest overdue first (escalated cases with a fresh deadline after them)."""
    if not may_supervise(user):
        return Case.objects.none()
    now = now or timezone.now()
    late = Q(escalation_count__gt=0) | Q(step_deadline_at__lt=now)
    return (
        cases_for(user)
        .filter(late, status__in=OPEN_STATUSES)
        .select_related("category", "grid", "region", "department")
        .order_by(F("step_deadline_at").asc(nulls_last=True), "id")
    )


def minutes_late(case: Case, now=None) -> int:
    """How long the current step has been overdue, in minutes (0 if it is not)."""
    now = now or timezone.now()
    if case.step_deadline_at is None or case.step_deadline_at >= now:
        return 0
    return int((now - case.step_deadline_at).total_seconds() // 60)


MERGE_NEAR_M = 500


def merge_candidates(user, case: Case, limit: int = 10) -> list[Case]:
    """Open cases of the same category and county near this one that the user may see: the
    likely duplicates an operator may fold into it (合并)."""
    dlat = MERGE_NEAR_M / 111_320
    dlon = MERGE_NEAR_M / (111_320 * max(math.cos(math.radians(case.lat)), 0.01))
    return list(
        cases_for(user)
        .filter(
            category_id=case.category_id,
            county_id=case.county_id,
            status__in=OPEN_STATUSES,
            lat__range=(case.lat - dlat, case.lat + dlat),
            lon__range=(case.lon - dlon, case.lon + dlon),
        )
        .exclude(pk=case.pk)
        .order_by("opened_at", "id")[:limit]
    )
