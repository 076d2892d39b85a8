"""The supervisor's page (督办): the county reviewer sees the open cases of their county that
escalated or are past their step's deadline: which step, how late, which department, how many
escalations. It refreshes live when a case of the county moves."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .. import queries
from ..choices import CaseStatus, Urgency
from .console import LIVE_TEXT, _label

MAX_ROWS = 500


def _late_text(minutes: int) -> str:
    days, rest = divmod(minutes, 60 * 24)
    hours, mins = divmod(rest, 60)
    if days:
        return _("%(days)s d %(hours)s h") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": mins}
    return _("%(minutes)s min") % {"minutes": mins}


@login_required
@require_GET
def supervise(request):
    user = request.user
    if not queries.may_supervise(user):
        raise PermissionDenied
    now = timezone.now()
    rows = []
    for case in queries.escalations_for(user, now)[:MAX_ROWS]:
        late = queries.minutes_late(case, now)
        rows.append(
            {
                "case": case,
                "status_label": _label(CaseStatus, case.status),
                "emergency": case.urgency == Urgency.EMERGENCY,
                "minutes_late": late,
                "late_text": _late_text(late) if late else "",
            }
        )
    context = {
        "rows": rows,
        "live_url": reverse("live-queue"),
        "live_text": {k: str(v) for k, v in LIVE_TEXT.items()},
    }
    if request.GET.get("fragment") == "queue":
        return render(request, "cases/_supervise_rows.html", context)
    return render(request, "cases/supervise.html", context)
