"""One person's browser for the browser tests: a context of its own, logged in as them, at a
phone's size unless told otherwise. Requests that would leave this machine are aborted, and
every script error on the page is kept."""

from contextlib import contextmanager

from django.test import Client

from gridbee.conftest import PHONE_VIEWPORT, is_local_url


def open_page(browser, base_url: str, user=None, *, block_live=False, **options):
    """(page, errors). `block_live` aborts the live streams too (Server-Sent Events are endless,
    and a WSGI test server would give one of its few threads to each); `options` go to
    browser.new_context (geolocation, permissions, accept_downloads…)."""
    options = {"viewport": PHONE_VIEWPORT, "locale": "zh-CN", "service_workers": "block"} | options
    context = browser.new_context(**options)
    context.set_default_timeout(10_000)

    def keep_local(route):
        url = route.request.url
        if is_local_url(url) and not (block_live and "/live/" in url):
            route.continue_()
        else:
            route.abort("blockedbyclient")

    context.route("**/*", keep_local)
    if user is not None:
        client = Client()
        client.force_login(user)
        session = client.cookies["sessionid"].value
        context.add_cookies([{"name": "sessionid", "value": session, "url": base_url}])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return page, errors


@contextmanager
def phone_of(browser, base_url: str, user, **options):
    """A logged-in page for a `with` block; the page may raise no script error meanwhile."""
    page, errors = open_page(browser, base_url, user, **options)
    try:
        yield page
    finally:
        page.context.close()
    assert errors == []
