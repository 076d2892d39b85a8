"""POST requests: what a GeoReport v2 form may carry, and what of it GridBee keeps. Kept:
service_code, lat/long, description. Accepted and dropped: address_string, address_id,
attribute[…], media_url (never fetched: no request leaves the intranet), and the reporter's
email, first_name, last_name, phone, device_id, account_id (never stored)."""

from django.http import QueryDict
from django.utils import timezone
from django.utils.crypto import salted_hmac

from gridbee.cases.models import Category
from gridbee.core.errors import DomainError
from gridbee.core.numbers import Latitude, Longitude, from_form
from gridbee.geo.choices import Crs

from ..actions import Sender, submit_report
from ..errors import ReportError
from .errors import Open311Error


def create_request(client, form: QueryDict, *, idempotency_key: str = "") -> tuple[dict, bool]:
    """File the request through the intake every report takes; the intake's answer and whether
    this call created the report. Without an Idempotency-Key, the content is the key: the same
    form sent again (a retry) finds the first report."""
    service_code = form.get("service_code", "").strip()
    if not service_code:
        raise DomainError(Open311Error.SERVICE_CODE_REQUIRED)
    if Category.objects.filter(code=service_code, is_public=False).exists():
        # Not offered to other systems: answered as a code that does not exist.
        raise DomainError(ReportError.UNKNOWN_CATEGORY)
    lat, lon = _number(form, "lat", Latitude), _number(form, "long", Longitude)
    if lat is None or lon is None:
        raise DomainError(Open311Error.LOCATION_REQUIRED)
    return submit_report(
        Sender.of_client(client),
        idempotency_key=idempotency_key.strip() or content_key(form),
        category_code=service_code,
        lat=lat,
        lon=lon,
        crs=Crs.WGS84,
        text=form.get("description", ""),
        photos=[],
    )


def content_key(form: QueryDict) -> str:
    """A key from every submitted field but api_key, and the day: a retry comes within minutes,
    while the same text at the same place weeks later is a new report. An HMAC under the site's
    secret, so the stored key cannot be tested against guesses of the personal fields in it."""
    fields = sorted(
        (name, value) for name, values in form.lists() if name != "api_key" for value in values
    )
    message = "\n".join([timezone.localdate().isoformat(), *(f"{n}={v}" for n, v in fields)])
    return "o311:" + salted_hmac("gridbee.open311.content", message, algorithm="sha256").hexdigest()


def _number(form: QueryDict, field: str, kind) -> float | None:
    # A coordinate that is no finite number gets GeoReport's own code; one out of range the
    # routing's, as from every other caller.
    try:
        return from_form(form.get(field), kind, field=field)
    except DomainError:
        raise DomainError(Open311Error.BAD_NUMBER) from None
