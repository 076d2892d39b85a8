"""Claims (诉求) and mediations (调解) as two kinds of case on the one engine (cases/kinds.py):
their step tables over the shared vocabulary, their clocks, and what each step does to the
claim's own records. The engine applies the steps (workflow.act); nothing here copies it."""

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_noop as N_

from gridbee.cases import deadlines, effects
from gridbee.cases.actions import record
from gridbee.cases.choices import CaseEventKind as K
from gridbee.cases.choices import CaseKind, Rating, Urgency
from gridbee.cases.choices import CaseStatus as S
from gridbee.cases.errors import CaseError
from gridbee.cases.kinds import REPORTER, Kind, Step, register
from gridbee.cases.models import Case
from gridbee.cases.workflow import set_deadline
from gridbee.core.authz import Perm, Role
from gridbee.core.errors import DomainError
from gridbee.people.models import User

from . import queries
from .choices import (
    ANSWER_DAYS,
    MEDIABLE,
    BodyType,
    ClaimRefusal,
    ClaimType,
    MediationRefusal,
    Performance,
)
from .errors import ClaimError
from .models import (
    REPRESENTATIVES,
    Body,
    Claim,
    ClaimParty,
    LegalAid,
    Mediation,
    MediatorTie,
    Session,
)

RECORD, ANSWER = Perm.CLAIMS_RECORD, Perm.CLAIMS_ANSWER
MANAGE, MEDIATE, RESPOND = Perm.MEDIATIONS_MANAGE, Perm.MEDIATIONS_MEDIATE, Perm.MEDIATIONS_RESPOND
MEDIATION_DAYS = 15  # 人社厅发〔2024〕4号: within 15 days of acceptance
MAX_EXTENSION_DAYS = 15  # once, with both parties' consent
ACCEPT_WORKING_DAYS = 3


# -- claims (诉求): received → filed → assigned → answered → followed up → archived -------------

CLAIM_STEPS: dict[str, Step] = {
    K.ACCEPT: Step((S.REPORTED,), S.ACCEPTED, RECORD),
    K.REJECT: Step(
        (S.REPORTED,), S.REJECTED, RECORD, note=True, reasons=tuple(ClaimRefusal.values)
    ),
    K.REPRESENT: Step((S.REPORTED, S.ACCEPTED), None, RECORD),
    K.DISPATCH: Step((S.ACCEPTED,), S.DISPATCHED, RECORD),
    K.RETURN: Step((S.DISPATCHED,), S.ACCEPTED, ANSWER, note=True),
    K.HANDLE: Step((S.DISPATCHED,), S.HANDLED, ANSWER, note=True),
    K.LEGAL_AID: Step((S.ACCEPTED, S.DISPATCHED, S.HANDLED), None, RECORD),
    K.RATE: Step((S.HANDLED,), S.VISITED, REPORTER, reasons=tuple(Rating.values)),
    K.ARCHIVE: Step((S.HANDLED, S.VISITED, S.REJECTED), S.ARCHIVED, RECORD),
}
CLAIM_TOLD = {
    K.OPENED: N_("Your claim was received with serial number {ref}."),
    K.ACCEPT: N_("Your claim {ref} was filed."),
    K.REJECT: N_("Your claim {ref} was not filed: {note}"),
    K.DISPATCH: N_("Your claim {ref} was sent to {department}."),
    K.HANDLE: N_("Your claim {ref} was answered: {note}"),
    K.LEGAL_AID: N_("Your claim {ref} was referred to legal aid."),
}


def _claim(case) -> Claim:
    return Claim.objects.select_for_update().get(case=case)


def _claim_phase(case, status: str) -> str | None:
    return {S.REPORTED: "accept", S.ACCEPTED: "dispatch", S.DISPATCHED: "handle"}.get(status)


def _claim_minutes(case, phase: str) -> int:
    day = deadlines.working_day_minutes()
    if phase == "handle":
        return ANSWER_DAYS.get(case.claim.type, 10) * day
    return day  # a working day to file, another to assign


def _claim_reporters(case) -> QuerySet:
    return User.objects.filter(claims__case=case)


def _body(case, code: str, *types: str) -> Body:
    body = queries.bodies(case.county_id, *types).filter(department__code=code).first()
    if body is None:
        raise DomainError(ClaimError.BODY_REQUIRED)
    return body


def _claim_accept(case, now, extra, **_):
    kind = extra.get("type")
    if kind:
        if kind not in ClaimType.values:
            raise DomainError(ClaimError.TYPE_INVALID)
        Claim.objects.filter(case=case).update(type=kind)  # classified (分类)
        case.claim.type = kind
    set_deadline(case, now, _claim_minutes(case, "dispatch"))


def _claim_reject(case, now, reason, **_):
    case.reject_reason, case.closed_at, case.step_deadline_at = reason, now, None


def _claim_dispatch(case, now, department_code, actor, **_):
    others = [t for t in BodyType.values if t != BodyType.LEGAL_AID]
    body = _body(case, department_code, *others)
    case.department = body.department
    if body.type != BodyType.MEDIATION:
        set_deadline(case, now, _claim_minutes(case, "handle"))
        return
    claim = _claim(case)
    if claim.type not in MEDIABLE:
        raise DomainError(ClaimError.NOT_MEDIABLE)
    if Mediation.objects.filter(claim=claim).exists():
        raise DomainError(ClaimError.ALREADY_MEDIATED)
    case.step_deadline_at, case.step_escalated = None, False  # the mediation's clocks run now
    open_mediation(claim, body, now)


def open_mediation(claim: Claim, body: Body, now) -> Mediation:
    """The mediation application (调解申请) of a claim, received by the organisation: its
    acceptance is decided within 3 working days."""
    case = Case.objects.create(
        kind=CaseKind.MEDIATION,
        urgency=Urgency.ORDINARY,
        region_id=claim.case.region_id,
        county_id=claim.case.county_id,
        department=body.department,
        opened_at=now,
        last_report_at=now,
        step_deadline_at=deadlines.add_working_days(now, ACCEPT_WORKING_DAYS),
    )
    mediation = Mediation.objects.create(case=case, claim=claim, serial=f"TJ{now:%Y}{case.pk:06d}")
    opened = record(case, K.OPENED, note=claim.serial)
    transaction.on_commit(lambda: effects.after([opened]))
    return mediation


def _claim_return(case, now, **_):
    case.department = None
    set_deadline(case, now, _claim_minutes(case, "dispatch"))


def _claim_handle(case, now, **_):
    mediation = Mediation.objects.filter(claim__case=case).first()
    if mediation is not None and mediation.case.status not in (S.AGREED, S.REFERRED):
        raise DomainError(CaseError.INVALID_TRANSITION)  # the mediation answers it
    case.step_deadline_at = None


def _represent(case, now, actor, extra, **_):
    claim = _claim(case) if case.kind == CaseKind.CLAIM else case.mediation.claim
    chosen = {int(pk) for pk in extra.get("representatives", ()) if str(pk).isdigit()}
    parties = ClaimParty.objects.filter(claim=claim)
    low, high = REPRESENTATIVES
    in_claim = parties.filter(user_id__in=chosen).count()
    if not claim.is_group or not low <= len(chosen) <= high or in_claim != len(chosen):
        raise DomainError(ClaimError.REPRESENTATIVES_INVALID)
    parties.update(representative=False)
    parties.filter(user_id__in=chosen).update(representative=True)


def _legal_aid(case, now, department_code, actor, note, **_):
    claim = case.claim if case.kind == CaseKind.CLAIM else case.mediation.claim
    body = _body(case, department_code, BodyType.LEGAL_AID)
    LegalAid.objects.create(claim=claim, body=body, note=note, referred_by=actor)


def _archive(case, now, **_):
    case.closed_at = case.closed_at or now
    case.step_deadline_at = None


def _rate(case, now, reason, **_):
    case.rating = reason
    case.step_deadline_at = None


def reference(case) -> str:
    if case.kind == CaseKind.CLAIM:
        return case.claim.serial
    return case.mediation.serial


CLAIM = register(
    Kind(
        name=CaseKind.CLAIM,
        steps=CLAIM_STEPS,
        minutes=_claim_minutes,
        reporters=_claim_reporters,
        told=CLAIM_TOLD,
        phase_of=_claim_phase,
        hooks={
            K.ACCEPT: _claim_accept,
            K.REJECT: _claim_reject,
            K.REPRESENT: _represent,
            K.DISPATCH: _claim_dispatch,
            K.RETURN: _claim_return,
            K.HANDLE: _claim_handle,
            K.LEGAL_AID: _legal_aid,
            K.RATE: _rate,
            K.ARCHIVE: _archive,
        },
        visible=queries.staff_cases,
        reference=reference,
    )
)


# -- mediations (调解): applied → accepted → mediator → sessions → agreement, or arbitration -----

MEDIATING = (S.ACCEPTED, S.DISPATCHED, S.CONFIRMING)
MEDIATION_STEPS: dict[str, Step] = {
    K.ACCEPT: Step((S.REPORTED,), S.ACCEPTED, MANAGE),
    K.REJECT: Step(
        (S.REPORTED,), S.REJECTED, MANAGE, note=True, reasons=tuple(MediationRefusal.values)
    ),
    K.REPRESENT: Step((S.REPORTED, S.ACCEPTED), None, MANAGE),
    K.DISPATCH: Step((S.ACCEPTED,), S.DISPATCHED, MANAGE),  # a mediator assigned
    K.RETURN: Step((S.DISPATCHED,), S.ACCEPTED, MEDIATE, note=True),  # the mediator declines
    K.SESSION: Step((S.DISPATCHED,), None, MEDIATE, note=True),
    K.EXTEND: Step((S.DISPATCHED, S.CONFIRMING), None, MEDIATE, note=True),
    K.AGREE: Step((S.DISPATCHED, S.CONFIRMING), S.CONFIRMING, MEDIATE, note=True),
    K.CONFIRM: Step((S.CONFIRMING,), None, REPORTER),
    K.COUNTERSIGN: Step((S.CONFIRMING,), None, RESPOND),
    K.NO_AGREEMENT: Step((S.DISPATCHED, S.CONFIRMING), S.REFERRED, MEDIATE, note=True),
    K.LEGAL_AID: Step((S.ACCEPTED, S.DISPATCHED, S.CONFIRMING, S.REFERRED), None, MANAGE),
    K.PERFORM: Step((S.AGREED, S.VISITED), None, MEDIATE, reasons=tuple(Performance.values)),
    K.RATE: Step((S.AGREED, S.REFERRED), S.VISITED, REPORTER, reasons=tuple(Rating.values)),
    K.ARCHIVE: Step((S.AGREED, S.REFERRED, S.VISITED, S.REJECTED), S.ARCHIVED, MANAGE),
}
MEDIATION_TOLD = {
    K.OPENED: N_(
        "Your mediation application {ref} was received: acceptance is decided within 3 "
        "working days."
    ),
    K.ACCEPT: N_("Your mediation {ref} was accepted: it is to finish within 15 days."),
    K.REJECT: N_("Your mediation application {ref} was not accepted: {note}"),
    K.DISPATCH: N_("A mediator was assigned to your mediation {ref}."),
    K.EXTEND: N_("Your mediation {ref} was extended with both parties' consent."),
    K.AGREE: N_("An agreement was drawn up in your mediation {ref}: please read and confirm it."),
    K.NO_AGREEMENT: N_(
        "Your mediation {ref} ended without agreement: you may apply for arbitration with "
        "the prepared application."
    ),
    K.REFER: N_(
        "Your mediation {ref} reached no agreement in time: you may apply for arbitration "
        "with the prepared application."
    ),
    K.PERFORM: N_("The performance of the agreement in {ref} was followed up."),
}


def _mediation(case) -> Mediation:
    return Mediation.objects.select_for_update().select_related("claim").get(case=case)


def _mediation_phase(case, status: str) -> str | None:
    if status == S.REPORTED:
        return "accept"
    return "mediate" if status in MEDIATING else None


def _mediation_minutes(case, phase: str) -> int:
    return deadlines.working_day_minutes() * (
        ACCEPT_WORKING_DAYS if phase == "accept" else MEDIATION_DAYS
    )


def _mediation_reporters(case) -> QuerySet:
    return User.objects.filter(claims__mediation__case=case)


def _mediation_accept(case, now, **_):
    mediation = _mediation(case)
    claim = mediation.claim
    if claim.is_group:
        chosen = claim.parties.filter(representative=True).count()
        if not REPRESENTATIVES[0] <= chosen <= REPRESENTATIVES[1]:
            raise DomainError(ClaimError.REPRESENTATIVES_REQUIRED)
    mediation.accepted_at = now
    mediation.save(update_fields=["accepted_at"])
    case.step_deadline_at = deadlines.add_calendar_days(now, MEDIATION_DAYS)
    case.step_escalated = False


def _mediation_reject(case, now, reason, note, actor, **_):
    case.reject_reason, case.closed_at, case.step_deadline_at = reason, now, None
    # The claim goes back to the county's desk, to be sent elsewhere.
    claim_case = Case.objects.select_for_update().get(pk=_mediation(case).claim.case_id)
    source = claim_case.status
    claim_case.status, claim_case.department = S.ACCEPTED, None
    set_deadline(claim_case, now, _claim_minutes(claim_case, "dispatch"))
    claim_case.version += 1
    claim_case.save()
    record(claim_case, K.RETURN, actor=actor, note=note, from_status=source,
           to_status=claim_case.status)  # fmt: skip


def conflicted(mediator: User, claim: Claim) -> bool:
    """回避: a mediator linked to either party — a claimant themselves, staff of the other
    party, or a declared tie to a claimant or to the other party — cannot mediate."""
    claimants = list(claim.parties.values_list("user_id", flat=True))
    if mediator.pk in claimants:
        return True
    if claim.respondent_id and mediator.department_id == claim.respondent_id:
        return True
    ties = MediatorTie.objects.filter(mediator=mediator)
    if ties.filter(user_id__in=claimants).exists():
        return True
    return bool(claim.respondent_id) and ties.filter(body_id=claim.respondent_id).exists()


def _assign(case, now, extra, **_):
    mediation = _mediation(case)
    pk = str(extra.get("mediator") or "")
    mediator = User.objects.filter(
        pk=int(pk) if pk.isdigit() else 0,
        role=Role.MEDIATOR,
        department_id=case.department_id,
        is_active=True,
    ).first()
    if mediator is None:
        raise DomainError(ClaimError.MEDIATOR_REQUIRED)
    if conflicted(mediator, mediation.claim):
        raise DomainError(ClaimError.MEDIATOR_CONFLICT)
    mediation.mediator = mediator
    mediation.save(update_fields=["mediator"])


def _by_the_mediator(case, actor) -> Mediation:
    mediation = _mediation(case)
    if actor.role != Role.ADMIN and mediation.mediator_id != actor.pk:
        raise DomainError(ClaimError.NOT_THE_MEDIATOR)
    return mediation


def _decline(case, now, actor, **_):
    mediation = _by_the_mediator(case, actor)
    mediation.mediator = None
    mediation.save(update_fields=["mediator"])


def _session(case, now, actor, note, **_):
    mediation = _by_the_mediator(case, actor)
    Session.objects.create(mediation=mediation, mediator=actor, minutes=note)


def _extend(case, now, actor, extra, **_):
    mediation = _by_the_mediator(case, actor)
    days = extra.get("days")
    consent = extra.get("claimant_consents") is True and extra.get("respondent_consents") is True
    if (
        mediation.extension_days
        or not isinstance(days, int)
        or not 1 <= days <= MAX_EXTENSION_DAYS
        or not consent
    ):
        raise DomainError(ClaimError.EXTENSION_INVALID)
    mediation.extension_days = days
    mediation.save(update_fields=["extension_days"])
    case.step_deadline_at = deadlines.add_calendar_days(
        mediation.accepted_at, MEDIATION_DAYS + days
    )
    case.step_escalated = False


def _agree(case, now, actor, extra, note, **_):
    mediation = _by_the_mediator(case, actor)
    mediation.agreement = (extra.get("agreement") or note)[:4000]
    mediation.claimant_confirmed_at = mediation.respondent_confirmed_at = None
    mediation.save(update_fields=["agreement", "claimant_confirmed_at", "respondent_confirmed_at"])


def _confirm(case, now, actor, **_):
    mediation = _mediation(case)
    if (
        mediation.claim.is_group
        and not mediation.claim.parties.filter(user=actor, representative=True).exists()
    ):
        raise DomainError(ClaimError.NOT_A_REPRESENTATIVE)
    mediation.claimant_confirmed_at = mediation.claimant_confirmed_at or now
    mediation.save(update_fields=["claimant_confirmed_at"])
    _agreed_if_both(case, mediation, now)


def _countersign(case, now, actor, **_):
    mediation = _mediation(case)
    respondent = mediation.claim.respondent_id
    if respondent is None or actor.department_id != respondent:
        raise DomainError(ClaimError.NOT_THE_RESPONDENT)
    mediation.respondent_confirmed_at = mediation.respondent_confirmed_at or now
    mediation.save(update_fields=["respondent_confirmed_at"])
    _agreed_if_both(case, mediation, now)


def _agreed_if_both(case, mediation: Mediation, now) -> None:
    if mediation.claimant_confirmed_at and mediation.respondent_confirmed_at:
        case.status = S.AGREED
        conclude(case, mediation, now, agreed=True)


def conclude(case, mediation: Mediation, now, *, agreed: bool) -> None:
    """A mediation ends (agreement, or none): its clock stops and its claim is answered."""
    case.closed_at, case.step_deadline_at = now, None
    claim_case = Case.objects.select_for_update().get(pk=mediation.claim.case_id)
    if claim_case.status != S.DISPATCHED:
        return
    note = (
        f"调解成功（{mediation.serial}）：{mediation.agreement}"
        if agreed
        else f"调解未达成协议（{mediation.serial}），可申请劳动仲裁。"
    )
    claim_case.status, claim_case.step_deadline_at = S.HANDLED, None
    claim_case.version += 1
    claim_case.save()
    # The mediation answers the claim: its mediator, not whoever confirmed last.
    event = record(
        claim_case,
        K.HANDLE,
        actor=mediation.mediator,
        note=note,
        from_status=S.DISPATCHED,
        to_status=S.HANDLED,
    )
    transaction.on_commit(lambda: effects.after([event]))


def _no_agreement(case, now, actor, **_):
    conclude(case, _by_the_mediator(case, actor), now, agreed=False)


def _perform(case, now, actor, reason, **_):
    mediation = _mediation(case)
    mediation.performance = reason
    mediation.save(update_fields=["performance"])


MEDIATION = register(
    Kind(
        name=CaseKind.MEDIATION,
        steps=MEDIATION_STEPS,
        minutes=_mediation_minutes,
        reporters=_mediation_reporters,
        told=MEDIATION_TOLD,
        phase_of=_mediation_phase,
        hooks={
            K.ACCEPT: _mediation_accept,
            K.REJECT: _mediation_reject,
            K.REPRESENT: _represent,
            K.DISPATCH: _assign,
            K.RETURN: _decline,
            K.SESSION: _session,
            K.EXTEND: _extend,
            K.AGREE: _agree,
            K.CONFIRM: _confirm,
            K.COUNTERSIGN: _countersign,
            K.NO_AGREEMENT: _no_agreement,
            K.LEGAL_AID: _legal_aid,
            K.PERFORM: _perform,
            K.RATE: _rate,
            K.ARCHIVE: _archive,
        },
        visible=queries.staff_cases,
        reference=reference,
    )
)
