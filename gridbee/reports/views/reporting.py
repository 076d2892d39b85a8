"""Report pages for partners: 随手拍 (take a photo, the phone adds the place, pick a category,
send), my reports, and the service worker that lets the report page open and queue reports
offline.

The page itself never writes: report.js sends to the intake API (POST /api/reports) with an
Idempotency-Key, from an offline queue in IndexedDB, so a report made in a basement is sent
once the network is back, and only once. Views here only read and render."""

import hashlib
import json
from functools import cache
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from gridbee.cases.choices import CaseStatus, Urgency
from gridbee.cases.errors import EvidenceError
from gridbee.cases.models import Category
from gridbee.core.pages import refusal
from gridbee.geo.maps import MAP_CENTER
from gridbee.people.queries import partner_of

from .. import queries
from ..actions import MAX_PHOTOS, MAX_TEXT

PAGE_SIZE = 20
# Photos are downscaled on the phone before upload: a rider's data plan is small.
PHOTO_MAX_EDGE = 2048
PHOTO_QUALITY = 0.85
# What the service worker keeps for the report page to open offline (static, by name).
SHELL_ASSETS = [
    "gridbee/app.css",
    "gridbee/reports.css",
    "gridbee/favicon.svg",
    "gridbee/report-queue.js",
    "gridbee/report-status.js",
    "gridbee/report.js",
    "vendor/leaflet/leaflet.css",
    "vendor/leaflet/leaflet.js",
    "vendor/htmx/htmx.min.js",
]
SW_SCOPE = "/report/"

# What the report scripts say, translated here (JS has no gettext): the queue and its answers
# on both pages (report-status.js), then the report form's own words (report.js).
QUEUE_TEXT = {
    "queued": _("%(count)s waiting to send"),
    "sending": _("Sending %(count)s…"),
    "retry": _("Send now"),
    "offline": _("No network: kept on this phone, sent when the network is back."),
    "needsLogin": _("Please log in again; waiting reports are sent after that."),
    "logIn": _("Log in"),
    "sentTitle": _("Received"),
    "refusedTitle": _("Could not be filed"),
    "caseStatus": _("Case status"),
    "grid": _("Grid"),
    "caseNumber": _("Case %(id)s"),
    "first": _("First report"),
    "notFirst": _("Reported before: your report joined that case."),
    "pendingLabel": _("Waiting to send"),
    "pendingSince": _("Made %(time)s"),
    "attempts": _("Tried %(count)s times"),
    "photoCount": _("%(count)s photos"),
    "seeMine": _("See my reports"),
    "dismiss": _("Close"),
}
FORM_TEXT = {
    "locating": _("Finding your location…"),
    "located": _("Location found"),
    "accuracy": _("±%(metres)s m"),
    "adjusted": _("Pin moved by hand"),
    "gridHere": _("Grid: %(name)s"),
    "noGridHere": _("Not inside any grid"),
    "noGeolocation": _("This phone gives no location: drag the pin to the place."),
    "geoDenied": _("Location is not allowed: allow it, or drag the pin to the place."),
    "geoFailed": _("No location yet: go outside, or drag the pin to the place."),
    "needPhoto": _("Add one to three photos."),
    "needCategory": _("Choose a category."),
    "needLocation": _("Wait for the location, or drag the pin to the place."),
    "tooManyPhotos": _("At most three photos per report."),
    "notImage": _("This file is not a photo."),
    "preparing": _("Preparing the photos…"),
    "removePhoto": _("Remove photo %(n)s"),
    "photoAlt": _("Photo %(n)s"),
    "sendingNow": _("Sending…"),
}
# What a logged-in person who may not report sees instead of the form, under the refusal.
NOT_REPORTING = {
    "title": _("Snap and report"),
    "advice": _(
        "Riders, couriers and drivers can apply to become mobile grid workers; once the county"
        " approves, this page is where they report."
    ),
}


def _reporting_partner(request):
    """The partner if they may report now, else the refusal page to answer with."""
    partner = partner_of(request.user)
    if partner is None:
        return None, refusal(request, EvidenceError.NOT_A_PARTNER, **NOT_REPORTING)
    if not partner.can_act:
        return None, refusal(request, EvidenceError.PARTNER_INACTIVE, **NOT_REPORTING)
    return partner, None


def _map_center(partner) -> dict:
    binding = partner.bindings.select_related("grid").first()
    if binding is None:  # no grid bound: the county seat, until the phone has a fix
        return MAP_CENTER
    return {"lat": binding.grid.centroid_lat, "lon": binding.grid.centroid_lon}


def _page_config(request) -> dict:
    """What report.js needs on both pages: where to send, who is sending, and its words."""
    api_root = reverse("api:api-root")
    return {
        "user": request.user.pk,
        "csrfToken": get_token(request),
        "csrfCookie": settings.CSRF_COOKIE_NAME,
        "reportsUrl": f"{api_root}reports",
        "gridsUrl": f"{api_root}geo/grids",
        "reportUrl": reverse("report"),
        "mineUrl": reverse("my-reports"),
        "swUrl": reverse("report-sw"),
        "loginUrl": f"{reverse('login')}?next={quote(request.path)}",
        "swScope": SW_SCOPE,
        "statuses": {str(value): str(label) for value, label in CaseStatus.choices},
        "text": {key: str(text) for key, text in QUEUE_TEXT.items()},
    }


@login_required
def report(request):
    partner, refused = _reporting_partner(request)
    if refused:
        return refused
    categories = list(Category.objects.filter(active=True))
    config = _page_config(request)
    config.update(
        {
            "page": "report",
            "center": _map_center(partner),
            "zoom": 17,
            "tileUrl": settings.TILE_URL,
            "maxPhotos": MAX_PHOTOS,
            "photoMaxEdge": PHOTO_MAX_EDGE,
            "photoQuality": PHOTO_QUALITY,
            "categories": {c.code: {"name": c.name, "icon": c.icon} for c in categories},
        }
    )
    config["text"].update({key: str(text) for key, text in FORM_TEXT.items()})
    return render(
        request,
        "reports/report.html",
        {
            "emergencies": [c for c in categories if c.urgency == Urgency.EMERGENCY],
            "ordinary": [c for c in categories if c.urgency != Urgency.EMERGENCY],
            "max_photos": MAX_PHOTOS,
            "max_text": MAX_TEXT,
            "config": config,
        },
    )


@login_required
def my_reports(request):
    if partner_of(request.user) is None:
        return refusal(request, EvidenceError.NOT_A_PARTNER, **NOT_REPORTING)
    reports = queries.my_reports(request.user).prefetch_related("photos")
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "report": r,
            "thumbnail": next(iter(r.photos.all()), None),
            "photo_count": len(r.photos.all()),
            "status": r.case.status,
            "status_label": _label(CaseStatus, r.case.status),
            "emergency": r.case.urgency == Urgency.EMERGENCY,
        }
        for r in page.object_list
    ]
    config = _page_config(request)
    config["page"] = "mine"
    return render(request, "reports/mine.html", {"page": page, "rows": rows, "config": config})


def _label(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


@require_GET
def service_worker(request):
    """sw.js from a URL inside /report/, so its scope covers the report pages (a script under
    /static/ could only control /static/). Its settings come first; the version changes with
    the script and the shell's assets, so a new release replaces the cached shell."""
    script, version = _service_worker_source()
    settings_js = {
        "version": version,
        "scope": SW_SCOPE,
        "pages": [reverse("report"), reverse("my-reports")],  # kept at install, and as opened
        "assets": [static(path) for path in SHELL_ASSETS],
        "queueScript": static("gridbee/report-queue.js"),
        "reportsUrl": f"{reverse('api:api-root')}reports",
    }
    body = f"self.GRIDBEE_SW = {json.dumps(settings_js)};\n{script}"
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = SW_SCOPE
    # The browser checks for a new worker on each visit; never serve it from a cache.
    response["Cache-Control"] = "no-cache"
    return response


def _service_worker_source() -> tuple[str, str]:
    if settings.DEBUG:
        return _read_service_worker()
    return _cached_service_worker()


@cache
def _cached_service_worker() -> tuple[str, str]:
    return _read_service_worker()


def _read_service_worker() -> tuple[str, str]:
    path = finders.find("gridbee/sw.js")
    if not path:
        raise Http404("sw.js")
    script = Path(path).read_text(encoding="utf-8")
    digest = hashlib.sha256(script.encode())
    for asset in SHELL_ASSETS:
        found = finders.find(asset)
        if found:
            digest.update(Path(found).read_bytes())
    return script, digest.hexdigest()[:16]
