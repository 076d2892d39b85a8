"""The JSON API root: one NinjaAPI, one router per domain, one place mapping errors to HTTP."""

import logging

from django.db import DataError, OperationalError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from gridbee.alerts.api import router as alerts_router
from gridbee.cases.api import router as cases_router
from gridbee.claims.api import router as claims_router
from gridbee.core.api import router as core_router
from gridbee.core.errors import CommonError, DomainError
from gridbee.geo.api import router as geo_router
from gridbee.people.api import router as people_router
from gridbee.reports.api import router as reports_router
from gridbee.rewards.api import router as rewards_router
from gridbee.services.api import router as services_router
from gridbee.stats.api import router as stats_router

log = logging.getLogger(__name__)

api = NinjaAPI(
    title="GridBee API",
    version="1",
    description="GridBee (蜂格): reports, routing and the closed loop for part-time grid workers.",
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def _error(request, status: int, code: str, message: str, details=None):
    body = {"code": code, "message": message}
    if details is not None:
        body["details"] = details
    return api.create_response(request, body, status=status)


def _challenge(response):
    # RFC 9110: a 401 carries a challenge naming how to authenticate: the bearer token the
    # phones send (the web's session cookie has no scheme to name; browsers show no dialog).
    if response.status_code == 401:
        response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(DomainError)
def on_domain_error(request, exc: DomainError):
    response = _challenge(api.create_response(request, exc.as_dict(), status=exc.status))
    if exc.status == 503:  # busy for now: when to send again
        response["Retry-After"] = "5"
    return response


@api.exception_handler(NinjaValidationError)
def on_validation_error(request, exc: NinjaValidationError):
    details = [
        {
            "field": ".".join(str(p) for p in err.get("loc", ()) if p not in {"query", "body"}),
            "message": err.get("msg", ""),
        }
        for err in exc.errors
    ]
    error = CommonError.INVALID_INPUT  # the code actions give a bad number too (core/numbers.py)
    return _error(request, error.status, error.code, error.message, details)


@api.exception_handler(AuthenticationError)
def on_auth_error(request, exc):
    error = CommonError.NOT_AUTHENTICATED
    return _challenge(_error(request, error.status, error.code, error.message))


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return _error(request, 404, "not_found", _("Not found."))


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    return _error(request, exc.status_code, "http_error", str(exc))


@api.exception_handler(DataError)
def on_data_error(request, exc):
    # A value the database cannot hold that slipped past validation: the caller's input.
    log.warning("database refused input: %s", exc)
    return _error(request, 400, "invalid_input", _("Some fields are missing or invalid."))


@api.exception_handler(OperationalError)
def on_database_unavailable(request, exc):
    # No connection to be had: the database is down or every pooled connection stayed busy
    # for the pool's timeout (SQLite: its lock for the busy timeout). A phone keeps the report
    # queued and sends it again. Logged whole, as SQLite reports some bugs the same way.
    log.exception("database unavailable")
    response = _error(
        request, 503, "unavailable", _("The service is busy. Please try again in a moment.")
    )
    response["Retry-After"] = "5"
    return response


@api.exception_handler(Exception)
def on_unexpected(request, exc):
    log.exception("unhandled API error")
    return _error(request, 500, "internal_error", _("Something went wrong on our side."))


api.add_router("/", core_router)
api.add_router("/geo/", geo_router)
api.add_router("/", people_router)
api.add_router("/", reports_router)
api.add_router("/", cases_router)
api.add_router("/", rewards_router)
api.add_router("/", claims_router)
api.add_router("/", alerts_router)
api.add_router("/", services_router)
api.add_router("/", stats_router)
