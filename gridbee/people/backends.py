"""The login throttle as the first authentication backend: every form that logs in calls
django.contrib.auth.authenticate() (our login page, the admin's, the API's token endpoint), so
one backend guards them all and they share one count (django-axes, keyed on mobile number and
client address; see the "Logins" block of settings.py)."""

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied


class LoginThrottle(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            # Not a login over the network: the test client's login(), a shell. Every form
            # and endpoint that logs in passes its request (and tests check each of them).
            return None
        try:
            return super().authenticate(request, username, password, **kwargs)
        except AxesBackendPermissionDenied:
            # The forms and the API answer auth.throttled instead of "wrong password".
            request.login_throttled = True
            raise
