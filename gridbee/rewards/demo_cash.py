"""Demo cash rewards (奖补) for the demo county: a few proposals on closed demo cases within the
county's rule (cash_queries.for_cash), some approved (so the payout list has rows), made
through the real actions.

Whoever approves a reward may not also mark it paid (the county's rule, on by default): the
administrator approved the demo's, so the county reviewer can pay them; what the reviewer
approves in the queue, the administrator pays."""

from gridbee.cases.choices import CaseStatus
from gridbee.cases.models import Report
from gridbee.people.choices import PartnerStatus, Role
from gridbee.people.models import User

from . import cash_queries
from .actions import cash

REASONS = ["首报及时, 照片清楚", "发现及时, 避免了事故", "描述准确, 定位精确", "夜间巡查中发现"]


def create_demo_cash_rewards() -> int:
    """Propose up to four rewards (the first reports first), approve the first two; returns
    how many were proposed."""
    operator = User.objects.filter(role=Role.OPERATOR, region__isnull=False).first()
    approver = User.objects.filter(role=Role.ADMIN, is_active=True).first()
    if operator is None or approver is None:
        return 0
    candidates = (
        Report.objects.filter(
            case__status=CaseStatus.CLOSED,
            case__county_id=operator.region_id,
            partner__status=PartnerStatus.ACTIVE,
        )
        .select_related("case")
        .order_by("-is_first", "pk")
    )
    reports = [r.pk for r in candidates if cash_queries.for_cash(r, r.case)][:4]
    for n, report_id in enumerate(reports):
        reward = cash.propose(report_id, n % 4 + 1, REASONS[n % len(REASONS)], actor=operator)
        if n < 2:
            cash.decide(reward.pk, True, "", actor=approver)
    return len(reports)
