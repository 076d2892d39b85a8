"""The linkage forms of the console's case page (五情联动): the operator dispatches an
emergency to a lead and supporting departments; a supporting department signs and reports.
Both go through linkage.py and come back to the case page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridbee.core.errors import DomainError
from gridbee.core.pages import show_refusal

from .. import linkage


@login_required
@require_POST
def dispatch_linked(request, case_id: int):
    try:
        linkage.dispatch_linked(
            case_id,
            actor=request.user,
            lead=request.POST.get("lead", ""),
            supporting=request.POST.getlist("supporting"),
            note=request.POST.get("note", ""),
        )
    except DomainError as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("Dispatched to the linkage."))
    return redirect("console-case", case_id=case_id)


@login_required
@require_POST
def support_step(request, case_id: int, action: str):
    try:
        linkage.support_step(case_id, action, actor=request.user, note=request.POST.get("note", ""))
    except DomainError as error:
        show_refusal(request, error)
    return redirect("console-case", case_id=case_id)
