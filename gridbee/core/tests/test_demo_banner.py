"""A database holding the demo city says so on every page, at the cost of one query a minute
per process, not one a page."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gridbee.core.actions import mark_demo
from gridbee.core.models import Flag
from gridbee.core.queries import forget_demo

BANNER = "演示数据"


@pytest.fixture
def fresh(db):
    forget_demo()  # another test's database may have been a demo a moment ago
    yield
    forget_demo()


def test_a_real_database_shows_no_banner(client, fresh):
    assert BANNER not in client.get(reverse("login")).content.decode()


def test_a_demo_database_shows_the_banner_on_every_page(
    client, fresh, admin_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        mark_demo()
    assert BANNER in client.get(reverse("login")).content.decode()
    client.force_login(admin_user)
    with CaptureQueriesContext(connection) as queries:
        home = client.get(reverse("home")).content.decode()
    assert BANNER in home
    assert not [q for q in queries if "core_flag" in q["sql"]], "asked once, then remembered"


def test_the_banner_is_translated(client, fresh, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        mark_demo()
    page = client.get(reverse("login"), headers={"accept-language": "en"}).content.decode()
    assert "Demo data" in page


def test_a_database_that_got_the_demo_city_before_the_flag_existed_is_flagged(
    client, fresh, django_user_model
):
    migration = importlib.import_module("gridbee.core.migrations.0002_demo_flag")
    editor = SimpleNamespace(connection=connection)
    migration.flag_existing_demo(apps, editor)
    assert not Flag.objects.exists()  # no demo administrator: a real database

    django_user_model.objects.create_superuser("13800000007", "gridbee2026", name="孙伟")
    migration.flag_existing_demo(apps, editor)
    assert BANNER in client.get(reverse("login")).content.decode()
