"""Reads of claims and mediations, scoped. A claim is seen by its claimants, the county's
claims desk, the body it was sent to and a legal-aid centre it was referred to; nobody else
(not the claimant's team, station or captain). A mediation is seen by its claimants, the
county's desk, the mediation organisation, and the other party's account only once accepted."""

from django.db.models import Q, QuerySet

from gridbee.cases.choices import CaseEventKind as K
from gridbee.cases.choices import CaseKind
from gridbee.cases.choices import CaseStatus as S
from gridbee.cases.models import Case
from gridbee.core.authz import Perm, Role, has_perm
from gridbee.core.errors import DomainError
from gridbee.people.queries import EVERYWHERE, region_scope

from .errors import ClaimError
from .models import Body, Claim, Mediation

KINDS = (CaseKind.CLAIM, CaseKind.MEDIATION)
# The other party sees a mediation from its acceptance on.
NOT_YET_ACCEPTED = (S.REPORTED, S.REJECTED)


def staff_cases(user) -> QuerySet[Case]:
    """The claims and mediations a staff member may see (Kind.visible of both kinds)."""
    cases = Case.objects.filter(kind__in=KINDS)
    if not (user and user.is_authenticated and user.is_active):
        return cases.none()
    scope = Q(pk__in=[])
    if has_perm(user, Perm.CLAIMS_RECORD):
        prefix = region_scope(user)
        if prefix == EVERYWHERE:
            return cases
        if prefix:
            scope |= Q(region__code__startswith=prefix)
    if user.role == Role.MEDIATOR and user.department_id:
        scope |= Q(kind=CaseKind.MEDIATION, department_id=user.department_id)
    if has_perm(user, Perm.CLAIMS_ANSWER) and user.department_id:
        scope |= Q(kind=CaseKind.CLAIM, department_id=user.department_id)
        scope |= Q(kind=CaseKind.CLAIM, claim__legal_aid__body_id=user.department_id)
    if has_perm(user, Perm.MEDIATIONS_RESPOND) and user.department_id:
        scope |= Q(
            kind=CaseKind.MEDIATION, mediation__claim__respondent_id=user.department_id
        ) & ~Q(status__in=NOT_YET_ACCEPTED)
    return cases.filter(pk__in=cases.filter(scope).values("pk"))


def own_cases(user) -> QuerySet[Case]:
    """The claims and mediations the user is a claimant of."""
    if not (user and user.is_authenticated):
        return Case.objects.none()
    return Case.objects.filter(
        Q(kind=CaseKind.CLAIM, claim__parties__user=user)
        | Q(kind=CaseKind.MEDIATION, mediation__claim__parties__user=user)
    ).distinct()


def case_for(user, case_id) -> tuple[Case, bool]:
    """A claim or mediation case the user may see, and whether they see it as a claimant."""
    try:
        case = own_cases(user).filter(pk=case_id).first()
        if case is not None:
            return case, True
        case = staff_cases(user).filter(pk=case_id).first()
    except (ValueError, TypeError):
        case = None
    if case is None:
        raise DomainError(ClaimError.NOT_FOUND)
    return case, False


def claims_queue(user, *, kind: str = CaseKind.CLAIM, status: str = "") -> QuerySet[Case]:
    cases = staff_cases(user).filter(kind=kind).select_related("department")
    if status:
        cases = cases.filter(status=status)
    return cases.order_by("-opened_at", "-id")


def bodies(county_id: str, *types: str) -> QuerySet[Body]:
    found = Body.objects.filter(department__county_id=county_id).select_related("department")
    return found.filter(type__in=types) if types else found


def claim_of(case: Case) -> Claim:
    return Claim.objects.select_related("respondent__department", "raised_by").get(
        pk=case.claim.pk if case.kind == CaseKind.CLAIM else case.mediation.claim_id
    )


def mediation_of(case: Case) -> Mediation | None:
    if case.kind == CaseKind.MEDIATION:
        return Mediation.objects.select_related("mediator", "claim").get(case=case)
    return Mediation.objects.select_related("mediator", "case").filter(claim__case=case).first()


def referred(mediation: Mediation) -> bool:
    """The mediation ended without agreement (by the mediator, or at its deadline)."""
    return mediation.case.events.filter(kind__in=(K.REFER, K.NO_AGREEMENT)).exists()
