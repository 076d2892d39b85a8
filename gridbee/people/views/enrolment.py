"""Applying (public) and reviewing applications (stations, the county)."""

from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from gridbee.core.authz import Perm, has_perm
from gridbee.core.errors import DomainError
from gridbee.core.pages import back_to, needs, show_refusal

from .. import actions, presenters
from ..actions.enrolment import TRANSITIONS as APPLICATION_STEPS
from ..addresses import client_address
from ..choices import (
    ApplicationAction,
    ApplicationStatus,
)
from ..forms import ApplicationForm, DecisionForm
from ..models import Application, Station
from ..qr import qr_svg
from ..queries import applications_for
from ._common import (
    APPLICATION_FIELDS,
    BUTTONS,
    PAGE_SIZE,
    _county_grids,
    _label,
    _labelled_steps,
)

# --- applying (public) ----------------------------------------------------------------------


def _station_groups() -> tuple[list, dict[int, Station]]:
    stations = list(
        Station.objects.select_related("company__industry", "county").order_by(
            "county__code", "name"
        )
    )
    groups = [(county, list(items)) for county, items in groupby(stations, key=lambda s: s.county)]
    return groups, {s.pk: s for s in stations}


def _chosen_station(raw, stations: dict[int, Station]) -> Station | None:
    raw = str(raw or "").strip()
    return stations.get(int(raw)) if raw.isdigit() else None


def apply(request):
    """个人自愿: anyone may apply; the status link is the applicant's only way back."""
    groups, stations = _station_groups()
    if request.method == "POST":
        form = ApplicationForm(request.POST)
        if form.is_valid():
            try:
                application = actions.submit_application(
                    **form.submission(), address=client_address(request)
                )
            except DomainError as exc:
                form.add_error(APPLICATION_FIELDS.get(exc.error), exc.message)
            else:
                messages.success(request, _("Your application is sent."))
                return redirect("application-status", application.status_token)
    else:
        form = ApplicationForm(initial={"station": request.GET.get("station", "")})
    station = _chosen_station(form["station"].value(), stations)
    context = {
        "form": form,
        "station_groups": groups,
        "station": station,
        "grid_groups": _county_grids(station.county_id) if station else [],
    }
    return render(request, "people/apply.html", context)


def apply_grids(request):
    """The grid choices of the chosen station's county (the form asks for them with htmx)."""
    _groups, stations = _station_groups()
    station = _chosen_station(request.GET.get("station"), stations)
    context = {
        "form": ApplicationForm(),
        "station": station,
        "grid_groups": _county_grids(station.county_id) if station else [],
    }
    return render(request, "people/_apply_grids.html", context)


@never_cache
def application_status(request, token: str):
    """The applicant's view of their application through its secret link (kept out of shared
    caches, as the card and the check are)."""
    application = (
        Application.objects.select_related("station", "industry", "county")
        .prefetch_related("steps", "grids")
        .filter(status_token=token)
        .first()
    )
    if application is None:
        raise Http404
    context = {
        "application": application,
        "status_label": _label(ApplicationStatus, application.status),
        "steps": _labelled_steps(presenters.steps(application)),
        "link": request.build_absolute_uri(),
    }
    return render(request, "people/application_status.html", context)


# --- reviewing (station, county) ------------------------------------------------------------


def _default_status(user) -> str:
    """What the viewer acts on: a station the submitted applications, a reviewer the
    recommended ones."""
    for step in APPLICATION_STEPS.values():
        if has_perm(user, step.who):
            return step.sources[0]
    return "all"


def _decisions(user, application: Application) -> list[dict]:
    return [
        {
            "action": action,
            "label": BUTTONS[action],
            "needs_reason": step.note,
            "url": reverse("application-decide", args=[application.pk, action]),
        }
        for action, step in APPLICATION_STEPS.items()
        if application.status in step.sources and has_perm(user, step.who)
    ]


@needs(Perm.APPLICATIONS_VIEW)
def application_queue(request):
    user = request.user
    scoped = applications_for(user)
    counts = dict(scoped.order_by().values_list("status").annotate(n=Count("id")))
    status = request.GET.get("status") or _default_status(user)
    if status not in ApplicationStatus.values:
        status = "all"
    shown = scoped if status == "all" else scoped.filter(status=status)
    shown = shown.select_related("industry", "station", "county").prefetch_related("grids", "steps")
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for application in page:
        out = presenters.application_out(user, application)
        out["steps"] = _labelled_steps(out["steps"])
        out["status_label"] = _label(ApplicationStatus, application.status)
        out["county"] = application.county.name
        out["partner_id"] = application.partner_id
        rows.append({"application": out, "decisions": _decisions(user, application)})
    tabs = [
        {"value": value, "label": label, "count": counts.get(value, 0)}
        for value, label in ApplicationStatus.choices
    ] + [{"value": "all", "label": _("All"), "count": sum(counts.values())}]
    context = {
        "rows": rows,
        "page": page,
        "status": status,
        "keep": urlencode({"status": status}) + "&",
        "tabs": tabs,
        "can_see_partners": has_perm(user, Perm.PARTNERS_VIEW),
    }
    if has_perm(user, Perm.APPLICATIONS_RECOMMEND) and user.station_id:
        # The station's own link to the form, its station chosen, to share with its staff.
        link = request.build_absolute_uri(f"{reverse('apply')}?station={user.station_id}")
        context["share"] = {"link": link, "qr": qr_svg(link, title=_("Application form"))}
    return render(request, "people/application_queue.html", context)


@require_POST
@login_required
def application_decide(request, pk: int, action: str):
    if action not in APPLICATION_STEPS:
        raise Http404
    back = back_to(request, reverse("application-queue"))
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["note"]))
        return redirect(back)
    try:
        application = actions.act_on_application(
            pk, action, actor=request.user, note=form.cleaned_data["note"]
        )
    except DomainError as exc:
        show_refusal(request, exc)
        return redirect(back)
    done = {
        ApplicationAction.RECOMMEND: _("%(name)s is recommended to the county for review."),
        ApplicationAction.DECLINE: _("%(name)s's application is declined."),
        ApplicationAction.APPROVE: _("%(name)s is approved: partner account and certificate made."),
        ApplicationAction.REJECT: _("%(name)s's application is rejected."),
    }[action]
    messages.success(request, done % {"name": application.name})
    return redirect(back)
