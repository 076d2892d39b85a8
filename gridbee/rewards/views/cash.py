"""Cash reward pages (奖补): the queue of proposals the county reviewer approves or refuses
(operators follow their proposals there), the payout page (approved and unpaid, exports, marked
paid with a reference), the operator's proposal from a case page, and the partner's own list.
Views read through cash_queries and write only through actions.cash; a refusal comes back as a
message, "not found" (also "not yours") as a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gridbee.cases.models import Report
from gridbee.core.authz import Perm, has_perm
from gridbee.core.errors import DomainError
from gridbee.core.pages import back_to, needs, show_refusal

from .. import cash_queries, periods
from ..actions import cash as actions
from ..choices import CashRewardStatus as S
from ..errors import RewardsError
from ..money import yuan_label

PAGE_SIZE = 30
# The people pages' badge colours, reused: waiting, good, refused, done.
BADGES = {S.PROPOSED: "submitted", S.APPROVED: "approved", S.REFUSED: "rejected", S.PAID: "active"}


def reward_view(reward) -> dict:
    hold = cash_queries.hold_of(reward)
    return {
        "reward": reward,
        "amount": yuan_label(reward.amount_fen),
        "status_label": S(reward.status).label,
        "badge": BADGES.get(reward.status, reward.status),
        "priority": bool(getattr(reward, "priority", False)),
        "held": hold.label if hold else "",
    }


# --- the queue (reviewer decides, operator follows) -----------------------------------------


@require_GET
@needs(Perm.CASH_VIEW)
def queue(request):
    user = request.user
    status = request.GET.get("status", S.PROPOSED)
    status = status if status in S.values or status == "all" else S.PROPOSED
    rewards = cash_queries.listed(user, status="" if status == "all" else status)
    page = Paginator(rewards, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = dict.fromkeys(S.values, 0)
    by_status = cash_queries.rewards_for(user).order_by().values("status").annotate(n=Count("id"))
    counts.update({row["status"]: row["n"] for row in by_status})
    tabs = [{"value": v, "label": S(v).label, "count": counts[v]} for v in S.values]
    return render(
        request,
        "rewards/cash_queue.html",
        {
            "rows": [reward_view(r) for r in page.object_list],
            "page": page,
            "keep": urlencode({"status": status}) + "&",
            "tabs": tabs,
            "status": status,
            "can_decide": has_perm(user, Perm.CASH_DECIDE),
            "can_pay": has_perm(user, Perm.CASH_PAY),
        },
    )


@require_POST
@needs(Perm.CASH_DECIDE)
def decide(request, pk: int):
    approve = request.POST.get("decision") == "approve"
    try:
        reward = actions.decide(pk, approve, request.POST.get("note", ""), actor=request.user)
    except DomainError as error:
        show_refusal(request, error)
    else:
        amount = yuan_label(reward.amount_fen)
        done = _("Approved: %(amount)s.") % {"amount": amount} if approve else _("Refused.")
        messages.success(request, done)
    return redirect(back_to(request, reverse("cash-queue")))


# --- payouts ---------------------------------------------------------------------------------


@require_GET
@needs(Perm.CASH_PAY)
def payout_page(request):
    month_text = request.GET.get("month", "")
    try:
        month = periods.parse_month(month_text)
    except DomainError as error:
        messages.error(request, error.message)
        month, month_text = None, ""
    rewards = list(cash_queries.payable(request.user, month)[:500])
    held = list(cash_queries.held(request.user, month)[:500])
    own = set(actions.left_to_another(rewards, request.user))
    export = reverse("api:payout_export")
    month_query = {"month": month_text} if month_text else {}
    return render(
        request,
        "rewards/payouts.html",
        {
            # Those the viewer approved come unticked: another person marks them paid.
            "rows": [{**reward_view(r), "left_to_another": r.pk in own} for r in rewards],
            "held_rows": [reward_view(r) for r in held],
            "total": yuan_label(sum(r.amount_fen for r in rewards)),
            "month": month_text,
            # The files come from the API (api/cash.py), which the session authenticates.
            "xlsx_url": f"{export}?{urlencode({'format': 'xlsx', **month_query})}",
            "csv_url": f"{export}?{urlencode({'format': 'csv', **month_query})}",
        },
    )


@require_POST
@needs(Perm.CASH_PAY)
def mark_paid(request):
    ids = request.POST.getlist("reward")
    try:
        paid = actions.mark_paid(ids, request.POST.get("reference", ""), actor=request.user)
    except DomainError as error:
        show_refusal(request, error)
    else:
        total = yuan_label(sum(r.amount_fen for r in paid))
        messages.success(
            request,
            _("Marked %(count)d rewards paid, %(total)s in all.")
            % {"count": len(paid), "total": total},
        )
    return redirect(back_to(request, reverse("cash-payouts")))


# --- the operator's proposal, from the case page ----------------------------------------------


@require_POST
@needs(Perm.CASH_PROPOSE)
def propose(request, case_id: int):
    post = request.POST
    try:
        report_case = _report_case(post.get("report"))
        if report_case != case_id:
            raise DomainError(RewardsError.NOT_FOUND)
        reward = actions.propose(
            post.get("report"), post.get("grade"), post.get("reason", ""), actor=request.user
        )
    except DomainError as error:
        show_refusal(request, error)
    else:
        messages.success(
            request,
            _("Cash reward proposed: grade %(grade)d, %(amount)s. The county reviewer decides.")
            % {"grade": reward.grade, "amount": yuan_label(reward.amount_fen)},
        )
    return redirect(reverse("console-case", args=[case_id]) + "#cash-rewards")


def _report_case(report_id) -> int | None:
    try:
        return Report.objects.filter(pk=int(report_id)).values_list("case_id", flat=True).first()
    except (TypeError, ValueError):
        return None


# --- the partner's own -----------------------------------------------------------------------


@require_GET
@login_required
def mine(request):
    rewards = list(cash_queries.my_rewards(request.user)[:200])
    paid = sum(r.amount_fen for r in rewards if r.status == S.PAID)
    due = sum(r.amount_fen for r in rewards if r.status == S.APPROVED)
    return render(
        request,
        "rewards/cash_mine.html",
        {
            "rows": [reward_view(r) for r in rewards],
            "paid_total": yuan_label(paid),
            "due_total": yuan_label(due),
        },
    )
