"""Ids larger than any database row can have (found by the role fuzzing in test_openapi.py):
refused as input or not found, never a 500 (SQLite cannot bind them in an `IN (…)` list)."""

import pytest
from django.test import Client

from gridbee.people.tests import county as county_module
from gridbee.reports.actions import ensure_default_categories
from gridbee.rewards.tests.matrix_cash import approved, reports_of_a_case

HUGE = 2**70


@pytest.fixture
def county(db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    ensure_default_categories()
    return county_module.build()


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_marking_a_huge_reward_id_paid(county):
    due = approved(county)
    api = logged_in(county.reviewer)
    body = {"reward_ids": [due.pk, HUGE], "reference": "R1"}
    response = api.post("/api/cash-payouts/paid", body, content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (400, "invalid_input")
    page = api.post("/review/payouts/paid/", {"reward": [due.pk, HUGE], "reference": "R1"})
    assert page.status_code == 404  # the page's "not found"
    due.refresh_from_db()
    assert due.status == "approved"


def test_splitting_off_a_huge_report_id(county):
    [first, _second] = reports_of_a_case(county, "huge", count=2, steps=[])
    response = logged_in(county.operator).post(
        f"/api/cases/{first.case_id}/split",
        {"report_ids": [HUGE]},
        content_type="application/json",
    )
    assert (response.status_code, response.json()["code"]) == (400, "invalid_input")
