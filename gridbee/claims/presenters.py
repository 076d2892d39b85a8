"""Claims and mediations as the API and the pages show them. A claimant sees their own
case; staff see it with the roles of who acted; the other party never sees the claimants'
phones."""

from gridbee.cases.choices import CaseEventKind, CaseKind, CaseStatus, Rating
from gridbee.cases.models import Case
from gridbee.cases.presenters import label
from gridbee.people.queries import partner_of, region_scope

from . import limitation, queries
from .choices import ClaimRefusal, ClaimType, MediationRefusal, Performance
from .guidance import PAYMENT_ORDER


def county_of(user) -> str | None:
    partner = partner_of(user)
    if partner is not None:
        return partner.county_id
    if user.department_id:
        return user.department.county_id
    prefix = region_scope(user)
    return user.region_id if prefix else None


# The choices each step's reason comes from, by the kind of case.
REASONS = {
    (CaseKind.CLAIM, CaseEventKind.REJECT): ClaimRefusal,
    (CaseKind.MEDIATION, CaseEventKind.REJECT): MediationRefusal,
    (CaseKind.CLAIM, CaseEventKind.RATE): Rating,
    (CaseKind.MEDIATION, CaseEventKind.RATE): Rating,
    (CaseKind.MEDIATION, CaseEventKind.PERFORM): Performance,
}


def reason_label(case: Case, kind: str, reason: str) -> str:
    choices = REASONS.get((case.kind, kind))
    return label(choices, reason) if choices and reason else reason


def _events(case: Case) -> list[dict]:
    return [
        {
            "kind": e.kind,
            "label": str(CaseEventKind(e.kind).label) if e.kind in CaseEventKind.values else e.kind,
            "note": e.note,
            "reason": e.reason,
            "reason_label": reason_label(case, e.kind, e.reason),
            "at": e.at,
            "actor_role": e.actor_role or None,
        }
        for e in case.events.order_by("at", "id")
    ]


def mediation_out(mediation) -> dict:
    case = mediation.case
    unpaid = (
        mediation.claim.type == ClaimType.PAY
        and mediation.performance
        and mediation.performance != Performance.PERFORMED
    )
    return {
        "case_id": case.pk,
        "serial": mediation.serial,
        "status": case.status,
        "version": case.version,
        "organisation": case.department.name if case.department_id else None,
        "mediator": mediation.mediator.name if mediation.mediator_id else None,
        "accepted_at": mediation.accepted_at,
        "due_at": case.step_deadline_at,
        "extension_days": mediation.extension_days,
        "agreement": mediation.agreement,
        "claimant_confirmed_at": mediation.claimant_confirmed_at,
        "respondent_confirmed_at": mediation.respondent_confirmed_at,
        "performance": mediation.performance,
        "payment_order_guidance": str(PAYMENT_ORDER) if unpaid else None,
        "sessions": [
            {"at": s.at, "minutes": s.minutes, "mediator": s.mediator.name}
            for s in mediation.sessions.select_related("mediator")
        ],
    }


def claim_out(case: Case, user, *, events: bool = True) -> dict:
    claim = queries.claim_of(case)
    mine = claim.parties.filter(user_id=user.pk).exists()
    warn = limitation.warning(claim.type, claim.known_on, claim.job_ended_on)
    mediation = queries.mediation_of(case)
    serial = claim.serial if case.kind == CaseKind.CLAIM else mediation.serial
    out = {
        "case_id": case.pk,
        "serial": serial,
        "kind": case.kind,
        "status": case.status,
        "status_label": CaseStatus(case.status).label,
        "version": case.version,
        "type": claim.type,
        "type_label": ClaimType(claim.type).label,
        "facts": claim.facts,
        "amount": claim.amount,
        "respondent": claim.respondent_name,
        "known_on": claim.known_on,
        "limitation": warn.level if warn else None,
        "limitation_ends_on": warn.ends_on if warn else None,
        "oral": claim.oral,
        "claimants": claim.parties.count(),
        "group": claim.is_group,
        "body": case.department.name if case.department_id else None,
        "due_at": case.step_deadline_at,
        "rating": case.rating,
        "opened_at": case.opened_at,
        "mine": mine,
        "mediation": mediation_out(mediation) if mediation is not None else None,
        "events": _events(case) if events else [],
    }
    return out
