"""Reads of cash rewards (奖补), scoped: staff see the rewards of the cases they may see (the
same scope as cases.queries), a partner only their own approved and paid rewards. "Not found"
and "not yours" answer the same."""

import datetime

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from gridbee.cases.choices import CaseStatus, Urgency
from gridbee.cases.models import Case
from gridbee.cases.queries import cases_for
from gridbee.core.authz import Perm, has_perm
from gridbee.core.queries import get_visible
from gridbee.people.choices import PartnerStatus
from gridbee.people.queries import partner_of

from .choices import CashFor, CashRewardStatus, HoldReason
from .errors import RewardsError
from .ledger import rules_for
from .models import CashReward
from .periods import month_bounds

GRADES = (1, 2, 3, 4)
# 逐级核实审批后: a reward is proposed (and approved, and paid) only for a case that passed
# verification, i.e. closed; a case reopened or sent back for rework waits for the next one.
PROPOSABLE_STATUSES = (CaseStatus.CLOSED,)
# What a partner sees of their rewards: proposals and refusals stay internal deliberation.
PARTNER_STATUSES = (CashRewardStatus.APPROVED, CashRewardStatus.PAID)
# 首报 of an emergency: the reports the issue asks to reward above all.
PRIORITY = ExpressionWrapper(
    Q(report__is_first=True, case__urgency=Urgency.EMERGENCY), output_field=BooleanField()
)


def grade_amounts(county_id) -> dict[int, int]:
    """The county's four grades in fen (defaults 50/100/150/200 yuan)."""
    rules = rules_for(county_id)
    return {grade: getattr(rules, f"grade{grade}_fen") for grade in GRADES}


def for_cash(report, case: Case) -> bool:
    """Whether the county's rule (EarningRules.cash_for) lets this report earn a cash grade:
    by default only the first report (首报) of an emergency; the rest earn points."""
    if rules_for(case.county_id).cash_for == CashFor.ANY_VERIFIED:
        return True
    return report.is_first and case.urgency == Urgency.EMERGENCY


def hold_of(reward: CashReward) -> HoldReason | None:
    """Why this unpaid reward may not be paid now, or None. Read from the partner's and the
    case's current state: a reinstated partner's reward comes back to the payout list."""
    if reward.status not in (CashRewardStatus.PROPOSED, CashRewardStatus.APPROVED):
        return None
    if reward.partner.status == PartnerStatus.SUSPENDED:
        return HoldReason.PARTNER_SUSPENDED
    if reward.partner.status == PartnerStatus.REVOKED:
        return HoldReason.PARTNER_REVOKED
    if reward.case.status != CaseStatus.CLOSED:
        return HoldReason.CASE_REOPENED
    return None


# Approved rewards that may be paid: the partner active, the case (still) closed.
PAYABLE = Q(partner__status=PartnerStatus.ACTIVE, case__status=CaseStatus.CLOSED)


def handles_cash(user) -> bool:
    """Operators follow their proposals; reviewers decide and pay."""
    return has_perm(user, Perm.CASH_VIEW)


def rewards_for(user) -> QuerySet[CashReward]:
    """The rewards of the cases this staff member may see, most urgent first within a status."""
    if not handles_cash(user):
        return CashReward.objects.none()
    return (
        CashReward.objects.filter(case__in=cases_for(user).values("pk"))
        .select_related(
            "partner", "partner__user", "partner__station", "case", "report", "proposed_by",
            "decided_by", "paid_by",
        )
        .annotate(priority=PRIORITY)
    )  # fmt: skip


def visible_reward(user, reward_id) -> CashReward:
    return get_visible(rewards_for(user), reward_id, RewardsError.NOT_FOUND)


def listed(user, *, status: str = "", month: datetime.date | None = None):
    """The caller's rewards, filtered: proposals by priority then age, the rest newest first."""
    rewards = rewards_for(user)
    if status:
        rewards = rewards.filter(status=status)
    if month:
        start, end = month_bounds(month)
        rewards = rewards.filter(proposed_at__gte=start, proposed_at__lt=end)
    if status == CashRewardStatus.PROPOSED:
        return rewards.order_by("-priority", "proposed_at", "id")
    return rewards.order_by("-id")


def payable(user, month: datetime.date | None = None) -> QuerySet[CashReward]:
    """The payout list: approved and not yet paid, optionally those approved in one month;
    without the held ones (see held)."""
    return _approved(user, month).filter(PAYABLE)


def held(user, month: datetime.date | None = None) -> QuerySet[CashReward]:
    """Approved, unpaid rewards left off the payout list: their partner is suspended or
    revoked, or their case is open again (hold_of says which)."""
    return _approved(user, month).exclude(PAYABLE)


def _approved(user, month: datetime.date | None) -> QuerySet[CashReward]:
    if not has_perm(user, Perm.CASH_PAY):
        return CashReward.objects.none()
    rewards = rewards_for(user).filter(status=CashRewardStatus.APPROVED)
    if month:
        start, end = month_bounds(month)
        rewards = rewards.filter(decided_at__gte=start, decided_at__lt=end)
    return rewards.order_by("decided_at", "id")


def my_rewards(user) -> QuerySet[CashReward]:
    partner = partner_of(user)
    if partner is None:
        return CashReward.objects.none()
    return (
        CashReward.objects.filter(partner=partner, status__in=PARTNER_STATUSES)
        .select_related("case")
        .order_by("-decided_at", "-id")
    )


def proposable_reports(user, case: Case) -> list:
    """The reports of this case the user may propose a reward for now: the case is closed,
    the county's rule covers the report (for_cash), the reporter is an active partner, and
    the report has no reward yet."""
    if not has_perm(user, Perm.CASH_PROPOSE) or case.status not in PROPOSABLE_STATUSES:
        return []
    reports = (
        case.reports.filter(partner__status=PartnerStatus.ACTIVE, cash_reward__isnull=True)
        .select_related("partner")
        .order_by("-is_first", "received_at")
    )
    return [r for r in reports if for_cash(r, case)]


def case_rewards(user, case: Case) -> list[CashReward]:
    return list(rewards_for(user).filter(case=case).order_by("id"))
