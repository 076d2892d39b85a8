"""Open311 secrets. A client's API key is shown once and kept only as its SHA-256 digest (as
people's API tokens are). A request's token is an HMAC of its id under the site's secret key:
nothing to store, and nobody can forge one for a request they did not create."""

import hashlib
import secrets

from django.db import IntegrityError, transaction
from django.utils.crypto import constant_time_compare, salted_hmac

from gridbee.cases.models import Open311Client
from gridbee.core.errors import DomainError

from .errors import Open311Error

_TOKEN_SALT = "gridbee.reports.open311.token"


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_key(client: Open311Client, *, actor=None) -> str:
    """Give a new or existing client a fresh key (the old one stops working); the key itself
    is returned once and never stored."""
    raw = secrets.token_urlsafe(32)
    client.key_digest = digest(raw)
    client.save()
    return raw


def issue_client(name: str, *, actor=None) -> tuple[str, Open311Client]:
    """A new client and its key. Names are unique: a second client of one name is refused."""
    name = (name or "").strip()
    if not name:
        raise DomainError(Open311Error.NAME_REQUIRED)
    if Open311Client.objects.filter(name=name).exists():
        raise DomainError(Open311Error.NAME_TAKEN)
    client = Open311Client(name=name)
    try:
        with transaction.atomic():
            raw = issue_key(client, actor=actor)
    except IntegrityError:  # the same name created concurrently
        raise DomainError(Open311Error.NAME_TAKEN) from None
    return raw, client


def client_for_key(raw: str | None) -> Open311Client | None:
    if not raw:
        return None
    return Open311Client.objects.filter(key_digest=digest(raw), active=True).first()


def token_for(report_id: int) -> str:
    mac = salted_hmac(_TOKEN_SALT, str(report_id), algorithm="sha256").hexdigest()[:32]
    return f"{report_id}-{mac}"


def report_id_for_token(token: str) -> int | None:
    head, _, mac = (token or "").partition("-")
    if not head.isdigit() or not mac:
        return None
    report_id = int(head)
    return report_id if constant_time_compare(token_for(report_id), token) else None
