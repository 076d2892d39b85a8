"""Partners for staff: lists, profiles, status changes (动态进出)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridbee.core.authz import Perm, has_perm
from gridbee.core.errors import DomainError
from gridbee.core.pages import needs, show_refusal

from .. import actions, presenters
from ..actions.partners import TRANSITIONS as PARTNER_CHANGES
from ..choices import (
    PartnerAction,
    PartnerStatus,
    StatusReason,
)
from ..forms import StatusChangeForm
from ..models import Partner
from ..queries import get_visible, partners_for
from ._common import (
    BUTTONS,
    PAGE_SIZE,
    _label,
    _labelled_events,
)

# --- partners (staff) -----------------------------------------------------------------------

_PARTNER_RELATED = ["user", "industry", "station", "county", "certificate", "membership__team"]


def _partners(user):
    return partners_for(user).select_related(*_PARTNER_RELATED).prefetch_related("bindings__grid")


def _partner_view(viewer, partner: Partner, *, events: bool = False) -> dict:
    out = presenters.partner_out(viewer, partner, events=events)
    out["status_label"] = _label(PartnerStatus, partner.status)
    out["county"] = partner.county.name
    out["grids"] = [(b.grid.code, b.grid.name) for b in partner.bindings.all()]
    if events:
        out["events"] = _labelled_events(out["events"])
    return out


@needs(Perm.PARTNERS_VIEW)
def partner_list(request):
    partners = _partners(request.user)
    status = request.GET.get("status", "")
    if status in PartnerStatus.values:
        partners = partners.filter(status=status)
    query = request.GET.get("q", "").strip()[:50]
    if query:
        partners = partners.filter(name__icontains=query)
    page = Paginator(partners, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "partners": [_partner_view(request.user, p) for p in page],
        "page": page,
        "status": status,
        "query": query,
        "keep": urlencode({"status": status, "q": query}) + "&",
        "statuses": PartnerStatus.choices,
    }
    return render(request, "people/partner_list.html", context)


@needs(Perm.PARTNERS_VIEW)
def partner_detail(request, pk: int):
    user = request.user
    try:
        partner = get_visible(_partners(user).prefetch_related("events__actor"), pk)
    except DomainError as exc:
        raise Http404(exc.message) from None
    changes = []
    if has_perm(user, Perm.PARTNERS_MANAGE):
        changes = [
            {
                "action": action,
                "label": BUTTONS[action],
                "url": reverse("partner-change", args=[partner.pk, action]),
            }
            for action, change in PARTNER_CHANGES.items()
            if partner.status in change.sources
        ]
    context = {
        "partner": _partner_view(user, partner, events=True),
        "changes": changes,
        "reasons": StatusReason.choices,
    }
    return render(request, "people/partner_detail.html", context)


@require_POST
@login_required
def partner_change(request, pk: int, action: str):
    """动态进出: suspend, revoke or reinstate, with a reason."""
    if action not in PARTNER_CHANGES:
        raise Http404
    back = reverse("partner-detail", args=[pk])
    form = StatusChangeForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(back)
    try:
        partner = actions.change_partner_status(
            pk,
            action,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
        )
    except DomainError as exc:
        show_refusal(request, exc)
        return redirect(back)
    done = {
        PartnerAction.SUSPEND: _("%(name)s is suspended."),
        PartnerAction.REVOKE: _("%(name)s's certificate is revoked."),
        PartnerAction.REINSTATE: _("%(name)s is reinstated."),
    }[action]
    messages.success(request, done % {"name": partner.name})
    return redirect(back)
