"""The GeoReport v2 endpoints. Each parses, authorizes with the api_key, calls a query or the
intake, and hands plain values to formats.render; a DomainError becomes the spec's errors."""

import functools

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from gridbee.cases.models import Category
from gridbee.core.errors import DomainError
from gridbee.core.routers import replica_reads

from . import formats, intake, keys, limits, presenters, queries
from .errors import Open311Error


def open311(*methods: str):
    """The format comes from the extension (none: JSON); errors are answered in it. Every
    call counts against its caller's rate limit first."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, fmt=None, **kwargs):
            fmt = fmt or formats.JSON
            try:
                _count_call(request)
            except DomainError as error:
                response = formats.render_error(fmt, error.status, error.message)
                response["Retry-After"] = str(error.details["retry_after"])
                return response
            if request.method not in methods:
                response = formats.render_error(fmt, 405, _("Method not allowed."))
                response["Allow"] = ", ".join(methods)
                return response
            try:
                return view(request, fmt, *args, **kwargs)
            except DomainError as error:
                return formats.render_error(fmt, error.status, error.message)

        return wrapper

    return decorate


def _count_call(request) -> None:
    allowed, seconds = limits.allow(limits.caller(request, _client(request)))
    if not allowed:
        limit = settings.OPEN311_REQUESTS_PER_MINUTE
        message = Open311Error.RATE_LIMITED.message % {"limit": limit, "seconds": seconds}
        raise DomainError(Open311Error.RATE_LIMITED, message, retry_after=seconds)


def _client(request):
    """The active client whose api_key came with the request (GET, or a POST's form), if any;
    looked up once per request."""
    if not hasattr(request, "_open311_client"):
        raw = request.GET.get("api_key", "")
        if request.method == "POST":
            raw = request.POST.get("api_key") or raw
        request._open311_client = keys.client_for_key(raw)
    return request._open311_client


def _viewer(request):
    """The client whose api_key came with a GET, if any; a wrong key is refused, not ignored."""
    if not request.GET.get("api_key", ""):
        return None
    client = _client(request)
    if client is None:
        raise DomainError(Open311Error.INVALID_API_KEY)
    return client


@open311("GET")
def discovery(request, fmt):
    endpoint = request.build_absolute_uri(reverse("open311:discovery")).rsplit("discovery", 1)[0]
    return formats.render(fmt, "discovery", presenters.discovery(endpoint, timezone.now()))


@open311("GET")
def services(request, fmt):
    categories = Category.objects.filter(active=True, is_public=True)
    return formats.render(fmt, "services", [presenters.service(c) for c in categories])


@open311("GET")
def service_definition(request, fmt, service_code):
    category = Category.objects.filter(code=service_code, active=True, is_public=True).first()
    if category is None:
        raise DomainError(Open311Error.UNKNOWN_SERVICE)
    return formats.render(fmt, "service_definition", presenters.service_definition(category))


@csrf_exempt  # other systems authenticate with their api_key, not a session
@open311("GET", "POST")
def service_requests(request, fmt):
    if request.method == "POST":
        return _create(request, fmt)
    return _list(request, fmt)


@replica_reads
def _list(request, fmt):
    viewer = _viewer(request)
    filters = queries.parse_filters(request.GET, now=timezone.now())
    reports = queries.service_requests(filters, viewer=viewer)
    data = [presenters.service_request(r, viewer=viewer) for r in reports]
    return formats.render(fmt, "service_requests", data)


def _create(request, fmt):
    client = _client(request)
    if client is None:
        raise DomainError(Open311Error.INVALID_API_KEY)
    answer, _created = intake.create_request(
        client, request.POST, idempotency_key=request.headers.get("Idempotency-Key", "")
    )
    return formats.render(fmt, "service_requests", [presenters.created(answer)])


@open311("GET")
def service_request(request, fmt, request_id):
    viewer = _viewer(request)
    report = queries.find_request(request_id, viewer=viewer, now=timezone.now())
    data = [presenters.service_request(report, viewer=viewer)]
    return formats.render(fmt, "service_requests", data)


@open311("GET")
def token(request, fmt, token):
    viewer = _viewer(request)
    report_id = keys.report_id_for_token(token)
    if report_id is None or not queries.token_exists(report_id, viewer=viewer, now=timezone.now()):
        raise DomainError(Open311Error.TOKEN_NOT_FOUND)
    return formats.render(fmt, "service_requests", [presenters.token(report_id, token)])
