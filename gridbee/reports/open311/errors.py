from django.utils.translation import gettext_lazy as _

from gridbee.core.errors import ErrorCode


class Open311Error(ErrorCode):
    """Statuses as GeoReport v2 gives them: 400 bad input, 403 bad api_key, 404 unknown; and
    429 past the rate limit."""

    INVALID_API_KEY = (
        "open311.invalid_api_key",
        403,
        _("Invalid api_key: ask the GridBee administrators for a key."),
    )
    LOCATION_REQUIRED = (
        "open311.location_required",
        400,
        _("Send lat and long (WGS-84): an address alone cannot be routed to a grid."),
    )
    BAD_NUMBER = ("open311.bad_number", 400, _("lat and long must be decimal numbers."))
    SERVICE_CODE_REQUIRED = ("open311.service_code_required", 400, _("Send a service_code."))
    UNKNOWN_SERVICE = ("open311.unknown_service", 404, _("No service has this service_code."))
    BAD_DATE = (
        "open311.bad_date",
        400,
        _("start_date and end_date must be W3C datetimes, e.g. 2026-11-05T08:15:30+08:00."),
    )
    DATE_RANGE = (
        "open311.date_range",
        400,
        _("start_date must come before end_date, at most 90 days apart."),
    )
    BAD_STATUS = ("open311.bad_status", 400, _("status must be open or closed."))
    BAD_REQUEST_ID = (
        "open311.bad_request_id",
        400,
        _("service_request_id must be numbers separated by commas."),
    )
    REQUEST_NOT_FOUND = ("open311.request_not_found", 404, _("No service request has this id."))
    TOKEN_NOT_FOUND = ("open311.token_not_found", 404, _("No service request has this token."))
    NAME_TAKEN = ("open311.name_taken", 409, _("An Open311 client with this name exists."))
    NAME_REQUIRED = ("open311.name_required", 400, _("Give the Open311 client a name."))
    RATE_LIMITED = (
        "open311.rate_limited",
        429,
        _("Too many requests: at most %(limit)s a minute. Try again in %(seconds)s seconds."),
    )
