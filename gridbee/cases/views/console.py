"""Case pages for staff: the operators' console (queue, map, case page with the steps allowed
now) and the department's list. Their live streams are in streams.py, the reporter's own case
page in reporter.py.

Views read through queries.py (scoped to the caller) and write only through workflow.act; a
refused step answers the page again with the domain error's message and its HTTP status."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case as Switch
from django.db.models import IntegerField, Value, When
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from gridbee.cases.models import Category
from gridbee.core.authz import Perm, has_perm
from gridbee.core.errors import DomainError
from gridbee.core.media import read_upload
from gridbee.core.routers import replica_reads
from gridbee.geo.maps import MAP_CENTER
from gridbee.people.choices import Role
from gridbee.people.models import Department

from .. import crowd, kinds, linkage, presenters, queries, workflow
from ..choices import OPEN_STATUSES, CaseEventKind, CaseStatus, Rating, RejectReason, Urgency
from ..indicators import indicators
from ..models import Case, EventPhoto, Extension

PAGE_SIZE = 50
MAX_MARKERS = 1000
# What each step's button says (the timeline uses CaseEventKind's past-tense labels).
ACTION_LABELS = {
    CaseEventKind.ACCEPT: _("Accept"),
    CaseEventKind.REJECT: _("Do not accept"),
    CaseEventKind.DISPATCH: _("Dispatch"),
    CaseEventKind.RETURN: _("Hand back"),
    CaseEventKind.SIGN: _("Sign for"),
    CaseEventKind.ARRIVE: _("Mark arrival"),
    CaseEventKind.HANDLE: _("Report the result"),
    CaseEventKind.VERIFY_PASS: _("Verify and close"),
    CaseEventKind.VERIFY_FAIL: _("Send back for rework"),
    CaseEventKind.HOLD: _("Put on hold"),
    CaseEventKind.RESUME: _("Resume"),
    CaseEventKind.REQUEST_EXTENSION: _("Request an extension"),
    CaseEventKind.APPROVE_EXTENSION: _("Approve the extension"),
    CaseEventKind.REFUSE_EXTENSION: _("Refuse the extension"),
}
EXTENSION_DECISIONS = {CaseEventKind.APPROVE_EXTENSION, CaseEventKind.REFUSE_EXTENSION}
LIVE_TEXT = {
    "newEmergency": _("New emergency: case #%(id)s"),
    "changed": _("This case has changed since the page was loaded."),
    "reload": _("Reload"),
    "offline": _("Live updates paused; reconnecting…"),
    "live": _("Live"),
}


def _require_view(user) -> None:
    if not has_perm(user, Perm.CASES_VIEW):
        raise PermissionDenied


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


# -- the console's queue --------------------------------------------------------------------


def _filters(request) -> dict:
    """The queue's filters from the query string; unknown values are ignored."""
    get = request.GET
    return {
        "status": get.get("status") if get.get("status") in OPEN_STATUSES else "",
        "urgency": get.get("urgency") if get.get("urgency") in Urgency.values else "",
        "grid": get.get("grid", "")[:15],
        "category": get.get("category", "")[:50],
        "department": get.get("department", "")[:30],
        "overdue": get.get("overdue") == "1",
    }


def open_queue(user, filters: dict):
    """The open cases in the user's scope, filtered, emergencies first, then the oldest step
    deadline; one query with everything a row shows."""
    cases = (
        queries.cases_for(user)
        .filter(status__in=OPEN_STATUSES)
        .select_related("category", "grid", "region", "department")
    )
    if filters["status"]:
        cases = cases.filter(status=filters["status"])
    if filters["urgency"]:
        cases = cases.filter(urgency=filters["urgency"])
    if filters["grid"]:
        cases = cases.filter(grid__code=filters["grid"])
    if filters["category"]:
        cases = cases.filter(category__code=filters["category"])
    if filters["department"]:
        cases = cases.filter(department__code=filters["department"])
    if filters["overdue"]:
        cases = cases.filter(step_deadline_at__lt=timezone.now())
    emergency_first = Switch(
        When(urgency=Urgency.EMERGENCY, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return cases.annotate(emergency_first=emergency_first).order_by(
        "emergency_first", "-opened_at", "-id"
    )


def _rows(cases) -> list[dict]:
    now = timezone.now()
    return [
        {
            "case": c,
            "status_label": _label(CaseStatus, c.status),
            "emergency": c.urgency == Urgency.EMERGENCY,
            "overdue": bool(c.step_deadline_at and c.step_deadline_at < now),
        }
        for c in cases
    ]


def _map_config(markers: list[dict], center=None, zoom=14) -> dict:
    return {
        "center": center or MAP_CENTER,
        "zoom": zoom,
        "tileUrl": settings.TILE_URL,
        "markers": markers,
    }


def _markers(cases) -> list[dict]:
    rows = cases.values_list("pk", "lat", "lon", "urgency", "category__name")[:MAX_MARKERS]
    return [
        {
            "id": pk,
            "lat": lat,
            "lon": lon,
            "emergency": urgency == Urgency.EMERGENCY,
            "label": f"#{pk} {name}",
            "url": reverse("console-case", args=[pk]),
        }
        for pk, lat, lon, urgency, name in rows
    ]


@login_required
@require_GET
@replica_reads
def console(request):
    user = request.user
    _require_view(user)
    filters = _filters(request)
    cases = open_queue(user, filters)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("fragment", None)
    context = {
        "page": page,
        "rows": _rows(page.object_list),
        "filters": filters,
        "query": query.urlencode(),
        "map_config": _map_config(_markers(cases)),
    }
    if request.GET.get("fragment") == "queue":
        return render(request, "cases/_queue.html", context)
    in_scope = queries.cases_for(user).filter(status__in=OPEN_STATUSES)
    context.update(
        {
            "statuses": [(s, _label(CaseStatus, s)) for s in OPEN_STATUSES],
            "urgencies": Urgency.choices,
            "grids": in_scope.exclude(grid=None)
            .order_by("grid__code")
            .values_list("grid__code", "grid__name")
            .distinct(),
            "categories": Category.objects.filter(active=True).values_list("code", "name"),
            "departments": in_scope.exclude(department=None)
            .order_by("department__code")
            .values_list("department__code", "department__name")
            .distinct(),
            "live_url": reverse("live-queue"),
            "live_text": {k: str(v) for k, v in LIVE_TEXT.items()},
        }
    )
    return render(request, "cases/console.html", context)


# -- a case, for staff ----------------------------------------------------------------------


def allowed_steps(user, case: Case, pending_extension) -> list[str]:
    """The steps of the case's kind this user may take on this case now."""
    steps = []
    for action, step in kinds.of(case).steps.items():
        if step.who == kinds.REPORTER or case.status not in step.sources:
            continue
        if not has_perm(user, step.who) or workflow.supports_only(user, case, step):
            continue
        if action in EXTENSION_DECISIONS and pending_extension is None:
            continue
        if action == CaseEventKind.HANDLE and workflow.arrival_needed(case):
            continue
        steps.append(action)
    return steps


def _step_forms(user, case: Case, pending_extension) -> list[dict]:
    forms = []
    for action in allowed_steps(user, case, pending_extension):
        step = kinds.of(case).steps[action]
        reasons = []
        if step.reasons:
            choices = RejectReason if action == CaseEventKind.REJECT else Rating
            reasons = [(r, _label(choices, r)) for r in step.reasons]
        forms.append(
            {
                "action": action,
                "label": ACTION_LABELS.get(action, _label(CaseEventKind, action)),
                "url": reverse("console-step", args=[case.pk, action]),
                "note": step.note,
                "reasons": reasons,
                "photos": step.photos,
                "department": action == CaseEventKind.DISPATCH,
                "minutes": action == CaseEventKind.REQUEST_EXTENSION,
                "location": step.location,
            }
        )
    return forms


def _events(case: Case):
    return presenters.events_of(case)


def _timeline(events) -> list[dict]:
    """The staff's timeline (the reporter's page presents its own, in views_reporter)."""
    return presenters.for_page(presenters.timeline(events, presenters.STAFF))


def _case_context(request, case: Case) -> dict:
    user = request.user
    pending = Extension.objects.filter(case=case, approved__isnull=True).last()
    reports = case.reports.prefetch_related("photos").select_related("grid").order_by("received_at")
    marker = {
        "id": case.pk,
        "lat": case.lat,
        "lon": case.lon,
        "emergency": case.urgency == Urgency.EMERGENCY,
        "label": f"#{case.pk} {case.category.name}",
        "url": "",
    }
    events = list(_events(case))
    return {
        "case": case,
        "status_label": _label(CaseStatus, case.status),
        "emergency": case.urgency == Urgency.EMERGENCY,
        "overdue": bool(case.step_deadline_at and case.step_deadline_at < timezone.now()),
        "reports": reports,
        "timeline": _timeline(events),
        "indicators": _indicators_view(indicators(case, events)),
        "crowd_checks": crowd.checks_of(case),
        "triage": _triage(user, case, reports),
        "forms": _step_forms(user, case, pending),
        "pending_extension": pending,
        "departments": Department.objects.filter(county_id=case.county_id).order_by("code"),
        "linkage": _linkage(user, case),
        "map_config": _map_config([marker], {"lat": case.lat, "lon": case.lon}, 17),
        "live_url": reverse("live-case", args=[case.pk]),
        "live_text": {k: str(v) for k, v in LIVE_TEXT.items()},
        "back_url": reverse(
            "department" if user.role == Role.DEPARTMENT else "console",
        ),
    }


def _linkage(user, case: Case) -> dict:
    """五情联动 on the case page: who signed and reported, the linked dispatch for an accepted
    emergency, a supporting department's own sign and report."""
    return {
        "rows": linkage.linkage_of(case),
        "can_dispatch": case.urgency == Urgency.EMERGENCY
        and case.status == CaseStatus.ACCEPTED
        and has_perm(user, Perm.CASES_TRIAGE),
        "support": linkage.supporting(case, user),
    }


def _indicators_view(values: dict) -> dict:
    steps = [{**s, "label": _label(CaseEventKind, s["kind"])} for s in values["steps"]]
    rating = values["satisfaction"]
    return {
        **values,
        "steps": steps,
        "satisfaction_label": _label(Rating, rating) if rating else "",
    }


def _triage(user, case: Case, reports) -> dict | None:
    """Merge and split (duplicates) for those who triage, while the case is open."""
    if not has_perm(user, Perm.CASES_TRIAGE) or case.status not in OPEN_STATUSES:
        return None
    return {
        "candidates": queries.merge_candidates(user, case),
        "reports": reports if case.report_count > 1 else [],
        "merge_url": reverse("console-merge", args=[case.pk]),
        "split_url": reverse("console-split", args=[case.pk]),
    }


def _staff_case(user, case_id) -> Case:
    _require_view(user)
    try:
        case = queries.visible_case(user, case_id)
    except DomainError:
        raise Http404 from None
    return Case.objects.select_related("category", "grid", "region", "department").get(pk=case.pk)


@login_required
@require_GET
def case_page(request, case_id: int):
    case = _staff_case(request.user, case_id)
    if request.GET.get("fragment") == "timeline":
        return render(request, "cases/_timeline.html", {"timeline": _timeline(_events(case))})
    return render(request, "cases/case.html", _case_context(request, case))


@login_required
@require_POST
def case_step(request, case_id: int, action: str):
    case = _staff_case(request.user, case_id)
    step = kinds.of(case).steps.get(action)
    if step is None or step.who == kinds.REPORTER:
        raise Http404
    post = request.POST
    try:
        minutes = int(post.get("extension_minutes") or 0)
    except ValueError:
        minutes = 0
    try:
        version = int(post["version"]) if post.get("version") else None
    except ValueError:
        version = None
    try:
        workflow.act(
            case.pk,
            action,
            actor=request.user,
            note=post.get("note", ""),
            reason=post.get("reason", ""),
            department_code=post.get("department_code", ""),
            extension_minutes=minutes,
            photos=[read_upload(f) for f in request.FILES.getlist("photos")[:4]],
            lat=post.get("lat") or None,
            lon=post.get("lon") or None,
            accuracy_m=post.get("accuracy") or None,
            version=version,
        )
    except DomainError as error:
        return refused(request, case_id, error, action)
    messages.success(request, _("Done: %(step)s.") % {"step": _label(CaseEventKind, action)})
    return redirect("console-case", case_id=case.pk)


def refused(request, case_id: int, error: DomainError, action: str):
    """The case page again, with the refusal's message and its HTTP status."""
    context = _case_context(request, _staff_case(request.user, case_id))
    context.update({"error": error, "failed_action": action, "conflict": error.status == 409})
    return render(request, "cases/case.html", context, status=error.status)


@login_required
@require_GET
def event_photo(request, photo_id: int):
    """A step's photo (a handling result), for staff who may see the case and its reporters."""
    photo = EventPhoto.objects.select_related("event").filter(pk=photo_id).first()
    if photo is None:
        raise Http404
    try:
        queries.timeline_case(request.user, photo.event.case_id)
    except DomainError:
        raise Http404 from None
    field = photo.thumbnail if request.GET.get("thumbnail") else photo.image
    return FileResponse(field.open("rb"), content_type="image/jpeg")


# -- the department -------------------------------------------------------------------------


SHOWN = (CaseStatus.DISPATCHED, CaseStatus.SIGNED, CaseStatus.ON_SCENE, CaseStatus.HANDLED)


@login_required
@require_GET
def department(request):
    user = request.user
    if not has_perm(user, Perm.CASES_HANDLE) or not user.department_id:
        raise PermissionDenied
    cases = (
        queries.cases_for(user)
        .filter(
            department_id=user.department_id,
            status__in=SHOWN,
        )
        .select_related("category", "grid", "region")
        .order_by("step_deadline_at", "id")
    )
    groups = {status: [] for status in SHOWN}
    for row in _rows(cases[:600]):
        groups[row["case"].status].append(row)
    sections = [
        ("pending", _("Waiting to be signed for"), groups[CaseStatus.DISPATCHED]),
        ("signed", _("Signed for, being handled"), groups[CaseStatus.SIGNED]),
        ("on_scene", _("On the scene, being handled"), groups[CaseStatus.ON_SCENE]),
        ("handled", _("Handled, waiting for verification"), groups[CaseStatus.HANDLED]),
    ]
    return render(
        request,
        "cases/department.html",
        {
            "sections": sections,
            "department": user.department,
            "arrive": CaseEventKind.ARRIVE,
            "live_url": reverse("live-queue"),
            "live_text": {k: str(v) for k, v in LIVE_TEXT.items()},
        },
    )
