"""Where a page sends the browser after a form: back to the page the form came from, when that
page is on this site (an open redirect would let a link in a phishing SMS borrow our name)."""

from django.utils.http import url_has_allowed_host_and_scheme


def back_to(request, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default
