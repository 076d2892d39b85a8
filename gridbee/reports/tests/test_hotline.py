"""Phoned-in reports (专人专岗应哨): the operator on duty records a caller's report; it runs as
any report, and the callback number is kept apart and shown masked."""

import json

import pytest
from django.test import Client

from gridbee.cases.choices import ReportSource, Urgency
from gridbee.cases.models import Case, Report
from gridbee.geo.tests import layers
from gridbee.reports import hotline
from gridbee.reports.models import HotlineCall

pytestmark = pytest.mark.django_db
AT = (layers.Y0 + 0.005, layers.X0 + 0.005)


def api(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def call(client, key="call-1", **extra):
    body = {"category": "trapped_in_lift", "lat": AT[0], "lon": AT[1], "urgent": True,
            "text": "电梯困人", "callback": "13912345678", **extra}  # fmt: skip
    return client.post(
        "/api/reports/hotline",
        json.dumps(body),
        content_type="application/json",
        headers={"Idempotency-Key": key},
    )


def test_a_phoned_in_report_runs_as_any_report_once(county):
    operator = api(county.operator)
    first, again = call(operator), call(operator)
    assert (first.status_code, again.status_code) == (201, 200)
    report = Report.objects.get()
    assert report.source == ReportSource.HOTLINE and report.partner is None
    case = Case.objects.get()
    assert case.urgency == Urgency.EMERGENCY and case.grid is not None
    hotline = HotlineCall.objects.get()
    assert hotline.callback == "13912345678" and hotline.masked_callback == "139****5678"
    assert hotline.taken_by == county.operator
    page = operator.get("/console/hotline/").content.decode()
    assert "139****5678" in page and "13912345678" not in page
    assert "13912345678" not in operator.get(f"/api/cases/{case.pk}").content.decode()


def test_bad_calls_are_refused(county):
    operator = api(county.operator)
    assert call(operator, callback="call me").json()["code"] == "reports.callback_invalid"
    assert call(operator, key="k2", lat=26.5).json()["code"] == "reports.outside_area"
    assert call(operator, key="k3", lat=91).status_code == 400
    assert call(api(county.partner_user), key="k4").status_code == 403
    assert not Report.objects.exists()


def test_the_page_records_a_call(county):
    operator = api(county.operator)
    answer = operator.post(
        "/console/hotline/",
        {"idempotency_key": "page-1", "category": "overflowing_bins", "lat": str(AT[0]),
         "lon": str(AT[1]), "crs": "wgs84", "text": "垃圾满了", "callback": "0854-1234567"},
    )  # fmt: skip
    case = Case.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/console/cases/{case.pk}/"
    assert HotlineCall.objects.get().callback == "0854-1234567"


def test_a_call_and_its_report_are_kept_together_or_not_at_all(county, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("the call's record could not be written")

    def record():
        return hotline.record_call(
            county.operator,
            idempotency_key="call-x",
            category_code="trapped_in_lift",
            lat=AT[0],
            lon=AT[1],
        )

    monkeypatch.setattr(HotlineCall, "save", fail)
    with pytest.raises(RuntimeError):
        record()
    assert not Report.objects.exists() and not Case.objects.exists()
    monkeypatch.undo()
    answer, created = record()
    assert created and HotlineCall.objects.get().report_id == answer["report_id"]
