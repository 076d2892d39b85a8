"""Stations: kept by the county, found nearest and open, imported whole or not at all,
exported to import back unchanged, and reported wrong as a case in the operators' queue."""

import datetime
import io
import json

import pytest
from django.test import Client
from django.utils import timezone

from gridbee.cases import workflow
from gridbee.cases.models import Case, Message
from gridbee.cases.queries import cases_for
from gridbee.core.errors import DomainError
from gridbee.geo.tests import layers
from gridbee.services import actions_stations, hours, io_stations, nearest
from gridbee.services.kinds import STATION_REPORT
from gridbee.services.models import ServicePoint

from . import factories

pytestmark = pytest.mark.django_db


def client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_opening_hours_across_midnight_holidays_and_24h():
    h = {"1": "08:00-12:00,14:00-20:00", "5": "22:00-06:00", "holiday": ""}
    monday = datetime.datetime(2026, 12, 7, 9, 0)
    assert hours.is_open(h, False, monday)
    assert not hours.is_open(h, False, monday.replace(hour=13))
    assert hours.is_open(h, False, datetime.datetime(2026, 12, 11, 23, 0))  # Friday night
    assert hours.is_open(h, False, datetime.datetime(2026, 12, 12, 5, 0))  # past midnight
    assert not hours.is_open(h, False, datetime.datetime(2026, 12, 12, 7, 0))
    national_day = datetime.datetime(2026, 10, 1, 9, 0)  # a Thursday, a holiday: closed
    assert not hours.is_open({**h, "4": "08:00-20:00"}, False, national_day)
    assert hours.is_open({}, True, national_day)
    with pytest.raises(DomainError):
        hours.clean({"1": "8-20"})


def test_nearest_open_with_a_service_and_walking_distance(county):
    near = factories.station(county, "近站", services=["water"], code="A")
    closed = factories.station(county, "关门站", services=["toilet"], hours={}, code="B",
                               lat=factories.LAT + 0.001)  # fmt: skip
    toilet = factories.station(county, "远站", services=["toilet", "water"], code="C",
                               lat=factories.LAT + 0.01)  # fmt: skip
    found = nearest.nearest(factories.LAT, factories.LON, service="toilet")
    assert [f.point["id"] for f in found] == [toilet.pk]  # the closed one is left out
    assert 1000 < found[0].distance_m < 1200
    assert found[0].walk_m == pytest.approx(found[0].distance_m * nearest.WALK_FACTOR)
    every = nearest.nearest(factories.LAT, factories.LON, open_now=False, limit=3)
    assert [f.point["id"] for f in every] == [near.pk, closed.pk, toilet.pk]

    answer = client(county.partner_user).get(
        f"/api/stations/nearest?lat={factories.LAT}&lon={factories.LON}&service=toilet"
    )
    assert answer.status_code == 200
    assert answer.json()[0]["station"]["name"] == "远站"
    assert answer.json()[0]["walk_minutes"] >= 1
    bad = client(county.partner_user).get(
        f"/api/stations/nearest?lat={factories.LAT}&lon={factories.LON}&service=spa"
    )
    assert bad.status_code == 400 and bad.json()["code"] == "services.unknown_service"


CSV_GOOD = (
    "code,name,kind,services,hours_1,hours_2,hours_3,hours_4,hours_5,hours_6,hours_7,"
    "hours_holiday,open_24h,address,contact,lat,lon,last_checked,station_id\n"
    "W1,城东驿站,warm_home,water|toilet,08:00-20:00,08:00-20:00,,,,,,,false,东街1号,0854-1,"
    f"{factories.LAT},{factories.LON},2026-11-01,\n"
    f"W2,司机之家,drivers_home,ev_charging,,,,,,,,,true,,,{factories.LAT},{factories.LON},,\n"
)


def test_import_with_bad_rows_is_refused_whole_with_each_rows_errors(county):
    bad = CSV_GOOD + (
        "W3,,warm_home,water,,,,,,,,,false,,,26.1,106.6,,\n"
        "W4,坏时间,warm_home,spa,8点-20点,,,,,,,,false,,,95,106.6,,\n"
        "W1,重复,warm_home,water,,,,,,,,,false,,,26.1,106.6,,\n"
    )
    with pytest.raises(DomainError) as refused:
        actions_stations.import_rows(io_stations.read(bad.encode()), actor=county.operator)
    assert refused.value.code == "services.import_refused"
    rows = {r["row"]: set(r["errors"]) for r in refused.value.details["rows"]}
    assert rows == {3: {"name"}, 4: {"services", "hours", "lat"}, 5: {"code"}}
    assert ServicePoint.objects.count() == 0  # nothing of the good rows either

    answer = client(county.operator).post(
        "/api/stations/import", {"file": io.BytesIO(bad.encode("utf-8-sig"))}
    )
    assert answer.status_code == 400
    assert [r["row"] for r in answer.json()["details"]["rows"]] == [3, 4, 5]
    assert ServicePoint.objects.count() == 0


def test_import_export_round_trip_csv_and_geojson(county):
    result = actions_stations.import_rows(
        io_stations.read(("\ufeff" + CSV_GOOD).encode()), actor=county.operator
    )
    assert result == {"created": 2, "updated": 0}
    w1 = ServicePoint.objects.get(code="W1")
    assert w1.services == ["water", "toilet"] and w1.hours["1"] == "08:00-20:00"
    assert w1.last_checked == datetime.date(2026, 11, 1)
    operator = client(county.operator)
    exported = operator.get("/api/stations/export?format=geojson")
    assert exported.status_code == 200
    collection = json.loads(exported.content)
    assert {f["properties"]["code"] for f in collection["features"]} == {"W1", "W2"}
    csv_text = operator.get("/api/stations/export?format=csv").content
    again = actions_stations.import_rows(io_stations.read(csv_text), actor=county.operator)
    assert again == {"created": 0, "updated": 2}
    collection["features"][0]["properties"]["name"] = "改名驿站"
    again = actions_stations.import_rows(
        io_stations.read(json.dumps(collection).encode(), "x.geojson"), actor=county.operator
    )
    assert again == {"created": 0, "updated": 2}
    assert ServicePoint.objects.filter(name="改名驿站").count() == 1
    # The far county's reviewer exports nothing of ours; a partner may not export at all.
    assert client(county.partner_user).get("/api/stations/export").status_code == 403


def test_a_partner_reports_a_station_wrong_and_it_waits_in_the_operators_queue(county):
    point = factories.station(county, code="R")
    partner = client(county.partner_user)
    answer = partner.post(f"/api/stations/{point.pk}/reports",
                          {"problem": "closed", "note": "门关了"},
                          content_type="application/json")  # fmt: skip
    assert answer.status_code == 201, answer.content
    again = partner.post(f"/api/stations/{point.pk}/reports",
                         {"problem": "closed", "note": "门关了"},
                         content_type="application/json")  # fmt: skip
    assert again.json()["case_id"] == answer.json()["case_id"]  # a retry files once
    case = Case.objects.get(pk=answer.json()["case_id"])
    assert case.kind == STATION_REPORT and case.county_id == layers.COUNTY
    assert cases_for(county.operator).filter(pk=case.pk).exists()
    assert not cases_for(county.far_reviewer).filter(pk=case.pk).exists()
    assert client(county.operator).get(f"/console/cases/{case.pk}/").status_code == 200
    workflow.act(case.pk, "accept", actor=county.operator)
    assert Message.objects.filter(recipient=county.partner_user, case=case).exists()
    workflow.act(case.pk, "verify_pass", actor=county.operator)
    case.refresh_from_db()
    assert case.status == "closed"


def test_station_staff_keep_only_their_own_station(county):
    own = factories.station(county, code="OWN", station_id=county.station.pk)
    other = factories.station(county, code="OTHER")
    staff = client(county.station_user)
    body = {"name": "改了", "lat": factories.LAT, "lon": factories.LON, "code": "OWN",
            "hours": {"1": "09:00-18:00"}}  # fmt: skip
    assert (
        staff.put(f"/api/stations/{own.pk}", body, content_type="application/json").status_code
        == 200
    )
    assert (
        staff.put(f"/api/stations/{other.pk}", body, content_type="application/json").status_code
        == 404
    )
    far = client(county.far_station_user)
    assert far.post(f"/api/stations/{own.pk}/checked").status_code == 404
    own.refresh_from_db()
    assert own.name == "改了" and own.last_checked is None
    assert staff.post(f"/api/stations/{own.pk}/checked").status_code == 200
    own.refresh_from_db()
    assert own.last_checked == timezone.localdate()
