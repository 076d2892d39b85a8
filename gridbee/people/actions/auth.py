"""Logging in from mobile clients: bearer tokens, of which only a digest is kept; and ending
every login of a user at once."""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from gridbee.core.errors import DomainError

from .. import throttle
from ..addresses import client_address
from ..errors import PeopleError
from ..models import ApiToken, User
from ..sessions import is_partner_only
from ..validators import normalize_mobile

TOKEN_DAYS = 30  # a partner's phone; staff tokens last a working day, as staff web logins do
_TOUCH_SECONDS = 300


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(request, mobile: str, password: str) -> tuple[str, ApiToken]:
    """The request goes to authenticate(): the login throttle counts this attempt with those of
    the login pages (same mobile number, same client address)."""
    mobile = normalize_mobile(mobile)
    user = authenticate(request, username=mobile, password=password)
    if user is None:
        if throttle.login_refused(request):
            raise DomainError(PeopleError.THROTTLED)
        raise DomainError(PeopleError.BAD_CREDENTIALS)
    throttle.login_succeeded(mobile, client_address(request))
    raw = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        digest=digest(raw),
        expires_at=timezone.now() + token_lifetime(user),
        auth_hash=user.get_session_auth_hash(),
    )
    return raw, token


def token_lifetime(user) -> datetime.timedelta:
    if is_partner_only(user):
        return datetime.timedelta(days=TOKEN_DAYS)
    return datetime.timedelta(hours=settings.STAFF_SESSION_HOURS)


def user_for_token(raw: str) -> User | None:
    now = timezone.now()
    token = (
        # Most token holders are partners' phones: their partner row comes in the same query.
        ApiToken.objects.select_related("user", "user__partner")
        .filter(digest=digest(raw), expires_at__gt=now, user__is_active=True)
        .first()
    )
    if token is None or not _still_valid(token):
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > _TOUCH_SECONDS:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def _still_valid(token: ApiToken) -> bool:
    """Checked as Django checks a session: the user's password and auth_epoch are unchanged
    since the token was issued (a hash made with a retired SECRET_KEY is renewed)."""
    user = token.user
    if constant_time_compare(token.auth_hash, user.get_session_auth_hash()):
        return True
    fallbacks = user.get_session_auth_fallback_hash()
    if any(constant_time_compare(token.auth_hash, old) for old in fallbacks):
        ApiToken.objects.filter(pk=token.pk).update(auth_hash=user.get_session_auth_hash())
        return True
    ApiToken.objects.filter(pk=token.pk).delete()  # it can never work again
    return False


def revoke_token(raw: str) -> None:
    ApiToken.objects.filter(digest=digest(raw)).delete()


def end_logins(user_id) -> None:
    """End every session and API token of the user at once: the sessions' hash covers
    auth_epoch (User.get_session_auth_hash), the tokens go."""
    with transaction.atomic():
        User.objects.filter(pk=user_id).update(auth_epoch=F("auth_epoch") + 1)
        ApiToken.objects.filter(user_id=user_id).delete()
