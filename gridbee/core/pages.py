"""What every app's pages share: who may open a page, how a refusal is shown, and where a form
sends the browser back to."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from gridbee.core.errors import DomainError


def denied(request):
    return render(request, "people/denied.html", status=403)


def needs(allowed):
    """Log in first; then a caller without the permission (a Perm, or a test of the user) gets
    a plain 403 page."""
    from gridbee.core.authz import has_perm

    def test(user) -> bool:
        return allowed(user) if callable(allowed) else has_perm(user, allowed)

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not test(request.user):
                return denied(request)
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
