"""Earning points (积分规则): what the closed loop and the partner's own actions are worth, and the
guard against gaming. Every award goes through ledger.award with a key naming its cause, so
repeating the cause (verifying twice, a reopened case verified again, two workers at once, a
double tap on the check-in button) lands one entry. Amounts, daily caps and the false-report
limit are the county's rules (ledger.rules_for)."""

import datetime

from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone

from gridbee.cases.choices import CaseStatus, RejectReason
from gridbee.cases.models import Case
from gridbee.core.errors import DomainError
from gridbee.core.queries import get_visible
from gridbee.people.choices import PartnerAction, PartnerStatus
from gridbee.people.models import Partner, PartnerEvent

from .. import ledger
from ..choices import EntryKind
from ..errors import RewardsError
from ..models import PointsAccount, PointsEntry, SuspensionProposal

FALSE_REPORT_WINDOW = datetime.timedelta(days=90)
# A reviewer who suspended, revoked or reinstated a partner has weighed their history: false
# reports before that do not count towards a new proposal.
REVIEWED = (PartnerAction.SUSPEND, PartnerAction.REVOKE, PartnerAction.REINSTATE)


def case_verified(case: Case) -> list[PointsEntry]:
    """核查通过: points for the reporters of a verified case, inside the workflow's transaction.
    The first report (首报) earns more than later ones; a partner earns once per case (the
    earliest of their reports counts, so reporting one problem five times pays once); a
    partner not active earns nothing. Returns the entries, new or found."""
    if case.status != CaseStatus.CLOSED:
        return []
    reports = (
        case.reports.filter(partner__isnull=False)
        .select_related("partner")
        .order_by("received_at", "id")
    )
    first = [r for r in reports if r.pk == case.first_report_id]
    counted: dict = {}  # partner → the report that earns
    for report in first + [r for r in reports if r.pk != case.first_report_id]:
        counted.setdefault(report.partner_id, report)
    entries = []
    # Accounts locked in partner order: two verifications sharing reporters cannot deadlock.
    for _partner_id, report in sorted(counted.items()):
        kind = EntryKind.FIRST_REPORT if report.pk == case.first_report_id else EntryKind.REPORT
        entry = ledger.award(
            report.partner, kind, key=f"report:{report.pk}:verified", case=case, report=report
        )
        if entry is not None:
            entries.append(entry)
    return entries


def check_in(partner: Partner) -> tuple[PointsEntry | None, bool]:
    """每日打卡: once per local day. Returns (the day's entry, whether this call made it); the
    entry is None when nothing was due (a rule of zero, the daily cap reached). A partner not
    active is refused with NOT_ACTIVE."""
    return _once(partner, EntryKind.CHECK_IN, check_in_key(partner, timezone.localdate()))


def check_in_key(partner: Partner, day: datetime.date) -> str:
    return f"check_in:{partner.pk}:{day:%Y-%m-%d}"


def activity_check_in(partner: Partner, activity_key: str) -> tuple[PointsEntry | None, bool]:
    """活动签到: points for checking in at an activity, once per activity and partner.
    `activity_key` names the activity stably (e.g. "activity:42"); same answer as check_in."""
    return _once(partner, EntryKind.ACTIVITY, f"activity:{activity_key}:{partner.pk}")


def alert_answered(partner: Partner, alert_key: str) -> tuple[PointsEntry | None, bool]:
    """预警响应: points for answering an urgent alert, once per alert and partner. `alert_key`
    names the alert stably (e.g. "alert:7"); same answer as check_in."""
    return _once(partner, EntryKind.ALERT, f"alert:{alert_key}:{partner.pk}")


def _once(partner: Partner, kind: str, key: str) -> tuple[PointsEntry | None, bool]:
    if partner.status != PartnerStatus.ACTIVE:
        raise DomainError(RewardsError.NOT_ACTIVE)
    with transaction.atomic():
        # The account's lock (also taken by award) makes "was it new?" exact under concurrency.
        PointsAccount.objects.select_for_update().filter(partner=partner).first()
        existing = PointsEntry.objects.filter(key=key).first()
        if existing is not None:
            return existing, False
        entry = ledger.award(partner, kind, key=key)
        return entry, entry is not None


def report_rejected(case: Case, reason: str) -> list[SuspensionProposal]:
    """不予立案 as a false report: count each reporter's false reports (cases rejected as false
    within 90 days, since their standing was last reviewed) and, at the county's
    `false_report_limit`, propose them for suspension to the reviewer, one pending proposal
    per partner. Returns the proposals made now."""
    if reason != RejectReason.FALSE_REPORT:
        return []
    partner_ids = set(
        case.reports.filter(partner__isnull=False).values_list("partner_id", flat=True)
    )
    made = []
    for partner_id in sorted(partner_ids):
        # The partner's row serialises two rejections deciding about one partner at once.
        partner = Partner.objects.select_for_update().get(pk=partner_id)
        if (
            partner.status != PartnerStatus.ACTIVE
            or pending_proposals().filter(partner=partner).exists()
        ):
            continue
        count = false_reports(partner)
        if count >= ledger.rules_for(partner.county_id).false_report_limit:
            made.append(
                SuspensionProposal.objects.create(
                    partner=partner, county_id=partner.county_id, false_reports=count
                )
            )
    return made


def false_reports(partner: Partner, now: datetime.datetime | None = None) -> int:
    """The partner's reports rejected as false that still count (see report_rejected)."""
    now = now or timezone.now()
    since = now - FALSE_REPORT_WINDOW
    reviewed = PartnerEvent.objects.filter(partner=partner, action__in=REVIEWED).aggregate(
        at=Max("at")
    )["at"]
    dismissed = SuspensionProposal.objects.filter(partner=partner).aggregate(
        at=Max("dismissed_at")
    )["at"]
    since = max(t for t in (since, reviewed, dismissed) if t is not None)
    return (
        Case.objects.filter(
            status=CaseStatus.REJECTED,
            reject_reason=RejectReason.FALSE_REPORT,
            closed_at__gt=since,
            reports__partner=partner,
        )
        .distinct()
        .count()
    )


def pending_proposals():
    """Proposals still waiting for the reviewer: not dismissed, the partner active and not
    suspended or revoked since (a suspension on the partner's page settles the proposal)."""
    settled = PartnerEvent.objects.filter(
        partner_id=OuterRef("partner_id"),
        action__in=REVIEWED,
        at__gte=OuterRef("created_at"),
    )
    return SuspensionProposal.objects.filter(
        dismissed_at__isnull=True, partner__status=PartnerStatus.ACTIVE
    ).exclude(Exists(settled))


def dismiss_proposal(proposal_id, *, actor, note: str) -> SuspensionProposal:
    """The reviewer decides not to suspend (with a reason). Scoped like every reviewer read."""
    from ..queries import proposals_for

    note = (note or "").strip()
    if not note:
        raise DomainError(RewardsError.NOTE_REQUIRED)
    with transaction.atomic():
        mine = get_visible(proposals_for(actor), proposal_id, RewardsError.NOT_FOUND)
        proposal = SuspensionProposal.objects.select_for_update().get(pk=mine.pk)
        if not pending_proposals().filter(pk=proposal.pk).exists():
            raise DomainError(RewardsError.PROPOSAL_DECIDED)
        proposal.dismissed_at = timezone.now()
        proposal.dismissed_by = actor
        proposal.dismiss_note = note[:300]
        proposal.save(update_fields=["dismissed_at", "dismissed_by", "dismiss_note"])
    return proposal
