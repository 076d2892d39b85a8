"""What each Open311 resource says, as plain values for formats.render. Public output never
carries personal data: no partner, no photos or media_url, the description only for the client
that sent the request, and of a partner's report the position rounded to 3 decimals of a degree
(~111 m north-south, ~100 m east-west here) and the times to the minute: together they would
say where a rider was, to the second and the metre."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from gridbee.cases.choices import OPEN_STATUSES
from gridbee.cases.models import Category, Open311Client, Report

from .formats import MEDIA_TYPES
from .keys import token_for

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
PARTNER_DECIMALS = 3  # ~111 m of latitude


def w3c(moment: datetime.datetime | None, *, to_minute: bool = False) -> str | None:
    if moment is None:
        return None
    if to_minute:
        moment = moment.replace(second=0, microsecond=0)
    return timezone.localtime(moment).isoformat(timespec="seconds")


def discovery(endpoint_url: str, now: datetime.datetime) -> dict:
    # Services are edited in the admin without a timestamp: tell clients to refresh daily.
    changeset = w3c(timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0))
    return {
        "changeset": changeset,
        "contact": _("Ask the GridBee administrators of your county."),
        "key_service": _("API keys are issued by the GridBee administrators of your county."),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": endpoint_url,
                "changeset": changeset,
                "type": "production",
                "formats": MEDIA_TYPES,
            }
        ],
    }


def service(category: Category) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": f"{category.major_class}：{category.name}",
        "metadata": False,  # no attributes beyond the standard fields
        "type": "realtime",  # the service_request_id comes back at once
        "keywords": ", ".join([str(category.get_group_display()), category.major_class]),
        "group": category.major_class,
    }


def service_definition(category: Category) -> dict:
    return {"service_code": category.code, "attributes": []}


def service_request(report: Report, *, viewer: Open311Client | None) -> dict:
    case, category = report.case, report.category
    is_open = case.status in OPEN_STATUSES
    own = viewer is not None and report.client_id == viewer.pk
    lat, lon = report.lat, report.lon
    partner = report.partner_id is not None
    if partner:
        lat, lon = round(lat, PARTNER_DECIMALS), round(lon, PARTNER_DECIMALS)
    return {
        "service_request_id": str(report.pk),
        "status": "open" if is_open else "closed",
        "status_notes": str(case.get_status_display()),
        "service_name": category.name,
        "service_code": category.code,
        "description": report.text if own else None,
        "agency_responsible": category.department_code,
        "requested_datetime": w3c(report.received_at, to_minute=partner),
        "updated_datetime": w3c(_updated_at(report, is_open), to_minute=partner),
        "lat": lat,
        "long": lon,
    }


def _updated_at(report: Report, is_open: bool) -> datetime.datetime:
    # The spec: for a closed request, when it was closed.
    if not is_open and report.case.closed_at:
        return report.case.closed_at
    last_event = getattr(report, "last_event_at", None)
    return max(report.received_at, last_event) if last_event else report.received_at


def created(answer: dict) -> dict:
    """The answer to POST requests, from the intake's answer (the same again on a retry)."""
    report_id = answer["report_id"]
    if answer["first_report"]:
        notice = _("Received: a new case was opened and sent to its grid.")
    else:
        notice = _(
            "Received: this problem was already reported here; your report joined that case."
        )
    return {
        "service_request_id": str(report_id),
        "token": token_for(report_id),
        "service_notice": notice,
        "account_id": None,
    }


def token(report_id: int, raw_token: str) -> dict:
    return {"service_request_id": str(report_id), "token": raw_token}
