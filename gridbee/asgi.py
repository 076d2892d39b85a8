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
    their streams are still sent by the event loop, so they hold no thread while open.

    Nor a database connection: the chain's thread keeps the one it used until the response
    ends (request_finished), which for a stream is when the page closes. So once the chain
    has answered with a stream, that thread hands its connections back to the pool."""

    def load_middleware(self, is_async=False):
        super().load_middleware(is_async=False)
        chain = self._middleware_chain

        def run_chain(request):
            response = chain(request)
            if response.streaming:
                from gridbee.core.live import release_connections  # needs settings

                release_connections()
            return response

        self._middleware_chain = sync_to_async(run_chain, thread_sensitive=True)


def _application() -> RequestSizeGuard:
    """The handler behind the request size guard, which must come first: the handler reads
    the whole body before any of Django's middleware runs."""
    django.setup(set_prefix=False)
    return RequestSizeGuard(SyncChainASGIHandler())


application = _application()
