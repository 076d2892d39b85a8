"""Merge and split of duplicate cases from the operator's case page: the same actions as
/api/cases/{id}/merge and /split, posted as forms."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from gridbee.core.errors import DomainError

from .. import actions
from ..errors import CaseError
from .console import _staff_case, refused


def _ids(values) -> list[int]:
    """Case or report numbers from checkboxes and a free text field ("#12, 15")."""
    found = []
    for value in values:
        found += [int(n) for n in re.findall(r"\d{1,12}", value or "")]
    return list(dict.fromkeys(found))[:50]


@login_required
@require_POST
def merge(request, case_id: int):
    """Fold the chosen duplicates into this case (合并)."""
    case = _staff_case(request.user, case_id)
    sources = _ids([*request.POST.getlist("source_ids"), request.POST.get("other_ids", "")])
    try:
        if not sources:
            raise DomainError(CaseError.MERGE_MISMATCH)
        actions.merge_cases(case.pk, sources, actor=request.user, note=request.POST.get("note", ""))
    except DomainError as error:
        return refused(request, case.pk, error, "merge")
    merged = ", ".join(f"#{pk}" for pk in sources)
    messages.success(request, _("Merged %(cases)s into this case.") % {"cases": merged})
    return redirect("console-case", case_id=case.pk)


@login_required
@require_POST
def split(request, case_id: int):
    """Take the chosen reports out into a new case (拆分); answers the new case's page."""
    case = _staff_case(request.user, case_id)
    reports = _ids(request.POST.getlist("report_ids"))
    try:
        if not reports:
            raise DomainError(CaseError.SPLIT_INVALID)
        new = actions.split_case(
            case.pk, reports, actor=request.user, note=request.POST.get("note", "")
        )
    except DomainError as error:
        return refused(request, case.pk, error, "split")
    messages.success(request, _("Split off as case #%(id)s.") % {"id": new.pk})
    return redirect("console-case", case_id=new.pk)
