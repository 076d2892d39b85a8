"""Reads of cases, scoped: an operator sees their region's (or grids') queue, a reviewer their
county's, a partner only the cases of their own reports (through reports.queries)."""

from django.db.models import QuerySet

from gridbee.core.errors import DomainError
from gridbee.people.choices import Role
from gridbee.people.permissions import Perm, has_perm
from gridbee.people.queries import EVERYWHERE, region_scope

from .choices import OPEN_STATUSES, Urgency
from .errors import CaseError
from .models import Case


def cases_for(user) -> QuerySet[Case]:
    if not has_perm(user, Perm.CASES_VIEW):
        return Case.objects.none()
    cases = Case.objects.select_related("category", "grid", "region")
    if user.role == Role.DEPARTMENT:
        # A department sees what was dispatched to it, from dispatch to closure.
        return (
            cases.filter(department_id=user.department_id) if user.department_id else (cases.none())
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
    try:
        return cases_for(user).get(pk=case_id)
    except (Case.DoesNotExist, ValueError, TypeError):
        raise DomainError(CaseError.NOT_FOUND) from None


def timeline_case(user, case_id) -> Case:
    """A case for its timeline: staff who may see it, or any of its reporters."""
    case = Case.objects.filter(pk=case_id, reports__partner__user=user).first()
    return case if case is not None else visible_case(user, case_id)
