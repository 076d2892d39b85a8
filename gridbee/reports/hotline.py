"""Phoned-in reports (24 h hotline, 专人专岗应哨): the operator on duty records a caller's
report (the place on the map, category, urgency, a line) and it is filed through the one
intake function, exactly as a partner's report is: routed, deduplicated, a case in the
closed loop. The caller's callback number is kept apart (HotlineCall) and shown masked."""

import re

from django.db import transaction

from gridbee.cases.choices import ReportSource
from gridbee.core.authz import Perm, require
from gridbee.core.errors import DomainError
from gridbee.core.writers import one_writer
from gridbee.geo import routing
from gridbee.geo.choices import Crs, Level
from gridbee.people.queries import EVERYWHERE, region_scope

from .actions import Sender, submit_report
from .errors import ReportError
from .models import HotlineCall

CALLBACK = re.compile(r"^\+?[0-9][0-9\- ]{4,18}[0-9]$")


def record_call(
    actor,
    *,
    idempotency_key: str,
    category_code: str,
    lat: float,
    lon: float,
    crs: str = Crs.WGS84,
    urgent: bool = False,
    text: str = "",
    callback: str = "",
) -> tuple[dict, bool]:
    """The intake answer and whether this call filed it (False on a retry)."""
    require(actor, Perm.CASES_TRIAGE)
    callback = (callback or "").strip()
    if callback and not CALLBACK.match(callback):
        raise DomainError(ReportError.CALLBACK_INVALID)
    location = routing.locate(lat, lon, crs)
    county = next((r.code for r in location.regions if r.level == Level.COUNTY), None)
    prefix = region_scope(actor)
    if (
        county is None
        or prefix is None
        or not (prefix == EVERYWHERE or county.startswith(prefix[:6]))
    ):
        raise DomainError(ReportError.OUTSIDE_AREA)
    # The report and the call's record in one transaction (taking the writers' turn first, as
    # intake does on SQLite): a call is never kept without its report nor a report without its
    # call, and a retry with the same key finds both.
    with one_writer(), transaction.atomic():
        answer, created = submit_report(
            Sender(ReportSource.HOTLINE, f"h:{actor.pk}"),
            idempotency_key=idempotency_key,
            category_code=category_code,
            lat=lat,
            lon=lon,
            crs=crs,
            text=text,
            emergency=urgent,
            photos=[],
        )
        HotlineCall.objects.get_or_create(
            report_id=answer["report_id"], defaults={"taken_by": actor, "callback": callback}
        )
    return answer, created


def calls_for(user):
    """The hotline calls of the operator's area, newest first (the callback masked)."""
    from gridbee.cases.queries import cases_for

    return HotlineCall.objects.filter(report__case__in=cases_for(user)).select_related(
        "report__category", "report__case"
    )
