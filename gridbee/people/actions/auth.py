"""Logging in from mobile clients: bearer tokens, of which only a digest is kept."""

import datetime
import hashlib
import secrets

from django.contrib.auth import authenticate
from django.utils import timezone

from gridbee.core.errors import DomainError

from .. import throttle
from ..errors import PeopleError
from ..models import ApiToken, User
from ..validators import normalize_mobile

TOKEN_DAYS = 30
_TOUCH_SECONDS = 300


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(mobile: str, password: str, *, address: str | None) -> tuple[str, ApiToken]:
    mobile = normalize_mobile(mobile)
    if throttle.is_throttled(mobile, address):
        raise DomainError(PeopleError.THROTTLED)
    user = authenticate(mobile=mobile, password=password)
    if user is None:
        throttle.record_failure(mobile, address)
        raise DomainError(PeopleError.BAD_CREDENTIALS)
    throttle.clear(mobile)
    raw = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        digest=digest(raw),
        expires_at=timezone.now() + datetime.timedelta(days=TOKEN_DAYS),
    )
    return raw, token


def user_for_token(raw: str) -> User | None:
    now = timezone.now()
    token = (
        # Most token holders are partners' phones: their partner row comes in the same query.
        ApiToken.objects.select_related("user", "user__partner")
        .filter(digest=digest(raw), expires_at__gt=now, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > _TOUCH_SECONDS:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def revoke_token(raw: str) -> None:
    ApiToken.objects.filter(digest=digest(raw)).delete()
