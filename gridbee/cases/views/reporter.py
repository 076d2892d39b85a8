"""The reporter's own case page (件件有回应): every step of the case as it happens (live), the
messages they got, and once the case is closed their rating (满意度) and, within 7 days, a
reopening. Writes go through workflow.act like the staff's."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from gridbee.cases.models import Photo
from gridbee.core.errors import DomainError

from .. import presenters, workflow
from ..choices import CaseEventKind, CaseStatus, Rating, Urgency
from ..models import Case, Message
from .console import LIVE_TEXT, _label

REPORTER_STEPS = (CaseEventKind.RATE, CaseEventKind.REOPEN)


def _reporters_case(user, case_id) -> Case:
    case = (
        Case.objects.filter(pk=case_id, reports__partner__user=user)
        .select_related("category", "grid", "department")
        .first()
    )
    if case is None:
        raise Http404
    return case


def _may_reopen(case: Case) -> bool:
    if case.status != CaseStatus.CLOSED or case.closed_at is None:
        return False
    return timezone.now() - case.closed_at <= datetime.timedelta(days=workflow.REOPEN_DAYS)


def _progress(request, case: Case) -> dict:
    """What the live part of the page shows: state, the reporter's steps, timeline, messages."""
    closed = case.status == CaseStatus.CLOSED
    return {
        "case": case,
        "status_label": _label(CaseStatus, case.status),
        "emergency": case.urgency == Urgency.EMERGENCY,
        # The same presentation as the API gives a reporter (presenters.py).
        "timeline": presenters.for_page(
            presenters.timeline(presenters.events_of(case), presenters.REPORTER)
        ),
        "reporter": True,
        "rating_label": _label(Rating, case.rating) if case.rating else "",
        "ratings": Rating.choices if closed else [],
        "may_reopen": _may_reopen(case),
        "messages_for_me": Message.objects.filter(recipient=request.user, case=case),
    }


@login_required
@require_GET
def reporter_case(request, case_id: int):
    case = _reporters_case(request.user, case_id)
    context = _progress(request, case)
    if request.GET.get("fragment") == "timeline":
        return render(request, "cases/_reporter_progress.html", context)
    return render(request, "cases/reporter_case.html", _page(request, case, context))


def _page(request, case: Case, context: dict) -> dict:
    my_reports = case.reports.filter(partner__user=request.user)
    return {
        **context,
        "live_url": reverse("live-case", args=[case.pk]),
        "live_text": {k: str(v) for k, v in LIVE_TEXT.items()},
        "photo_ids": Photo.objects.filter(report__in=my_reports).values_list("pk", flat=True),
    }


@login_required
@require_POST
def reporter_step(request, case_id: int, action: str):
    """Rate the result (满意/基本满意/不满意) or reopen the case, from the reporter's page."""
    case = _reporters_case(request.user, case_id)
    if action not in REPORTER_STEPS:
        raise Http404
    try:
        workflow.act(
            case.pk,
            action,
            actor=request.user,
            note=request.POST.get("note", ""),
            reason=request.POST.get("reason", ""),
        )
    except DomainError as error:
        case = _reporters_case(request.user, case_id)
        context = _page(request, case, _progress(request, case))
        context.update({"error": error, "failed_action": action})
        return render(request, "cases/reporter_case.html", context, status=error.status)
    messages.success(request, _("Thank you: %(step)s.") % {"step": _label(CaseEventKind, action)})
    return redirect("reporter-case", case_id=case.pk)
