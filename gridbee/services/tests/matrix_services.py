"""Rows of the API role matrix (people/tests/test_api_matrix.py) for the services operations:
stations, activities, county rules and shop items, squads, the inbox."""

import datetime
import io

from django.utils import timezone

from gridbee.geo.tests import layers
from gridbee.people.models import TeamMember
from gridbee.people.tests.matrix_base import EVERYONE, LOGGED_IN, Op, only
from gridbee.reports.tests import images
from gridbee.rewards.models import Item
from gridbee.services import actions_activities, actions_inbox, codes, volunteer
from gridbee.services.models import Activity

from . import factories

KEEPERS = ["station", "operator", "admin"]  # the fixture's station keeps the station
BY_COUNTY = ["station", "operator"]  # in one's own county: the admin names one (400 without)
CSV = (
    "code,name,kind,services,hours_1,lat,lon\n"
    f"M1,矩阵驿站,warm_home,water,08:00-20:00,{factories.LAT},{factories.LON}\n"
)


def station(county) -> None:
    county.svc_station = factories.station(county, code="M0", station_id=county.station.pk).pk


def activity(county) -> None:
    """An activity under way, the fixture's partner signed up."""
    made = factories.activity(county, starts_in=datetime.timedelta(minutes=-1), points=2)
    actions_activities.sign_up(made.pk, actor=county.partner_user)
    county.svc_activity = made.pk


def certificate(county) -> None:
    county.vtoken = volunteer.certificate_for(county.partner).token


def item(county) -> None:
    county.svc_item = Item.objects.create(
        county_id=layers.COUNTY, name="雨衣", kind="goods", price=20, stock=5
    ).pk


def member(county) -> None:
    (newcomer,) = factories.partners(county, 1)
    TeamMember.objects.create(team=county.team, partner=newcomer, role="member")
    county.svc_member = newcomer.pk


def notice(county) -> None:
    county.svc_notice = actions_inbox.notify(county.partner_user, "test", "你好").pk


def check_body(county) -> dict:
    found = Activity.objects.get(pk=county.svc_activity)
    return {"code": codes.code_for(found), "lat": factories.LAT, "lon": factories.LON,
            "accuracy": 10, "direction": "in"}  # fmt: skip


def activity_body(county) -> dict:
    start = timezone.now() + datetime.timedelta(days=1)
    return {"title": "护学岗", "kind": "school_gate", "lat": factories.LAT,
            "lon": factories.LON, "starts_at": start.isoformat(),
            "ends_at": (start + datetime.timedelta(hours=1)).isoformat(),
            "capacity": 5}  # fmt: skip


STATION_BODY = {"name": "矩阵站", "lat": factories.LAT, "lon": factories.LON,
                "services": ["water"], "hours": {"1": "08:00-20:00"}}  # fmt: skip
TEAM_VIEWERS = ["partner", "team_lead", "operator", "reviewer", "admin"]
NOT_PARTNER = {r: 403 for r in LOGGED_IN if r != "partner"}

OPS: dict = {
    "svc_nearest": Op(
        "GET", f"/api/stations/nearest?lat={factories.LAT}&lon={factories.LON}",
        only(200, LOGGED_IN), prepare=station,
    ),
    "svc_stations": Op("GET", "/api/stations", only(200, LOGGED_IN), prepare=station),
    "svc_managed": Op("GET", "/api/stations/managed", only(200, [*KEEPERS, "far_station"])),
    "svc_export": Op("GET", "/api/stations/export", only(200, [*KEEPERS, "far_station"])),
    "svc_import": Op(
        "POST", "/api/stations/import", {**only(200, [*BY_COUNTY, "far_station"]), "admin": 400},
        multipart=True, body=lambda c: {"file": io.BytesIO(CSV.encode())},
    ),
    "svc_create": Op(
        "POST", "/api/stations", {**only(201, [*BY_COUNTY, "far_station"]), "admin": 400},
        body=STATION_BODY,
    ),
    "svc_station": Op("GET", "/api/stations/{svc_station}", only(200, LOGGED_IN), prepare=station),
    "svc_update": Op(
        "PUT", "/api/stations/{svc_station}", {**only(200, KEEPERS), "far_station": 404},
        body=STATION_BODY, prepare=station,
    ),
    "svc_active": Op(
        "POST", "/api/stations/{svc_station}/active", {**only(200, KEEPERS), "far_station": 404},
        body={"active": False}, prepare=station,
    ),
    "svc_checked": Op(
        "POST", "/api/stations/{svc_station}/checked",
        {**only(200, KEEPERS), "far_station": 404}, prepare=station,
    ),
    "svc_photo": Op(
        "POST", "/api/stations/{svc_station}/photos", {**only(201, KEEPERS), "far_station": 404},
        multipart=True, prepare=station,
        body=lambda c: {"photo": io.BytesIO(images.jpeg(320, 240))},
    ),
    "svc_report": Op(
        "POST", "/api/stations/{svc_station}/reports", {**NOT_PARTNER, "partner": 201},
        body={"problem": "closed", "note": ""}, prepare=station,
    ),
    "svc_activities": Op("GET", "/api/activities", only(200, LOGGED_IN), prepare=activity),
    "svc_publish": Op(
        "POST", "/api/activities", {"operator": 201, "admin": 400}, body=activity_body,
    ),
    "svc_activity": Op(
        "GET", "/api/activities/{svc_activity}",
        {**only(200, ["partner", "team_lead", "station", "operator", "department", "reviewer",
                      "admin"]), "far_reviewer": 404, "far_station": 404},
        prepare=activity,
    ),
    "svc_cancel": Op(
        "POST", "/api/activities/{svc_activity}/cancel", only(200, ["operator", "admin"]),
        prepare=activity,
    ),
    "svc_sign_up": Op(
        "POST", "/api/activities/{svc_activity}/signup", {**NOT_PARTNER, "partner": 200},
        prepare=activity,
    ),
    "svc_sign_off": Op(
        "DELETE", "/api/activities/{svc_activity}/signup", {**NOT_PARTNER, "partner": 200},
        prepare=activity,
    ),
    "svc_check": Op(
        "POST", "/api/activities/{svc_activity}/check", {**NOT_PARTNER, "partner": 200},
        body=check_body, prepare=activity,
    ),
    "svc_code": Op(
        "GET", "/api/activities/{svc_activity}/code", only(200, ["operator", "admin"]),
        prepare=activity,
    ),
    "svc_scan": Op(
        "POST", "/api/activities/{svc_activity}/scans", only(200, ["operator", "admin"]),
        body=lambda c: {"certificate": c.partner.certificate.token}, prepare=activity,
    ),
    "svc_signups": Op(
        "GET", "/api/activities/{svc_activity}/signups", only(200, ["operator", "admin"]),
        prepare=activity,
    ),
    "svc_my_record": Op("GET", "/api/me/volunteer", {**NOT_PARTNER, "partner": 200}),
    "svc_certificate": Op(
        "GET", "/api/volunteer-certificates/{vtoken}", only(200, EVERYONE), prepare=certificate,
    ),
    "svc_rules": Op(
        "GET", "/api/county/rules", {**only(200, ["reviewer", "far_reviewer"]), "admin": 400}
    ),
    "svc_change_rules": Op(
        "PATCH", "/api/county/rules", {**only(200, ["reviewer", "far_reviewer"]), "admin": 400},
        body={"check_in_points": 3},
    ),
    "svc_rule_history": Op(
        "GET", "/api/county/rules/history", only(200, ["reviewer", "admin", "far_reviewer"])
    ),
    "svc_items": Op(
        "GET", "/api/county/shop/items", only(200, ["reviewer", "admin", "far_reviewer"])
    ),
    "svc_create_item": Op(
        "POST", "/api/county/shop/items",
        {**only(201, ["reviewer", "far_reviewer"]), "admin": 400},
        body={"name": "矿泉水", "price": 5, "stock": 10},
    ),
    "svc_change_item": Op(
        "PATCH", "/api/county/shop/items/{svc_item}",
        {**only(200, ["reviewer", "admin"]), "far_reviewer": 404},
        body={"price": 15}, prepare=item,
    ),
    "svc_team_month": Op(
        "GET", "/api/teams/{team}/month", {**only(200, TEAM_VIEWERS), "far_reviewer": 404}
    ),
    "svc_sub_captain": Op(
        "POST", "/api/teams/{team}/sub-captains", only(200, ["team_lead", "admin"]),
        body=lambda c: {"partner_id": c.partner.pk},
    ),
    "svc_step_down": Op(
        "DELETE", "/api/teams/{team}/sub-captains/{partner}", only(200, ["team_lead", "admin"])
    ),
    "svc_move": Op(
        "PUT", "/api/teams/{team}/members/{svc_member}/squad", only(200, ["team_lead", "admin"]),
        body=lambda c: {"squad_lead_id": c.partner.pk}, prepare=member,
    ),
    "svc_team_rule": Op(
        "PUT", "/api/teams/{team}/rule", only(200, ["team_lead", "admin"]),
        body=lambda c: {"station_id": c.station.pk},
    ),
    "svc_referral": Op(
        "POST", "/api/referrals", only(201, ["team_lead", "admin"]),
        body=lambda c: {"name": "王推荐", "mobile": "13700000077",
                        "id_number": "522731199001010014", "station_id": c.station.pk,
                        "grid_codes": ["522731001001001"]},
    ),
    "svc_inbox": Op("GET", "/api/inbox", only(200, LOGGED_IN), prepare=notice),
    "svc_unread": Op("GET", "/api/inbox/unread", only(200, LOGGED_IN), prepare=notice),
    "svc_read": Op("POST", "/api/inbox/read", only(200, LOGGED_IN), body={}, prepare=notice),
    "svc_read_one": Op(
        "POST", "/api/inbox/notice/{svc_notice}/read", {**only(404, LOGGED_IN), "partner": 200},
        prepare=notice,
    ),
}  # fmt: skip
PATH_PARAMETERS: dict[str, str] = {
    "{svc_station}": "{station_id}",
    "{svc_activity}": "{activity_id}",
    "{vtoken}": "{token}",
    "{svc_item}": "{item_id}",
    "{svc_member}": "{partner_id}",
    "/inbox/notice/{svc_notice}/": "/inbox/{source}/{item_id}/",
}
