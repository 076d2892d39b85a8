"""Every services page answers its role (and refuses the others) without a server error."""

import datetime
import io

import pytest
from django.test import Client
from django.utils import timezone

from gridbee.services import codes
from gridbee.services.models import ServicePoint, Signup

from . import factories

pytestmark = pytest.mark.django_db


def client(user=None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def test_partner_pages(county):
    point = factories.station(county, code="P1", services=["water", "toilet"])
    activity = factories.activity(county, starts_in=datetime.timedelta(minutes=-1))
    partner = client(county.partner_user)
    page = partner.get(f"/stations/?lat={factories.LAT}&lon={factories.LON}&service=toilet")
    assert page.status_code == 200 and point.name in page.content.decode()
    assert partner.get("/stations/?lat=abc&lon=1e999").status_code == 200
    sent = partner.post(f"/stations/{point.pk}/report/", {"problem": "closed", "note": ""})
    assert sent.status_code == 302
    assert partner.get("/activities/").status_code == 200
    assert partner.post(f"/activities/{activity.pk}/signup/", {"do": "sign_up"}).status_code == 302
    assert Signup.objects.filter(activity=activity, status="confirmed").count() == 1
    check = partner.post(
        f"/activities/{activity.pk}/check/",
        {"code": codes.code_for(activity), "lat": factories.LAT, "lon": factories.LON,
         "accuracy": "15", "direction": "in"},
    )  # fmt: skip
    assert check.status_code == 200
    assert Signup.objects.get(activity=activity).checked_in_at is not None
    for url in ("/me/volunteer/", "/me/volunteer/certificate/", "/inbox/", "/"):
        assert partner.get(url).status_code == 200, url
    assert partner.get("/stations/manage/").status_code == 403
    assert partner.get(f"/activities/{activity.pk}/code/").status_code == 403
    assert partner.get("/review/rules/").status_code == 403


def test_operator_pages(county):
    operator = client(county.operator)
    assert operator.get("/stations/manage/").status_code == 200
    saved = operator.post("/stations/manage/", {
        "name": "新驿站", "kind": "caring", "services": ["water"], "hours_1": "08:00-20:00",
        "lat": str(factories.LAT), "lon": str(factories.LON),
    })  # fmt: skip
    assert saved.status_code == 302 and ServicePoint.objects.filter(name="新驿站").exists()
    bad = operator.post("/stations/manage/", {"file": io.BytesIO(b"name,lat,lon\n,1,2\n")})
    assert bad.status_code == 200 and "import-errors" in bad.content.decode()
    assert operator.get("/stations/export.csv").status_code == 200
    now = timezone.localtime()
    published = operator.post("/activities/new/", {
        "title": "护学岗", "kind": "school_gate", "lat": factories.LAT, "lon": factories.LON,
        "radius_m": 150, "capacity": 4,
        "starts_at": (now + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (now + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
    })  # fmt: skip
    assert published.status_code == 302
    pk = int(published["Location"].rstrip("/").rsplit("/", 1)[-1])
    for url in (f"/activities/{pk}/", f"/activities/{pk}/code/", f"/activities/{pk}/code/now/",
                f"/activities/{pk}/scan/"):  # fmt: skip
        assert operator.get(url).status_code == 200, url
    scanned = operator.post(f"/activities/{pk}/scan/", {"certificate": "nonsense"})
    assert scanned.status_code == 302


def test_reviewer_and_captain_pages(county):
    reviewer = client(county.reviewer)
    assert reviewer.get("/review/rules/").status_code == 200
    form = {"form": "rules", "first_report_points": 12, "report_points": 3, "check_in_points": 2,
            "activity_points": 5, "alert_points": 5, "daily_cap": 50, "grade1_fen": 5000,
            "grade2_fen": 10000, "grade3_fen": 15000, "grade4_fen": 20000,
            "cash_for": "first_emergency", "redemption_days": 10, "false_report_limit": 3,
            "separate_cash_approval_and_payment": "on"}  # fmt: skip
    assert reviewer.post("/review/rules/", form).status_code == 302
    assert "first_report_points" in reviewer.get("/review/rules/").content.decode()
    captain = client(county.team_lead)
    assert captain.get("/squads/").status_code == 302
    assert captain.get(f"/squads/{county.team.pk}/").status_code == 200
    assert client(county.far_reviewer).get(f"/squads/{county.team.pk}/").status_code == 404
    assert client().get("/volunteer/check/nothing/").status_code == 404


def test_the_administrator_names_the_county_of_what_they_create(county):
    from gridbee.geo.tests import layers
    from gridbee.services.models import Activity

    admin = client(county.users["admin"])
    assert 'name="county"' in admin.get("/activities/new/").content.decode()
    assert 'name="county"' in admin.get("/stations/manage/").content.decode()
    assert 'name="county"' not in client(county.operator).get("/activities/new/").content.decode()

    start = timezone.localtime() + datetime.timedelta(days=1)
    end = start + datetime.timedelta(hours=2)
    body = {"title": "爱骑日", "kind": "riding_day", "lat": factories.LAT, "lon": factories.LON,
            "starts_at": start.isoformat(), "ends_at": end.isoformat(), "capacity": 10}  # fmt: skip
    unnamed = admin.post("/api/activities", body, content_type="application/json")
    assert unnamed.status_code == 400 and unnamed.json()["code"] == "services.county_required"
    named = admin.post("/api/activities", {**body, "county": layers.COUNTY},
                       content_type="application/json")  # fmt: skip
    assert named.status_code == 201, named.content
    assert Activity.objects.get().county_id == layers.COUNTY

    station = {"name": "新驿站", "kind": "other", "lat": factories.LAT, "lon": factories.LON}
    page = admin.post("/stations/manage/", station)
    html = page.content.decode()
    assert page.status_code == 200 and "msg-error" in html
    assert "Choose the county this is for." in html or "请选择所属的县。" in html
    assert not ServicePoint.objects.filter(name="新驿站").exists()
    assert admin.post("/stations/manage/", {**station, "county": layers.COUNTY}).status_code == 302
    assert ServicePoint.objects.get(name="新驿站").county_id == layers.COUNTY

    # Anyone else's county is their own, whatever they name.
    operator = client(county.operator)
    other = operator.post("/api/activities", {**body, "county": "522732000000"},
                          content_type="application/json")  # fmt: skip
    assert other.status_code == 201 and other.json()[0]["id"]
    assert Activity.objects.get(pk=other.json()[0]["id"]).county_id == layers.COUNTY
