"""Exports, streamed and read back: the CSV line by line, the XLSX with openpyxl; a league
table as XLSX."""

import csv
import datetime
import io
import re

import pytest
from openpyxl import load_workbook

from gridbee.cases.models import Case

from .scoping import MARCH, month_of_history

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(county):
    month_of_history(county)
    return county


def test_the_cases_behind_a_number_stream_as_csv_and_read_back(client, history):
    client.force_login(history.reviewer)
    response = client.get("/stats/cases.csv", {"period": MARCH, "indicator": "due"})
    assert response.status_code == 200
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {int(r["id"]) for r in rows} == set(history.history)
    first = next(r for r in rows if int(r["id"]) == history.history[0])
    assert first["county_code"] == "522731000000"
    assert first["grid_code"] == history.g1.code
    assert first["department_code"] == "cgj"
    assert first["service_request_id"] == first["id"]
    assert first["open311_status"] == "closed"
    assert first["handled_on_time"] == "1"
    # Moments in UTC to the second, as the database writes them (+08:00 in the timeline).
    opened = Case.objects.get(pk=history.history[0]).opened_at.astimezone(datetime.UTC)
    assert first["opened_at"] == first["requested_datetime"] == opened.isoformat("T", "seconds")
    assert first["opened_at"] == "2026-03-02T01:00:00+00:00"
    assert first["accept_at"] == "2026-03-02T01:30:00+00:00"
    assert first["verify_pass_at"] == first["updated_datetime"] == first["closed_at"]
    assert re.fullmatch(r"2026-03-\d\dT\d\d:\d\d:\d\d\+00:00", first["verify_pass_at"])
    overdue = [r for r in rows if r["escalated"] == "1"]
    assert len(overdue) == 2 and all(r["verify_pass_at"] == "" for r in overdue)


def test_a_partner_report_is_placed_to_about_100_m_and_formulas_stay_text(client, history):
    case = Case.objects.get(pk=history.history[0])
    Case.objects.filter(pk=case.pk).update(lat=26.123456, lon=106.654321)
    from gridbee.cases.models import Category

    Category.objects.filter(pk=case.category_id).update(name="=HYPERLINK(1)")
    client.force_login(history.reviewer)
    response = client.get("/stats/cases.csv", {"period": MARCH})
    rows = list(
        csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    )
    mine = next(r for r in rows if int(r["id"]) == case.pk)
    assert (mine["lat"], mine["lon"]) == ("26.123", "106.654")
    assert mine["category"] == "'=HYPERLINK(1)"


def test_the_cases_as_xlsx_read_back(client, history):
    client.force_login(history.operator)
    response = client.get("/stats/cases.xlsx", {"period": MARCH, "indicator": "closed"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    sheet = book["cases"]
    lines = list(sheet.iter_rows(values_only=True))
    assert lines[0][0] == "id"
    assert len(lines) == 1 + 13


def test_a_league_table_as_xlsx_names_the_bottom_three(client, history):
    client.force_login(history.reviewer)
    response = client.get("/stats/league/department.xlsx", {"period": MARCH})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.active
    lines = [line for line in sheet.iter_rows(values_only=True) if any(line)]
    assert lines[0][:2] == ("名次", "职能部门")
    assert [line[1] for line in lines[1:3]] == ["水务局", "城管局"]
    assert lines[-2][0] == "末三位"
