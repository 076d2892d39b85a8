"""Fixtures shared by the whole test suite.

The fixture county (gridbee/people/tests/county.py builds it: one named user per role) is
`county`, with the report categories and a media folder of its own. In a test or module marked
django_db(transaction=True) it is committed, as pytest-django then makes `db` transactional;
`live_county` is the same county always committed, for fixtures that hand it to a server or to
other threads. A test file that needs more in its county overrides `county` (or `live_county`)
with a fixture of that name taking it and adding what it needs.

Browser tests drive Debian's Chromium (/usr/bin/chromium) through Playwright's sync API. Without
that binary they are skipped, unless GRIDBEE_REQUIRE_BROWSER=1 (as in CI), where they fail: a
skipped browser test must not pass silently there."""

import os
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
# Phone viewport the pages are designed for first (an iPhone 12-sized screen).
PHONE_VIEWPORT = {"width": 390, "height": 844}


def pytest_collection_modifyitems(items) -> None:
    """With a streaming replica configured (the province rig), the heavy reads of a server
    thread go there (core/routers.py): every test may use it, as a mirror of its database."""
    from django.conf import settings

    if "replica" not in settings.DATABASES:
        return
    for item in items:
        marker = item.get_closest_marker("django_db")
        kwargs = {**(marker.kwargs if marker else {}), "databases": ["default", "replica"]}
        item.add_marker(pytest.mark.django_db(*(marker.args if marker else ()), **kwargs),
                        append=False)  # fmt: skip


def is_local_url(url: str) -> bool:
    """True for URLs that stay on this machine (or never touch the network: data:, blob:)."""
    parts = urlsplit(url)
    if parts.scheme in {"data", "blob", "about"}:
        return True
    return parts.hostname in LOCAL_HOSTS


def _require_browser() -> bool:
    return os.environ.get("GRIDBEE_REQUIRE_BROWSER", "").strip() == "1"


@pytest.fixture(scope="session")
def chromium_browser():
    """One headless Chromium for the session."""
    if not (os.path.exists(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if _require_browser():
            pytest.fail(f"{message}; GRIDBEE_REQUIRE_BROWSER=1 forbids skipping browser tests")
        pytest.skip(message)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if _require_browser():
            pytest.fail("Playwright for Python is not installed (pip install -e '.[dev]')")
        pytest.skip("Playwright for Python is not installed")

    # Playwright's sync API keeps an event loop running in this thread; Django's ORM then
    # refuses to run in it unless told the calls are really synchronous (they are).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    browser = None
    try:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
    finally:
        if browser is not None:
            browser.close()
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def browser_page(chromium_browser) -> Iterator:
    """A fresh page (own cookies) at a phone viewport. Requests that would leave this machine
    are aborted, so no test ever waits on the internet; tests still see them with
    page.on("request") and can assert there were none."""
    context = chromium_browser.new_context(
        viewport=PHONE_VIEWPORT, locale="zh-CN", service_workers="block"
    )
    context.set_default_timeout(10_000)

    def keep_local(route):
        if is_local_url(route.request.url):
            route.continue_()
        else:
            route.abort("blockedbyclient")

    context.route("**/*", keep_local)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def admin_user(db, django_user_model):
    """pytest-django's own admin_user has the username "admin": ours log in by mobile."""
    return django_user_model.objects.create_superuser(
        "13900000000", "admin-password", name="管理员"
    )


@pytest.fixture
def county(db, settings, tmp_path):
    return _build_county(settings, tmp_path)


@pytest.fixture
def live_county(transactional_db, settings, tmp_path):
    return _build_county(settings, tmp_path)


def _build_county(settings, tmp_path):
    from gridbee.people.tests import county as county_module
    from gridbee.reports.actions import ensure_default_categories
    from gridbee.stats.defaults import ensure_indicators

    settings.MEDIA_ROOT = str(tmp_path)
    # Migrations seed both; a transactional test's flush before this one may have emptied them.
    ensure_default_categories()
    ensure_indicators()
    return county_module.build()
