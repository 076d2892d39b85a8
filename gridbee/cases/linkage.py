"""五情联动, the rapid-response linkage: an emergency dispatched at once to a lead department
and supporting ones, each a channel of the county (police 警情, petitions 访情, public opinion
舆情, litigation 诉情, community 社情). The lead takes the case's own steps (sign, arrive,
handle) under the 1-3-5 clock; the case is handled when the lead reports. Supporting
departments see the case, sign for it and report on the same timeline, apart from its
status. Kept small and generic: any kind of case with a department can be linked."""

from django.db import transaction
from django.utils import timezone

from gridbee.core.authz import Perm, require
from gridbee.core.errors import DomainError
from gridbee.people.models import Department

from . import broadcast, workflow
from .actions import record
from .choices import CaseEventKind as K
from .choices import CaseStatus as S
from .choices import Channel, Urgency
from .errors import CaseError
from .models import Case, CaseSupport, LinkageChannel
from .queries import visible_case

SUPPORT_ACTIONS = ("sign", "report")
# The lead has signed once the case stands at or past its sign-for step.
LEAD_SIGNED = (S.SIGNED, S.ON_SCENE, S.HANDLED, S.CLOSED)


def dispatch_linked(case_id, *, actor, lead: str, supporting: list[str], note: str = "") -> Case:
    """Dispatch an accepted emergency to its lead (the engine's own dispatch step, with its
    clock) and, in the same breath, to the supporting departments."""
    require(actor, Perm.CASES_TRIAGE)
    case = visible_case(actor, case_id)
    codes = [c for c in dict.fromkeys(supporting or []) if c]
    departments = {
        d.code: d for d in Department.objects.filter(county_id=case.county_id, code__in=codes)
    }
    if (
        case.urgency != Urgency.EMERGENCY
        or not lead
        or lead in codes
        or len(departments) != len(codes)
        or not Department.objects.filter(county_id=case.county_id, code=lead).exists()
    ):
        raise DomainError(CaseError.LINKAGE_INVALID)
    with transaction.atomic():
        case = workflow.act(case.pk, K.DISPATCH, actor=actor, note=note, department_code=lead)
        CaseSupport.objects.bulk_create(
            [CaseSupport(case=case, department=departments[c]) for c in codes]
        )
        names = ", ".join(departments[c].name for c in codes)
        record(case, K.LINKED, actor=actor, note=f"{case.department.name} + {names}"[:500])
        broadcast.case_changed(case, K.LINKED)
    return case


def support_step(case_id, action: str, *, actor, note: str = "") -> CaseSupport:
    """A supporting department signs for the case, or reports what it did (a note)."""
    require(actor, Perm.CASES_HANDLE)
    if action not in SUPPORT_ACTIONS:
        raise DomainError(CaseError.INVALID_TRANSITION)
    note = (note or "").strip()
    with transaction.atomic():
        support = (
            CaseSupport.objects.select_for_update()
            .filter(case_id=visible_case(actor, case_id).pk, department_id=actor.department_id)
            .select_related("case")
            .first()
        )
        if support is None:
            raise DomainError(CaseError.NOT_SUPPORTING)
        now = timezone.now()
        if action == "sign":
            if support.signed_at is not None:
                raise DomainError(CaseError.INVALID_TRANSITION)
            support.signed_at = now
            kind = K.SUPPORT_SIGN
        else:
            if support.signed_at is None or support.reported_at is not None:
                raise DomainError(CaseError.INVALID_TRANSITION)
            if not note:
                raise DomainError(CaseError.NOTE_REQUIRED)
            support.reported_at = now
            kind = K.SUPPORT_REPORT
        support.save(update_fields=["signed_at", "reported_at"])
        record(support.case, kind, actor=actor, note=note)
        broadcast.case_changed(support.case, kind)
    return support


def linkage_of(case: Case) -> list[dict]:
    """Who the case was sent to, lead first, with their channel and whether they signed and
    reported: what the console shows."""
    supports = list(case.supports.select_related("department"))
    if case.department_id is None or not supports:
        return []
    channels = dict(
        LinkageChannel.objects.filter(county_id=case.county_id).values_list(
            "department_id", "channel"
        )
    )

    def channel(department_id) -> str:
        code = channels.get(department_id, "")
        return str(Channel(code).label) if code else ""

    rows = [
        {
            "department": case.department.name,
            "channel": channel(case.department_id),
            "lead": True,
            "signed": case.status in LEAD_SIGNED,
            "reported": case.status in (S.HANDLED, S.CLOSED),
        }
    ]
    for s in supports:
        rows.append(
            {
                "department": s.department.name,
                "channel": channel(s.department_id),
                "lead": False,
                "signed": s.signed_at is not None,
                "reported": s.reported_at is not None,
            }
        )
    return rows


def supporting(case: Case, user) -> CaseSupport | None:
    """The user's department's part in the case, if it supports it."""
    if not getattr(user, "department_id", None):
        return None
    return case.supports.filter(department_id=user.department_id).first()
