"""How long a web login lasts. A partner's phone stays logged in for two weeks
(SESSION_COOKIE_AGE): they report from it on their rounds. Staff act for the county on shared
office computers: their login ends after a working day, counted from the moment they logged in."""

import datetime

from django.conf import settings
from django.utils import timezone

from .choices import Role


def is_partner_only(user) -> bool:
    """A partner with no other standing (a sub-captain is still one); everyone else is staff."""
    return user.role == Role.PARTNER and not (user.is_staff or user.is_superuser)


def limit_staff_session(sender, request, user, **kwargs) -> None:
    """Receiver of user_logged_in, which every web login (the login page, the admin's) sends."""
    if request is None or not hasattr(request, "session") or is_partner_only(user):
        return
    # A point in time, not an idle timeout: working on does not stretch it past the day.
    hours = datetime.timedelta(hours=settings.STAFF_SESSION_HOURS)
    request.session.set_expiry(timezone.now() + hours)
