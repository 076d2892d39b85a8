"""Who is calling the API: a mobile client with a bearer token, or the web with its session
(and CSRF on writes). Each operation then declares what it needs (core.authz.needs)."""

from ninja.security import HttpBearer, SessionAuth

from .actions.auth import user_for_token


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class ActiveSessionAuth(SessionAuth):
    def _get_key(self, request):
        # CSRF protects what a logged-in session may do; a caller without one has nothing to
        # protect and is told to log in (401), not refused a CSRF check (403).
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        return user if user is not None and user.is_active else None


LOGGED_IN = [TokenAuth(), ActiveSessionAuth()]
