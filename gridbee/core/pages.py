"""What every app's pages share: who may open a page, how a refusal is shown, and where a form
sends the browser back to.

A refusal is shown one of two ways. A page that may not be opened answers `refusal()`: the one
refusal page, with why and the status (a view deep in helpers may raise PermissionDenied
instead: the site's 403 handler answers the same page). A form that was posted and refused
goes back where it came from with `show_refusal()`'s message on it."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from gridbee.core.errors import DomainError, ErrorCode

NOT_FOR_YOUR_ROLE = _("Not for your role")
ROLE_MAY_NOT_OPEN = _("Your role may not open this page. If you need it, ask your grid centre.")


def refusal(
    request, error: ErrorCode | DomainError | None = None, *, title=None, advice=None
) -> HttpResponse:
    """The page shown instead of the one asked for: the refusal's message under the page's
    title (some advice below it, if given), answered with the refusal's status. Without an
    error: the caller's role may not open this page (403)."""
    context = {
        "title": title or NOT_FOR_YOUR_ROLE,
        "message": error.message if error is not None else ROLE_MAY_NOT_OPEN,
        "advice": advice,
    }
    status = error.status if error is not None else 403
    return render(request, "core/refused.html", context, status=status)


def permission_denied(request, exception=None) -> HttpResponse:
    """The site's 403 handler (urls.handler403): PermissionDenied shows the refusal page."""
    return refusal(request)


def needs(allowed):
    """Log in first; then a caller without the permission (a Perm, or a test of the user) gets
    the refusal page (403)."""
    from gridbee.core.authz import has_perm

    def test(user) -> bool:
        return allowed(user) if callable(allowed) else has_perm(user, allowed)

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not test(request.user):
                return refusal(request)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def show_refusal(request, error: DomainError) -> None:
    """A refusal as a message on the next page; "not found" (also "not yours") as a 404."""
    if error.status == 404:
        raise Http404(error.message)
    messages.error(request, error.message)


def back_to(request, default: str) -> str:
    """The page a form came from (its `next`), when that page is on this site: an open
    redirect would let a link in a phishing SMS borrow our name."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default
