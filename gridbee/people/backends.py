"""The login throttle as the first authentication backend: every form that logs in calls
django.contrib.auth.authenticate() (our login page, the admin's, the API's token endpoint), so
one backend guards them all and they share one count (django-axes, keyed on mobile number and
client address; see the "Logins" block of settings.py).

Axes checks the count before the password and adds to it after, when the password was wrong:
twenty attempts sent at once would all pass the check and all be heard. Here each attempt is
counted before its password is checked, in one atomic step, and heard only if its number is
within the limit; a wrong password then adds nothing more, a right one clears the count."""

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_failure_limit
from django.db import transaction

from .models import User
from .throttle import login_username


class LoginThrottle(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            # Not a login over the network: the test client's login(), a shell. Every form
            # and endpoint that logs in passes its request (and tests check each of them).
            return None
        request.login_throttled = request.login_counted = False
        try:
            super().authenticate(request, username, password, **kwargs)  # a locked pair: refused
            AxesProxyHandler.get_implementation().count_first(request, username)
        except AxesBackendPermissionDenied:
            # The forms and the API answer auth.throttled instead of "wrong password".
            request.login_throttled = True
            raise
        return None  # the next backend checks the password


class CountFirst(AxesDatabaseHandler):
    """Axes' database handler, counting each attempt before its password is checked."""

    def count_first(self, request, username) -> None:
        credentials = {"username": username}
        with transaction.atomic():
            # The account's attempts take their numbers one at a time (a few milliseconds
            # each, no password hashing inside): each then sees its own number, not a later one.
            mobile = login_username(request, credentials)
            list(User.objects.select_for_update().filter(mobile=mobile).values_list("pk"))
            super().user_login_failed("gridbee.people", credentials, request)  # F() + 1
        request.login_counted = True
        if (request.axes_failures_since_start or 0) > get_failure_limit(request, credentials):
            # Attempts sent at the same time took the last tries: this one is not heard.
            raise AxesBackendPermissionDenied("Too many attempts at the same time")

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        if getattr(request, "login_counted", False):
            return  # counted before its password was checked
        super().user_login_failed(sender, credentials, request, **kwargs)
