import os

import django
from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler

from gridbee.core.middleware import RequestSizeGuard

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridbee.settings")


class SyncChainASGIHandler(ASGIHandler):
    """Django's ASGI handler with the middleware chain run as one synchronous call.

    Django's own builds the chain in async mode: every dual-mode middleware (sessions, CSRF,
    auth, messages...) then hops to the sync thread and back for each of its hooks, about a
    dozen thread switches per request, although every view but the live streams is sync.
    Here the whole chain runs in one hop; the live views (async) are awaited from it, and
    their streams are still sent by the event loop, so they hold no thread while open."""

    def load_middleware(self, is_async=False):
        super().load_middleware(is_async=False)
        self._middleware_chain = sync_to_async(self._middleware_chain, thread_sensitive=True)


def _application() -> RequestSizeGuard:
    """The handler behind the request size guard, which must come first: the handler reads
    the whole body before any of Django's middleware runs."""
    django.setup(set_prefix=False)
    return RequestSizeGuard(SyncChainASGIHandler())


application = _application()
