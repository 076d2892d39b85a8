"""Cash rewards (奖补) in other apps' pages: the panel on a staff member's case page (the
rewards of its reports, and the operator's proposal form), and fen shown as yuan."""

from django import template

from gridbee.cases.choices import Urgency
from gridbee.core.authz import Perm, has_perm

from .. import cash_queries
from ..ledger import rules_for
from ..money import yuan_label
from ..views.cash import reward_view

register = template.Library()


@register.filter
def yuan(fen) -> str:
    """5000 → ¥50.00."""
    return yuan_label(int(fen or 0))


@register.inclusion_tag("rewards/_cash_panel.html", takes_context=True)
def cash_panel(context, case) -> dict:
    user = context["request"].user
    if not cash_queries.handles_cash(user):
        return {"show": False}
    rewards = cash_queries.case_rewards(user, case)
    reports = cash_queries.proposable_reports(user, case)
    amounts = cash_queries.grade_amounts(case.county_id)
    emergency = case.urgency == Urgency.EMERGENCY
    proposer = has_perm(user, Perm.CASH_PROPOSE)
    verifiable = case.status in cash_queries.PROPOSABLE_STATUSES
    return {
        "show": bool(rewards or reports or (proposer and verifiable)),
        "case": case,
        "rows": [reward_view(r) for r in rewards],
        "reports": [{"report": r, "priority": emergency and r.is_first} for r in reports],
        "grades": [(grade, yuan_label(fen)) for grade, fen in amounts.items()],
        "cash_for": rules_for(case.county_id).get_cash_for_display(),
        "csrf_token": context.get("csrf_token"),
        "request": context["request"],
    }
