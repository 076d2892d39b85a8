"""Writes: a partner raises a claim (or staff record an oral one, 当场记录), every later step
goes through the case engine (workflow.act), and mediations past their deadline are referred
to arbitration."""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from gridbee.cases import deadlines, effects, workflow
from gridbee.cases.actions import record
from gridbee.cases.choices import CaseEventKind as K
from gridbee.cases.choices import CaseKind, Urgency
from gridbee.cases.choices import CaseStatus as S
from gridbee.cases.models import Case
from gridbee.core.authz import Perm, require
from gridbee.core.errors import DomainError
from gridbee.core.media import process_photo
from gridbee.people.models import Partner
from gridbee.people.queries import region_scope

from . import kinds, queries
from .choices import ClaimType
from .errors import ClaimError
from .models import Claim, ClaimParty, Mediation

MAX_AMOUNT = Decimal("10000000")


def _amount(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise DomainError(ClaimError.AMOUNT_INVALID) from None
    if not amount.is_finite() or not 0 <= amount <= MAX_AMOUNT:
        raise DomainError(ClaimError.AMOUNT_INVALID)
    return amount


def raise_claim(
    user,
    *,
    type: str,
    facts: str,
    respondent_name: str = "",
    respondent_code: str = "",
    amount=None,
    known_on: datetime.date,
    job_ended_on: datetime.date | None = None,
    photos: list[bytes] = (),
    idempotency_key: str = "",
    claimants: list[int] = (),
) -> tuple[Claim, bool]:
    """A partner raises their own claim in the app; staff with claimants=[user ids] record an
    oral claim for them (劳动争议调解仲裁法 art. 12). Returns the claim and whether it is new:
    a retry with the same Idempotency-Key gets the first claim back."""
    key = (idempotency_key or "").strip()[:100]
    if not key:
        raise DomainError(ClaimError.IDEMPOTENCY_KEY_REQUIRED)
    oral = bool(claimants)
    if oral:
        require(user, Perm.CLAIMS_RECORD)
        partners = list(Partner.objects.filter(user_id__in=claimants).select_related("user"))
        if not partners or len(partners) != len(set(claimants)):
            raise DomainError(ClaimError.NOT_A_PARTNER)
        county = partners[0].county_id
        prefix = region_scope(user)
        if prefix is None or any(not p.county_id.startswith(prefix) for p in partners):
            raise DomainError(ClaimError.NOT_A_PARTNER)
    else:
        partner = Partner.objects.filter(user_id=user.pk).first()
        if partner is None or not partner.can_act:
            raise DomainError(ClaimError.NOT_A_PARTNER)
        partners, county = [partner], partner.county_id
    facts = (facts or "").strip()
    if type not in ClaimType.values:
        raise DomainError(ClaimError.TYPE_INVALID)
    if not facts:
        raise DomainError(ClaimError.FACTS_REQUIRED)
    today = timezone.localdate()
    if known_on > today or (job_ended_on and job_ended_on > today):
        raise DomainError(ClaimError.DATE_INVALID)
    respondent = None
    if respondent_code:
        respondent = queries.bodies(county).filter(department__code=respondent_code).first()
        if respondent is None:
            raise DomainError(ClaimError.BODY_REQUIRED)
    respondent_name = (respondent_name or "").strip()[:100] or (
        respondent.department.name if respondent else ""
    )
    if not respondent_name:
        raise DomainError(ClaimError.RESPONDENT_REQUIRED)
    money = _amount(amount)
    processed = [process_photo(p) for p in photos[:3]]
    fields = {"type": type, "facts": facts[:2000], "amount": money}

    existing = Claim.objects.filter(raised_by=user, idempotency_key=key).first()
    if existing is not None:
        return _same_or_refuse(existing, fields), False
    try:
        with transaction.atomic():
            claim = _open(user, county, partners, processed, key, oral, fields,
                          respondent=respondent, respondent_name=respondent_name,
                          known_on=known_on, job_ended_on=job_ended_on)  # fmt: skip
    except IntegrityError:  # the same key raced in
        existing = Claim.objects.filter(raised_by=user, idempotency_key=key).first()
        if existing is None:
            raise
        return _same_or_refuse(existing, fields), False
    effects.after(list(claim.case.events.filter(effects_pending=True)))
    return claim, True


def _same_or_refuse(claim: Claim, fields: dict) -> Claim:
    if any(getattr(claim, name) != value for name, value in fields.items()):
        raise DomainError(ClaimError.IDEMPOTENCY_KEY_REUSED)
    return claim


def _open(user, county, partners, processed, key, oral, fields, **more) -> Claim:
    now = timezone.now()
    case = Case.objects.create(
        kind=CaseKind.CLAIM,
        urgency=Urgency.ORDINARY,
        region_id=county,
        county_id=county,
        opened_at=now,
        last_report_at=now,
        report_count=1,
    )
    claim = Claim.objects.create(
        case=case,
        serial=f"SQ{now:%Y}{case.pk:06d}",
        raised_by=user,
        oral=oral,
        idempotency_key=key,
        **fields,
        **more,
    )
    ClaimParty.objects.bulk_create([ClaimParty(claim=claim, user=p.user) for p in partners])
    case.step_deadline_at = deadlines.due(
        Urgency.ORDINARY, now, kinds.CLAIM.minutes(case, "accept")
    )
    case.save(update_fields=["step_deadline_at"])
    event = record(case, K.OPENED, actor=user, note="口头申请，当场记录" if oral else "")
    for n, photo in enumerate(processed):
        name = f"{case.pk}-{event.pk}-{n + 1}.jpg"
        event.photos.create(
            image=ContentFile(photo.image, name=name),
            thumbnail=ContentFile(photo.thumbnail, name=name),
            sha256=photo.sha256,
        )
    return claim


def act(user, case_id, action: str, **step) -> Case:
    """One step of a claim or a mediation, by the engine."""
    return workflow.act(case_id, action, actor=user, **step)


def refer_due(now: datetime.datetime | None = None) -> int:
    """At the deadline without agreement, a mediation moves to "referred to arbitration" (转仲裁,
    art. 14): the claimant's arbitration application is ready to print. Returns how many."""
    now = now or timezone.now()
    due = Case.objects.filter(
        kind=CaseKind.MEDIATION, status__in=kinds.MEDIATING, step_deadline_at__lt=now
    ).values_list("pk", flat=True)
    count = 0
    for pk in list(due[:500]):
        with transaction.atomic():
            case = Case.objects.select_for_update().get(pk=pk)
            if case.status not in kinds.MEDIATING or not case.step_deadline_at:
                continue
            if case.step_deadline_at >= now:
                continue
            source = case.status
            mediation = Mediation.objects.select_related("claim").get(case=case)
            case.status = S.REFERRED
            kinds.conclude(case, mediation, now, agreed=False)
            case.version += 1
            case.save()
            event = record(case, K.REFER, note="期满未达成调解协议", from_status=source,
                           to_status=S.REFERRED, on_time=False)  # fmt: skip
        effects.after([event])
        count += 1
    return count
