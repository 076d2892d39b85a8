# ruff: noqa: E501 - one station per line reads best as a table
"""The demo county's services: a dozen stations with services and hours around the county
seat, this month's 爱骑日 (the 27th, monthly) and a school-gate duty (护学岗, weekly) with
sign-ups and attendance, a team rule for new partners, and a filled inbox. Made through the
actions, except attendance in the past, written as it would have been recorded."""

import datetime

from django.utils import timezone

from gridbee.people.choices import Role
from gridbee.people.demo import DEMO_ACCOUNTS, DEMO_COUNTY
from gridbee.people.models import Partner, Team, User

from . import actions_activities, actions_inbox, actions_stations, actions_teams
from .choices import SignupStatus
from .models import Signup

SEAT = (26.1328, 106.6564)  # 惠水县城 (geo.maps.MAP_CENTER)
DAY = "08:00-21:00"
WEEK = dict.fromkeys(map(str, range(1, 8)), DAY)
# name, kind, services, (Δlat, Δlon), 24h, address
STATIONS = [
    ("涟江暖新驿站", "warm_home", ["water", "seats", "phone_charging", "hot_food", "toilet", "wifi"], (0.001, 0.002), False, "涟江街道凤山社区广场旁"),
    ("凤山社区爱心驿站", "caring", ["water", "seats", "medicine", "rain_gear"], (0.004, -0.003), False, "凤山社区服务中心一楼"),
    ("幸福社区暖新驿站", "warm_home", ["water", "phone_charging", "ebike_charging", "climate"], (-0.003, 0.005), False, "幸福社区新民路12号"),
    ("惠水县司机之家", "drivers_home", ["water", "seats", "toilet", "hot_food", "ev_charging", "wifi"], (0.009, 0.011), True, "长田乡高速出口服务区"),
    ("西山社区爱心驿站", "caring", ["water", "rain_gear", "medicine"], (-0.006, -0.008), False, "西山社区党群服务站"),
    ("濛江社区暖新驿站", "warm_home", ["water", "seats", "phone_charging", "toilet"], (0.012, -0.004), False, "濛江社区文体广场"),
    ("杨梅社区暖新驿站", "warm_home", ["water", "ebike_charging", "hot_food"], (-0.010, 0.002), False, "杨梅社区便民服务点"),
    ("美团骑手暖心驿站", "warm_home", ["water", "seats", "phone_charging", "ebike_charging", "wifi"], (0.002, -0.001), True, "美团外卖惠水站内"),
    ("顺丰快递小哥驿站", "caring", ["water", "toilet", "climate"], (0.006, 0.006), False, "顺丰速运惠水营业部旁"),
    ("县人民医院爱心驿站", "caring", ["water", "seats", "toilet", "medicine", "climate"], (-0.002, -0.006), True, "县人民医院门诊楼东侧"),
    ("城南加油站司机之家", "drivers_home", ["water", "toilet", "ev_charging", "seats"], (-0.015, 0.009), True, "城南中石化加油站"),
    ("涟江公园爱心驿站", "caring", ["water", "seats", "rain_gear"], (0.007, -0.011), False, "涟江公园北门"),
]  # fmt: skip


def create_demo_services() -> None:
    operator = _user(Role.OPERATOR)
    for n, (name, kind, services, (dlat, dlon), all_day, address) in enumerate(STATIONS):
        hours = {**WEEK, "7": "" if n % 5 == 4 else DAY, "holiday": "09:00-17:00"}
        actions_stations.save_station(
            {"code": f"HS{n + 1:03d}", "name": name, "kind": kind, "services": services,
             "hours": hours, "open_24h": all_day, "address": address, "contact": "0854-6221000",
             "lat": SEAT[0] + dlat, "lon": SEAT[1] + dlon,
             "last_checked": timezone.localdate() - datetime.timedelta(days=3 * n)},
            actor=operator,
        )  # fmt: skip
    partners = list(
        Partner.objects.filter(county_id=DEMO_COUNTY, status="active").select_related("user")[:14]
    )
    demo_partner = _user(Role.PARTNER).partner
    if demo_partner not in partners:
        partners = [demo_partner, *partners[:13]]
    riding_day = _riding_day(operator)
    school_gate = _school_gate(operator)
    for activity in (riding_day, school_gate):
        _attend(activity, partners)
    _team(demo_partner)
    actions_inbox.notify(
        demo_partner.user,
        "welcome",
        "欢迎使用蜂格：附近的暖新驿站、本月爱骑日和护学岗都在“服务”里。",
        "/stations/",
    )
    actions_inbox.notify(demo_partner.user, "activity",
                         f"{riding_day.title}报名已开放，每月27日举行。", f"/activities/{riding_day.pk}/")  # fmt: skip


def _user(role) -> User:
    mobile = next(a["mobile"] for a in DEMO_ACCOUNTS if a["role"] == role)
    return User.objects.get(mobile=mobile)


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _riding_day(operator):
    """爱骑日: the 27th of every month, 9:00–11:30, from this month's."""
    day = timezone.localdate().replace(day=27)
    return actions_activities.publish(
        {"title": "爱骑日·骑手安全骑行宣传", "kind": "riding_day", "place": "涟江公园北门",
         "lat": SEAT[0] + 0.007, "lon": SEAT[1] - 0.011, "radius_m": 300, "capacity": 12,
         "starts_at": _at(day, 9), "ends_at": _at(day, 11, 30),
         "signup_opens_at": _at(day, 9) - datetime.timedelta(days=40),
         "signup_closes_at": _at(day, 9), "recurrence": "monthly",
         "description": "每月27日：交通安全宣传、文明骑行倡议，参加满60%时长计志愿时长和积分。"},
        actor=operator,
    )[0]  # fmt: skip


def _school_gate(operator):
    """护学岗: school days 7:10–8:10 at the primary school's gate, weekly from today."""
    today = timezone.localdate()
    return actions_activities.publish(
        {"title": "护学岗·城关一小", "kind": "school_gate", "place": "城关第一小学校门",
         "lat": SEAT[0] - 0.002, "lon": SEAT[1] + 0.003, "radius_m": 150, "capacity": 6,
         "starts_at": _at(today, 7, 10), "ends_at": _at(today, 8, 10),
         "signup_opens_at": _at(today, 7, 10) - datetime.timedelta(days=3),
         "signup_closes_at": _at(today, 7, 10), "recurrence": "weekly"},
        actor=operator,
    )[0]  # fmt: skip


def _attend(activity, partners) -> None:
    """Sign-ups (the first ones get places, the rest wait); for an activity already held,
    the attendance as it was recorded, credited and paid through the ledger once."""
    now = timezone.now()
    for n, partner in enumerate(partners[: activity.capacity + 2]):
        status = SignupStatus.CONFIRMED if n < activity.capacity else SignupStatus.WAITING
        signup = Signup.objects.create(activity=activity, partner=partner, status=status,
                                       signed_up_at=activity.signup_opens_at
                                       + datetime.timedelta(minutes=n))  # fmt: skip
        if status != SignupStatus.CONFIRMED or activity.ends_at > now or n % 4 == 3:
            continue
        signup.checked_in_at = activity.starts_at + datetime.timedelta(minutes=n)
        signup.checked_out_at = activity.ends_at - datetime.timedelta(minutes=2 * n)
        signup.check_in_method = "code" if n % 3 else "organiser"
        signup.credited_minutes = actions_activities.credited_minutes(
            activity, signup.checked_in_at, signup.checked_out_at
        )
        signup.save()
        if signup.credited_minutes:
            actions_activities.award_points(activity, partner)


def _team(demo_partner) -> None:
    """New partners join the county's team (its squads are the people demo's)."""
    team = Team.objects.filter(county_id=DEMO_COUNTY).first()
    if team is not None and team.captain is not None:
        actions_teams.set_team_rule(actor=team.captain, team_id=team.pk)
