"""A partner's own profile, grid bindings and printable certificate card."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from gridbee.core.errors import DomainError
from gridbee.core.pages import show_refusal

from .. import actions, presenters
from ..choices import (
    PartnerStatus,
    TeamRole,
)
from ..forms import BindingsForm
from ..models import Certificate, Partner
from ..qr import qr_svg
from ..queries import partner_of
from ._common import (
    _county_grids,
    _label,
)
from .partners import _PARTNER_RELATED, _partner_view

# --- my profile and card (partners) ---------------------------------------------------------


def _own_partner(user) -> Partner | None:
    partner = partner_of(user)
    if partner is None:
        return None
    return (
        Partner.objects.select_related(*_PARTNER_RELATED, "membership__leader__partner")
        .select_related("membership__team__captain")
        .prefetch_related("bindings__grid", "events__actor")
        .get(pk=partner.pk)
    )


def _standing(partner_view: dict) -> dict | None:
    """Why a partner is not active: the latest change, which made them so."""
    if partner_view["status"] == PartnerStatus.ACTIVE or not partner_view["events"]:
        return None
    return partner_view["events"][-1]


@login_required
def me(request):
    partner = _own_partner(request.user)
    if partner is None:
        return render(request, "people/me_none.html")
    view = _partner_view(request.user, partner, events=True)
    codes = [code for code, _name in view["grids"]]
    form = BindingsForm(
        initial={"grid_1": codes[0] if codes else "", "grid_2": codes[1] if len(codes) > 1 else ""}
    )
    membership = getattr(partner, "membership", None)
    context = {
        "partner": view,
        "standing": _standing(view),
        "membership": membership,
        "team_role": _label(TeamRole, membership.role) if membership else "",
        "form": form,
        "grid_groups": _county_grids(partner.county_id) if partner.can_act else [],
        "can_act": partner.can_act,
    }
    return render(request, "people/me.html", context)


@require_POST
@login_required
def me_grids(request):
    """就近绑定: the partner changes their one or two grids."""
    partner = partner_of(request.user)
    if partner is None:
        raise Http404
    form = BindingsForm(request.POST)
    if form.is_valid():
        try:
            actions.bind_grids(partner, form.codes(), actor=request.user)
        except DomainError as exc:
            show_refusal(request, exc)
        else:
            messages.success(request, _("Your grids are saved."))
    return redirect("me")


@never_cache
@login_required
def me_card(request):
    """The printable certificate card, its QR code opening the public check."""
    partner = partner_of(request.user)
    certificate = (
        Certificate.objects.select_related("partner__industry", "partner__county")
        .filter(partner=partner)
        .first()
        if partner
        else None
    )
    if certificate is None:
        raise Http404
    verify_url = request.build_absolute_uri(reverse("verify-certificate", args=[certificate.token]))
    status = presenters.certificate_status(certificate)
    context = {
        "certificate": certificate,
        "partner": certificate.partner,
        "status": status,
        "verify_url": verify_url,
        "qr": qr_svg(verify_url, title=_("Scan to check this certificate")),
    }
    return render(request, "people/card.html", context)
