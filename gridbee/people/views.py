"""People pages: enrolment (apply, follow, review), partners and their standing (动态进出), one's
own profile and certificate card, teams, and the public certificate check (what a QR scan opens).

Views parse, call an action or a scoped query, and render. Who may do what, and which rows they
see, is decided in actions/, queries.py and privacy.py; a refusal (DomainError) is shown to the
person, never as a server error."""

from functools import wraps
from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from gridbee.core.errors import DomainError
from gridbee.geo.models import Grid
from gridbee.geo.queries import region_prefix

from . import actions, presenters
from .actions.enrolment import TRANSITIONS as APPLICATION_STEPS
from .actions.partners import TRANSITIONS as PARTNER_CHANGES
from .choices import (
    ApplicationAction,
    ApplicationStatus,
    PartnerAction,
    PartnerStatus,
    Role,
    StatusReason,
    TeamRole,
)
from .errors import PeopleError
from .forms import ApplicationForm, BindingsForm, DecisionForm, StatusChangeForm
from .models import Application, Certificate, Partner, Station, TeamMember
from .permissions import Perm, has_perm
from .qr import qr_svg
from .queries import applications_for, get_visible, partner_of, partners_for, teams_for

PAGE_SIZE = 30
# Past this many grids in a county the application form asks for typed codes instead of a list.
MAX_GRID_OPTIONS = 3_000

# Which field of the application form an action's refusal concerns: it is shown beside it.
APPLICATION_FIELDS = {
    PeopleError.INVALID_MOBILE: "mobile",
    PeopleError.DUPLICATE_APPLICATION: "mobile",
    PeopleError.INVALID_ID_NUMBER: "id_number",
    PeopleError.WEAK_PASSWORD: "password",
    PeopleError.UNKNOWN_STATION: "station",
    PeopleError.UNKNOWN_GRID: "grid_codes",
    PeopleError.TOO_MANY_GRIDS: "grid_codes",
    PeopleError.RULES_NOT_ACCEPTED: "accepted_rules",
}

# What the buttons say (the choices' labels say what was done: "Recommended").
BUTTONS = {
    ApplicationAction.RECOMMEND: gettext_lazy("Recommend"),
    ApplicationAction.DECLINE: gettext_lazy("Decline"),
    ApplicationAction.APPROVE: gettext_lazy("Approve"),
    ApplicationAction.REJECT: gettext_lazy("Reject"),
    PartnerAction.SUSPEND: gettext_lazy("Suspend"),
    PartnerAction.REVOKE: gettext_lazy("Revoke"),
    PartnerAction.REINSTATE: gettext_lazy("Reinstate"),
}


# --- helpers --------------------------------------------------------------------------------


def needs(perm: Perm):
    """Log in first; then a role without the permission gets a plain 403 page."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not has_perm(request.user, perm):
                return render(request, "people/denied.html", status=403)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _label(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _role_label(role: str) -> str:
    return _("Applicant") if role == "applicant" else _label(Role, role)


def _labelled_steps(steps: list[dict]) -> list[dict]:
    return [
        {
            **s,
            "action_label": _label(ApplicationAction, s["action"]),
            "role_label": _role_label(s["actor_role"]),
        }
        for s in steps
    ]


def _labelled_events(events: list[dict]) -> list[dict]:
    return [
        {
            **e,
            "action_label": _label(PartnerAction, e["action"]),
            "reason_label": _label(StatusReason, e["reason"]) if e["reason"] else "",
        }
        for e in events
    ]


def _shown(request, error: DomainError) -> None:
    """A refusal as a message; "not found" (also "not yours") as a 404."""
    if error.error is PeopleError.NOT_FOUND:
        raise Http404(error.message)
    messages.error(request, error.message)


def _back(request, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _county_grids(county_code: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """A county's grids grouped by community, for a select. Grids are public (they are posted
    on the street); empty past MAX_GRID_OPTIONS, where the codes are typed instead."""
    rows = list(
        Grid.objects.filter(code__startswith=region_prefix(county_code))
        .order_by("code")
        .values_list("code", "name", "community__name")[: MAX_GRID_OPTIONS + 1]
    )
    if len(rows) > MAX_GRID_OPTIONS:
        return []
    return [
        (community, [(code, name) for code, name, _community in grids])
        for community, grids in groupby(rows, key=lambda row: row[2])
    ]


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
                application = actions.submit_application(**form.submission())
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
        if has_perm(user, step.perm):
            return step.source
    return "all"


def _decisions(user, application: Application) -> list[dict]:
    return [
        {
            "action": action,
            "label": BUTTONS[action],
            "needs_reason": step.needs_reason,
            "url": reverse("application-decide", args=[application.pk, action]),
        }
        for action, step in APPLICATION_STEPS.items()
        if step.source == application.status and has_perm(user, step.perm)
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
    back = _back(request, reverse("application-queue"))
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["note"]))
        return redirect(back)
    try:
        application = actions.act_on_application(
            pk, action, actor=request.user, note=form.cleaned_data["note"]
        )
    except DomainError as exc:
        _shown(request, exc)
        return redirect(back)
    done = {
        ApplicationAction.RECOMMEND: _("%(name)s is recommended to the county for review."),
        ApplicationAction.DECLINE: _("%(name)s's application is declined."),
        ApplicationAction.APPROVE: _("%(name)s is approved: partner account and certificate made."),
        ApplicationAction.REJECT: _("%(name)s's application is rejected."),
    }[action]
    messages.success(request, done % {"name": application.name})
    return redirect(back)


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
        partner = get_visible(_partners(user).prefetch_related("events"), pk)
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
        _shown(request, exc)
        return redirect(back)
    done = {
        PartnerAction.SUSPEND: _("%(name)s is suspended."),
        PartnerAction.REVOKE: _("%(name)s's certificate is revoked."),
        PartnerAction.REINSTATE: _("%(name)s is reinstated."),
    }[action]
    messages.success(request, done % {"name": partner.name})
    return redirect(back)


# --- my profile and card (partners) ---------------------------------------------------------


def _own_partner(user) -> Partner | None:
    partner = partner_of(user)
    if partner is None:
        return None
    return (
        Partner.objects.select_related(*_PARTNER_RELATED, "membership__leader__partner")
        .select_related("membership__team__captain")
        .prefetch_related("bindings__grid", "events")
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
            _shown(request, exc)
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


# --- teams (leads, operators, reviewers) ----------------------------------------------------


def _teams(user):
    members = TeamMember.objects.select_related("partner", "leader").order_by("id")
    return (
        teams_for(user)
        .select_related("captain", "county")
        .prefetch_related(Prefetch("members", queryset=members))
    )


def _member(member: TeamMember) -> dict:
    return {
        "partner_id": member.partner_id,
        "name": member.partner.name,
        "status": member.partner.status,
        "status_label": _label(PartnerStatus, member.partner.status),
    }


@needs(Perm.TEAMS_VIEW)
def team_list(request):
    teams = [{"team": team, "size": len(team.members.all())} for team in _teams(request.user)]
    return render(request, "people/team_list.html", {"teams": teams})


@needs(Perm.TEAMS_VIEW)
def team_detail(request, pk: int):
    """三级体系: the captain, each sub-captain with their members, and members not yet
    assigned to a sub-captain."""
    try:
        team = get_visible(_teams(request.user), pk)
    except DomainError as exc:
        raise Http404(exc.message) from None
    members = list(team.members.all())
    sub_captains = [m for m in members if m.role == TeamRole.SUB_CAPTAIN]
    led = {m.pk for m in sub_captains}
    squads = [
        {"leader": _member(s), "members": [_member(m) for m in members if m.leader_id == s.pk]}
        for s in sub_captains
    ]
    unassigned = [
        _member(m) for m in members if m.role != TeamRole.SUB_CAPTAIN and m.leader_id not in led
    ]
    context = {
        "team": team,
        "squads": squads,
        "unassigned": unassigned,
        "size": len(members),
        "can_see_partners": has_perm(request.user, Perm.PARTNERS_VIEW),
    }
    return render(request, "people/team_detail.html", context)


# --- public certificate check ---------------------------------------------------------------


@never_cache
def verify_certificate(request, token: str):
    """What anyone scanning the QR code may know, and nothing more (see verification_out). Never
    cached: a suspension must show at the next scan."""
    certificate = (
        Certificate.objects.select_related("partner__industry", "partner__county")
        .filter(token=token)
        .first()
    )
    context = {"verification": presenters.verification_out(certificate) if certificate else None}
    return render(request, "people/verify.html", context, status=200 if certificate else 404)
