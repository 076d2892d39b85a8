"""Activity pages: the county's calendar with sign-up and the waiting list, publishing, the
venue's rotating code, the partner's check-in page the code opens, the organiser's scans, and
the volunteer-hour record with its printable certificate and public check page."""

import datetime
import time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridbee.core.authz import Perm, has_perm
from gridbee.core.errors import DomainError
from gridbee.core.pages import needs, show_refusal
from gridbee.geo.maps import MAP_CENTER
from gridbee.people.qr import qr_svg
from gridbee.people.queries import partner_of
from gridbee.people.validators import mask_name
from gridbee.rewards import ledger

from .. import actions_activities as actions
from .. import codes, volunteer
from ..choices import ActivityKind, Recurrence, SignupStatus
from ..models import Signup, VolunteerCertificate
from ..presenters import activity_out, signup_out
from ..queries import activities_for, activities_to_manage, counties_to_choose, get_visible


def _my_statuses(user) -> dict:
    partner = partner_of(user)
    if partner is None:
        return {}
    return dict(Signup.objects.filter(partner=partner).values_list("activity_id", "status"))


@login_required
def activities(request):
    now = timezone.now()
    mine = _my_statuses(request.user)
    rows = [
        activity_out(a, my_status=mine.get(a.pk))
        for a in activities_for(request.user).filter(ends_at__gte=now)[:100]
    ]
    return render(request, "services/activities.html", {
        "rows": rows, "can_manage": has_perm(request.user, Perm.ACTIVITIES_MANAGE),
        "is_partner": partner_of(request.user) is not None,
    })  # fmt: skip


@login_required
def activity(request, pk: int):
    try:
        found = get_visible(activities_for(request.user), pk)
    except DomainError as exc:
        raise Http404(exc.message) from None
    partner = partner_of(request.user)
    signup = Signup.objects.filter(activity=found, partner=partner).first() if partner else None
    can_manage = activities_to_manage(request.user).filter(pk=found.pk).exists()
    signups = []
    if can_manage:
        signups = [signup_out(s) for s in found.signups.select_related("partner", "activity")]
    return render(request, "services/activity.html", {
        "a": activity_out(found, my_status=signup.status if signup else None),
        "signup": signup_out(signup) if signup else None, "can_manage": can_manage,
        "signups": signups, "is_partner": partner is not None,
    })  # fmt: skip


@require_POST
@login_required
def sign_up(request, pk: int):
    try:
        if request.POST.get("do") == "cancel":
            actions.cancel_signup(pk, actor=request.user)
            messages.success(request, _("Your sign-up was cancelled."))
        else:
            signup = actions.sign_up(pk, actor=request.user)
            if signup.status == SignupStatus.WAITING:
                messages.success(request, _("The activity is full: you are on the waiting list."))
            else:
                messages.success(request, _("You are signed up."))
    except DomainError as exc:
        show_refusal(request, exc)
    return redirect("activity", pk=pk)


@needs(Perm.ACTIVITIES_MANAGE)
def publish(request):
    values = {}
    if request.method == "POST":
        values = request.POST.dict()
        data = {**values}
        for name in ("starts_at", "ends_at", "signup_opens_at", "signup_closes_at"):
            data[name] = _local(values.get(name))
        try:
            made = actions.publish(data, actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Published: %(n)d date(s).") % {"n": len(made)})
            return redirect("activity", pk=made[0].pk)
    return render(request, "services/activity_publish.html", {
        "kinds": ActivityKind.choices, "recurrences": Recurrence.choices, "values": values,
        "center": MAP_CENTER, "counties": counties_to_choose(request.user),
        "chosen_county": values.get("county"),
    })  # fmt: skip


def _local(value):
    """A datetime-local field (no zone): the county's local time."""
    if not value:
        return None
    try:
        return timezone.make_aware(datetime.datetime.fromisoformat(value))
    except ValueError:
        return "bad"


# --- the venue's code and the check-in page it opens ----------------------------------------


@needs(Perm.ACTIVITIES_MANAGE)
def venue_code(request, pk: int):
    try:
        found = get_visible(activities_to_manage(request.user), pk)
    except DomainError as exc:
        raise Http404(exc.message) from None
    return render(request, "services/activity_code.html", {"a": found, **_code(request, found)})


@needs(Perm.ACTIVITIES_MANAGE)
def venue_code_fragment(request, pk: int):
    """The code alone, fetched by the venue page every few seconds."""
    try:
        found = get_visible(activities_to_manage(request.user), pk)
    except DomainError as exc:
        raise Http404(exc.message) from None
    return render(request, "services/_code.html", _code(request, found))


def _code(request, found) -> dict:
    now = time.time()
    code = codes.code_for(found, now)
    url = request.build_absolute_uri(f"{reverse('activity-check', args=[found.pk])}?code={code}")
    return {"code": code, "url": url, "qr": qr_svg(url, title=_("Check-in code")),
            "seconds_left": codes.seconds_left(now)}  # fmt: skip


@login_required
def check(request, pk: int):
    """Opened by scanning the venue's code: the phone adds its position, the partner confirms."""
    try:
        found = get_visible(activities_for(request.user), pk)
    except DomainError as exc:
        raise Http404(exc.message) from None
    code = request.POST.get("code") or request.GET.get("code", "")
    partner = partner_of(request.user)
    result = None
    if request.method == "POST":
        try:
            result = actions.check_by_code(
                pk, actor=request.user, code=code, lat=request.POST.get("lat"),
                lon=request.POST.get("lon"), accuracy_m=request.POST.get("accuracy") or None,
                direction=request.POST.get("direction", "in"),
            )  # fmt: skip
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            if result.checked_out_at:
                messages.success(request, _("Checked out."))
            else:
                messages.success(request, _("Checked in. Scan the code again when you leave."))
    signup = Signup.objects.filter(activity=found, partner=partner).first() if partner else None
    return render(request, "services/activity_check.html", {
        "a": activity_out(found), "code": code, "signup": signup,
        "balance": ledger.balance(partner) if partner else 0,
    })  # fmt: skip


@needs(Perm.ACTIVITIES_MANAGE)
def scan(request, pk: int):
    """The organiser scans (or types) a partner's certificate QR: in, later out."""
    try:
        found = get_visible(activities_to_manage(request.user), pk)
    except DomainError as exc:
        raise Http404(exc.message) from None
    if request.method == "POST":
        try:
            signup = actions.check_by_certificate(pk, request.POST.get("certificate", ""),
                                                  actor=request.user)  # fmt: skip
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            what = _("checked out") if signup.checked_out_at else _("checked in")
            messages.success(request, f"{signup.partner.name}: {what}")
        return redirect("activity-scan", pk=pk)
    return render(request, "services/activity_scan.html", {"a": found})


# --- volunteer hours -----------------------------------------------------------------------


@login_required
def my_record(request):
    partner = partner_of(request.user)
    if partner is None:
        raise Http404
    return render(request, "services/volunteer.html", {
        "record": volunteer.record_of(partner), "balance": ledger.balance(partner),
        "partner": partner,
    })  # fmt: skip


@login_required
def certificate(request):
    partner = partner_of(request.user)
    if partner is None:
        raise Http404
    cert = volunteer.certificate_for(partner)
    url = request.build_absolute_uri(reverse("volunteer-check", args=[cert.token]))
    return render(request, "services/volunteer_certificate.html", {
        "cert": cert, "partner": partner, "record": volunteer.record_of(partner),
        "qr": qr_svg(url, title=_("Check this certificate")), "issuer": partner.county.name,
    })  # fmt: skip


def public_check(request, token: str):
    cert = (
        VolunteerCertificate.objects.filter(token=token[:40])
        .select_related("partner__county")
        .first()
    )
    if cert is None:
        raise Http404
    record = volunteer.record_of(cert.partner)
    return render(request, "services/volunteer_check.html", {
        "cert": cert, "name": mask_name(cert.partner.name), "record": record,
        "issuer": cert.partner.county.name,
    })  # fmt: skip
