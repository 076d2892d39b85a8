"""The demo county's people: one account per role with fixed mobiles and one shared password, so
a fresh install (and the test suite) can log in as each role at once, and around them the
organisations, partners and team of 惠水县 that make the pages worth looking at. Never for
production use.

Built through the real actions wherever one exists (applications are submitted, recommended by
their station, approved by the county reviewer; suspensions carry reasons), so the demo walks
the same paths as real data and its histories read like real ones. Deterministic: the same
names, mobiles, ID numbers, grids and certificate order on every install."""

import functools
import itertools
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from gridbee.geo.actions import import_grids, import_regions
from gridbee.geo.demo_layer import (
    KM_PER_DEG_LAT,
    KM_PER_DEG_LON,
    SEAT_LAT,
    SEAT_LON,
    huishui_grids,
    huishui_regions,
    short_name,
)
from gridbee.geo.models import Grid, Region
from gridbee.geo.queries import region_prefix

from .actions import (
    act_on_application,
    change_partner_status,
    ensure_default_industries,
    submit_application,
)
from .actions.enrolment import OPEN as OPEN_STATUSES
from .choices import (
    ApplicationAction,
    ApplicationStatus,
    PartnerAction,
    PartnerStatus,
    Role,
    StatusReason,
    TeamRole,
)
from .models import (
    Application,
    Company,
    Department,
    Industry,
    Partner,
    Station,
    Team,
    TeamMember,
    User,
)
from .queries import partner_of

DEMO_PASSWORD = "gridbee2026"
DEMO_COUNTY = "522731000000"  # 惠水县

# role, mobile, name. The 138 0000 00xx numbers are reserved for demos; keep them fixed.
DEMO_ACCOUNTS: list[dict[str, str]] = [
    {"role": Role.PARTNER, "mobile": "13800000001", "name": "李明"},  # 美团骑手
    {"role": Role.TEAM_LEAD, "mobile": "13800000002", "name": "张强"},  # 队长
    {"role": Role.STATION, "mobile": "13800000003", "name": "陈静"},  # 美团站长
    {"role": Role.OPERATOR, "mobile": "13800000004", "name": "刘芳"},  # 专职网格员
    {"role": Role.DEPARTMENT, "mobile": "13800000005", "name": "赵磊"},  # 城管局
    {"role": Role.REVIEWER, "mobile": "13800000006", "name": "周敏"},  # 县委社会工作部
    {"role": Role.ADMIN, "mobile": "13800000007", "name": "孙伟"},  # 系统管理员
    {"role": Role.MEDIATOR, "mobile": "13800000008", "name": "吴静"},  # 劳动争议调解员
    {"role": Role.PLATFORM, "mobile": "13800000009", "name": "郑凯"},  # 美团劳资专员
]

# --- the county's organisations -------------------------------------------------------------

# The six kinds of 三新组织 of the seed: key -> company, industry, its station, where it is.
STATIONS = {
    "meituan": ("美团外卖", "food_delivery", "美团外卖惠水站", "涟江街道凤山社区"),
    "eleme": ("饿了么", "food_delivery", "饿了么惠水站", "涟江街道幸福社区"),
    "sf": ("顺丰速运", "courier", "顺丰速运惠水营业部", "涟江街道涟江社区"),
    "zto": ("中通快递", "courier", "中通快递惠水网点", "涟江街道西山社区"),
    "yto": ("圆通速递", "courier", "圆通速递惠水网点", "涟江街道西山社区"),
    "yunda": ("韵达快递", "courier", "韵达快递惠水网点", "涟江街道濛江社区"),
    "didi": ("滴滴出行", "ride_hailing", "滴滴出行惠水服务站", "涟江街道杨梅社区"),
    "huolala": ("货拉拉", "freight", "货拉拉惠水服务点", "涟江街道杨梅社区"),
    "property": (
        "惠水县涟城物业服务有限公司",
        "property",
        "涟城物业城区服务中心",
        "涟江街道凤山社区",
    ),
    "sanitation": (
        "惠水县洁城环卫服务有限公司",
        "sanitation",
        "洁城环卫城区作业站",
        "涟江街道幸福社区",
    ),
}
DEMO_STATION = "meituan"  # the demo station account's, and the demo partner's

DEPARTMENTS = [
    ("gaj", "惠水县公安局"),
    ("cgj", "惠水县综合行政执法局（城管）"),
    ("zjj", "惠水县住房和城乡建设局"),
    ("scjgj", "惠水县市场监督管理局"),
    ("rsj", "惠水县人力资源和社会保障局"),
    ("yjj", "惠水县应急管理局"),
    ("zrzyj", "惠水县自然资源局"),
    ("wjj", "惠水县卫生健康局"),
    ("jtj", "惠水县交通运输局"),
    ("swj", "惠水县水务局"),
    # Bodies that answer partners' claims (claims app): union, street, mediation, legal aid,
    # and the platform company as a party.
    ("zgh", "惠水县总工会"),
    ("ljjd", "惠水县涟江街道办事处"),
    ("ldtj", "惠水县劳动人事争议调解委员会"),
    ("flyz", "惠水县法律援助中心"),
    ("meituan", "美团外卖惠水站（平台企业）"),
]
DEMO_DEPARTMENT = "cgj"  # the demo department account's
# The organisation the demo mediator and the platform company's account act for.
ROLE_DEPARTMENTS = {Role.MEDIATOR: "ldtj", Role.PLATFORM: "meituan"}

# --- its people -----------------------------------------------------------------------------

M, F = "男", "女"

# Who recommends each station's staff (the 美团 station's is the demo station account).
STATION_MANAGERS = {
    "eleme": "韦建平", "sf": "罗文军", "zto": "杨建华", "yto": "吴国平", "yunda": "王永红",
    "didi": "陈光明", "huolala": "龙德华", "property": "石丽萍", "sanitation": "潘建国",
}  # fmt: skip

# Each station's partners, in the order they enrolled (the demo partner 李明 first of all).
ROSTER: dict[str, list[tuple[str, str]]] = {
    "meituan": [
        ("罗志勇", M), ("韦国强", M), ("王海波", M), ("杨光辉", M), ("吴俊杰", M),
        ("班家乐", M), ("蒙小燕", F), ("岑永福", M), ("龙飞", M), ("石磊", M),
        ("潘文斌", M), ("黄丽娟", F), ("莫小军", M), ("卢德明", M),
    ],
    "eleme": [
        ("陈浩", M), ("何志强", M), ("田晓峰", M), ("胡建华", M), ("罗金花", F),
        ("韦小龙", M), ("杨春燕", F), ("王超", M), ("吴文涛", M), ("岑国华", M),
    ],
    "sf": [("周志刚", M), ("杨德才", M), ("罗小红", F), ("卢建军", M), ("唐勇", M)],
    "zto": [("王国庆", M), ("梁红梅", F), ("班仕林", M), ("蒙德贵", M), ("谢永刚", M)],
    "yto": [("宋家豪", M), ("韦兴旺", M), ("罗玉梅", F), ("高俊", M)],
    "yunda": [("邓小兵", M), ("黄金龙", M), ("吴秀珍", F), ("龙成刚", M), ("杨帆", M)],
    "didi": [
        ("刘志远", M), ("欧阳明", M), ("王桂芬", F), ("罗永健", M), ("韦仁杰", M), ("岑明亮", M),
    ],
    "huolala": [("张国富", M), ("赵永平", M), ("蒙光荣", M), ("石开贵", M)],
    "property": [("李桂兰", F), ("杨秀英", F), ("罗正华", M), ("吴美玲", F), ("潘志平", M)],
    "sanitation": [("王秀芬", F), ("韦桂香", F), ("陈德胜", M), ("班玉珍", F), ("黄大军", M)],
}  # fmt: skip

A = ApplicationAction
# Applications that did not (yet) make a partner, so each review queue has something in it:
# name, sex, station, the steps taken so far (action, note).
PENDING: list[tuple[str, str, str, tuple[tuple[str, str], ...]]] = [
    ("何小勇", M, "meituan", ()),
    ("蒙志华", M, "meituan", ()),
    ("罗家伟", M, "sf", ()),
    ("杨正平", M, "didi", ()),
    ("韦晓丽", F, "meituan", ((A.RECOMMEND, ""),)),
    ("吴建新", M, "eleme", ((A.RECOMMEND, ""),)),
    ("陈玉兰", F, "property", ((A.RECOMMEND, ""),)),
    ("田永刚", M, "yunda", ((A.DECLINE, "经核实非本网点在职快递员，不予推荐。"),)),
    ("黄志明", M, "meituan", (
        (A.RECOMMEND, ""),
        (A.REJECT, "申请人主要在长顺县跑单，请向实际工作地所在县申请。"),
    )),
]  # fmt: skip

# 动态进出, by the county reviewer: name, action, reason, note. In this order.
STATUS_CHANGES = [
    ("莫小军", PartnerAction.SUSPEND, StatusReason.FALSE_REPORTS,
     "两次上报的占道经营信息经核实不实，暂停资格一个月。"),
    ("卢德明", PartnerAction.SUSPEND, StatusReason.INACTIVITY, "连续三个月未上报信息。"),
    ("卢德明", PartnerAction.REINSTATE, StatusReason.REVIEWED, "已恢复接单并按时上报，恢复资格。"),
    ("王超", PartnerAction.SUSPEND, StatusReason.INACTIVITY, "连续三个月未上报信息。"),
    ("石开贵", PartnerAction.REVOKE, StatusReason.OWN_REQUEST, "已离开货拉拉平台，本人申请退出。"),
]  # fmt: skip

# The team (三级体系): the demo team lead is its captain; each squad (分队) has a sub-captain
# (a selected informant, 信息员) and up to SQUAD_MEMBERS members from its stations.
TEAM_NAME = "惠水县“三新群体”基层治理信息员队"
SQUADS = [
    ("罗志勇", ("meituan",)),
    ("陈浩", ("eleme",)),
    ("周志刚", ("sf", "zto")),
    ("邓小兵", ("yto", "yunda")),
    ("刘志远", ("didi", "huolala")),
    ("罗正华", ("property", "sanitation")),
]
SQUAD_MEMBERS = 8

NEAR_GRIDS = 30  # partners work within the county seat's nearest grids
# Made-up mobiles, 137 0000 xxxx: station managers from 0101, applicants from 1001.
DEMO_MOBILE = "1370000{:04d}"


@dataclass
class _Orgs:
    county: Region
    stations: dict[str, Station]
    departments: dict[str, Department]


# --- entry points ---------------------------------------------------------------------------


@transaction.atomic
def create_demo_accounts() -> list[dict[str, str]]:
    """Create the demo accounts that are missing and return all of them with their password.

    Idempotent: an existing account is kept (its password too). Only its role, admin flags and
    scope are put back to what the demo promises, so each demo mobile still opens its role's
    pages. The demo partner is enrolled through the real steps, so it has a certificate and
    grids; this needs the demo county, which is imported first if it is missing."""
    orgs = _organisations(_demo_county())
    accounts, _ = _demo_accounts(orgs)
    return accounts


@transaction.atomic
def create_demo_people() -> list[dict[str, str]]:
    """The demo accounts and, the first time, the county's stations, departments, partners,
    pending applications and team. Returns the demo accounts, as create_demo_accounts does."""
    orgs = _organisations(_demo_county())
    accounts, users = _demo_accounts(orgs)
    if not Team.objects.filter(county=orgs.county, name=TEAM_NAME).exists():
        _populate(orgs, users)
    return accounts


def demo_id_number(n: int, sex: str) -> str:
    """A made-up resident ID number of 惠水县 (522731) for the n-th demo person (n < 100):
    born 1975–2002, the sequence's last digit odd for men and even for women, and the GB 11643
    check character."""
    birth = f"{1975 + n * 7 % 28}{1 + n * 5 % 12:02d}{1 + n * 11 % 28:02d}"
    sex_digit = n % 5 * 2 + (1 if sex == M else 0)
    first17 = f"{DEMO_COUNTY[:6]}{birth}{n % 100:02d}{sex_digit}"
    return first17 + id_check_character(first17)


def id_check_character(first17: str) -> str:
    """GB 11643: weights 2^(17-i) mod 11, the sum mod 11 picks from 1 0 X 9 8 7 6 5 4 3 2."""
    total = sum(int(d) * (2 ** (17 - i) % 11) for i, d in enumerate(first17))
    return "10X98765432"[total % 11]


# --- accounts -------------------------------------------------------------------------------


@functools.cache
def demo_password_hash() -> str:
    """The demo password hashed once: argon2 takes a good part of a second per hash, and every
    demo person shares the same public password."""
    return make_password(DEMO_PASSWORD)


def _demo_accounts(orgs: _Orgs) -> tuple[list[dict], dict[str, User]]:
    users = {}
    for spec in DEMO_ACCOUNTS:
        role = Role(spec["role"])
        if role != Role.PARTNER:
            users[role] = _staff_account(spec["mobile"], spec["name"], role, orgs)
    partner_spec = next(s for s in DEMO_ACCOUNTS if s["role"] == Role.PARTNER)
    users[Role.PARTNER] = _demo_partner(partner_spec, orgs, users)
    accounts = [
        {
            "role": Role(spec["role"]).value,
            "mobile": users[spec["role"]].mobile,
            "password": DEMO_PASSWORD,
            "name": users[spec["role"]].name,
        }
        for spec in DEMO_ACCOUNTS
    ]
    return accounts, users


def _scope(role: Role, orgs: _Orgs, station: Station | None = None) -> dict:
    """What a staff account answers for: its county, its station or its department."""
    scope = {"region_id": None, "station_id": None, "department_id": None}
    if role in (Role.TEAM_LEAD, Role.OPERATOR, Role.REVIEWER):
        scope["region_id"] = orgs.county.pk
    elif role == Role.STATION:
        scope["station_id"] = (station or orgs.stations[DEMO_STATION]).pk
    elif role == Role.DEPARTMENT:
        scope["department_id"] = orgs.departments[DEMO_DEPARTMENT].pk
    elif role in ROLE_DEPARTMENTS:
        scope["department_id"] = orgs.departments[ROLE_DEPARTMENTS[role]].pk
    return scope


def _staff_account(mobile: str, name: str, role: Role, orgs: _Orgs, station=None) -> User:
    """A staff account with its scope; there is no action for staff yet. An existing one keeps
    its password and gets its role, admin flags and scope back."""
    is_admin = role == Role.ADMIN
    wanted = {"role": role, "is_staff": is_admin, "is_superuser": is_admin}
    wanted |= _scope(role, orgs, station)
    user = User.objects.filter(mobile=mobile).first()
    if user is None:
        user = User(mobile=mobile, name=name, password=demo_password_hash(), **wanted)
        user.full_clean()
        user.save()
    elif any(getattr(user, field) != value for field, value in wanted.items()):
        for field, value in wanted.items():
            setattr(user, field, value)
        user.save(update_fields=list(wanted))
    return user


def _demo_partner(spec: dict, orgs: _Orgs, users: dict[str, User]) -> User:
    """The demo partner, enrolled the whole way (apply, recommend, approve). An account of that
    mobile made otherwise (an older demo) is kept as it is, with the partner role."""
    user = User.objects.filter(mobile=spec["mobile"]).first()
    if user is not None:
        if user.role != Role.PARTNER:
            user.role = Role.PARTNER
            user.save(update_fields=["role"])
        return user
    application = Application.objects.filter(
        mobile=spec["mobile"], status__in=OPEN_STATUSES
    ).first()
    if application is None:
        near = _grids_near_seat(orgs.county)
        application = _apply(0, spec["name"], M, orgs.stations[DEMO_STATION], near)
    if application.status == ApplicationStatus.SUBMITTED:
        act_on_application(application.pk, A.RECOMMEND, actor=users[Role.STATION])
    application = act_on_application(application.pk, A.APPROVE, actor=users[Role.REVIEWER])
    return application.partner.user


# --- the county -----------------------------------------------------------------------------


def _demo_county() -> Region:
    """The demo county, importing its layer when a caller wants the accounts on a database
    without it (the web shell's tests)."""
    county = Region.objects.filter(code=DEMO_COUNTY).first()
    if county is None:
        import_regions(huishui_regions())
        import_grids(huishui_grids())
        county = Region.objects.get(code=DEMO_COUNTY)
    return county


def _organisations(county: Region) -> _Orgs:
    ensure_default_industries()  # flushed by transactional tests, seeded by a migration
    industries = {i.code: i for i in Industry.objects.all()}
    stations = {}
    for key, (company_name, industry, station_name, address) in STATIONS.items():
        company, _ = Company.objects.get_or_create(
            name=company_name, defaults={"industry": industries[industry]}
        )
        stations[key], _ = Station.objects.get_or_create(
            county=county, name=station_name, defaults={"company": company, "address": address}
        )
    departments = {}
    for code, name in DEPARTMENTS:
        departments[code], _ = Department.objects.get_or_create(
            county=county, code=code, defaults={"name": name}
        )
    return _Orgs(county=county, stations=stations, departments=departments)


def _grids_near_seat(county: Region, count: int = NEAR_GRIDS) -> list[Grid]:
    """The county's grids nearest the county seat, nearest first (ties by code)."""
    grids = Grid.objects.filter(code__startswith=region_prefix(county.code)).select_related(
        "community"
    )

    def km2(lon: float, lat: float) -> float:
        return ((lon - SEAT_LON) * KM_PER_DEG_LON) ** 2 + ((lat - SEAT_LAT) * KM_PER_DEG_LAT) ** 2

    return sorted(grids, key=lambda g: (km2(g.centroid_lon, g.centroid_lat), g.code))[:count]


def _grids_for(n: int, near: list[Grid]) -> list[Grid]:
    """One grid near the seat, and for two people in three also the grid next to it."""
    if not near:
        return []
    first = near[n % len(near)]
    if n % 3 == 2 or len(near) == 1:
        return [first]

    def km2(g: Grid) -> float:
        return ((g.centroid_lon - first.centroid_lon) * KM_PER_DEG_LON) ** 2 + (
            (g.centroid_lat - first.centroid_lat) * KM_PER_DEG_LAT
        ) ** 2

    neighbour = min((g for g in near if g != first), key=lambda g: (km2(g), g.code))
    return [first, neighbour]


def _apply(n: int, name: str, sex: str, station: Station, near: list[Grid]) -> Application:
    """The n-th demo person applies (n = 0 is the demo partner, whose mobile is fixed)."""
    grids = _grids_for(n, near)
    mobile = DEMO_ACCOUNTS[0]["mobile"] if n == 0 else DEMO_MOBILE.format(1000 + n)
    return submit_application(
        name=name,
        mobile=mobile,
        id_number=demo_id_number(n, sex),
        password_hash=demo_password_hash(),
        station_id=station.pk,
        work_area=f"{short_name(grids[0].community.name)}一带" if grids else "县城",
        grid_codes=[g.code for g in grids],
        accepted_rules=True,
    )


def _populate(orgs: _Orgs, users: dict[str, User]) -> None:
    near = _grids_near_seat(orgs.county)
    reviewer = users[Role.REVIEWER]
    managers = {DEMO_STATION: users[Role.STATION]}
    for i, (key, name) in enumerate(STATION_MANAGERS.items(), start=101):
        managers[key] = _staff_account(
            DEMO_MOBILE.format(i), name, Role.STATION, orgs, orgs.stations[key]
        )

    numbers = itertools.count(1)
    partners = {}
    if demo_partner := partner_of(users[Role.PARTNER]):  # none if an older demo made it
        partners[demo_partner.name] = demo_partner
    for key, people in ROSTER.items():
        for name, sex in people:
            application = _apply(next(numbers), name, sex, orgs.stations[key], near)
            act_on_application(application.pk, A.RECOMMEND, actor=managers[key])
            partners[name] = act_on_application(application.pk, A.APPROVE, actor=reviewer).partner

    for name, sex, key, steps in PENDING:
        application = _apply(next(numbers), name, sex, orgs.stations[key], near)
        for action, note in steps:
            actor = managers[key] if action in (A.RECOMMEND, A.DECLINE) else reviewer
            act_on_application(application.pk, action, actor=actor, note=note)

    for name, action, reason, note in STATUS_CHANGES:
        change_partner_status(partners[name].pk, action, actor=reviewer, reason=reason, note=note)

    _build_team(orgs, users[Role.TEAM_LEAD], partners)


def _build_team(orgs: _Orgs, captain: User, partners: dict[str, Partner]) -> Team:
    """No action builds teams yet: the team and its members are made here directly."""
    team = Team.objects.create(county=orgs.county, name=TEAM_NAME, captain=captain)
    for sub_captain_name, keys in SQUADS:
        sub_captain = partners[sub_captain_name]
        leader = TeamMember.objects.create(
            team=team, partner=sub_captain, role=TeamRole.SUB_CAPTAIN
        )
        pool = Partner.objects.filter(
            station__in=[orgs.stations[k] for k in keys], status=PartnerStatus.ACTIVE
        ).exclude(pk=sub_captain.pk)
        TeamMember.objects.bulk_create(
            TeamMember(team=team, partner=p, role=TeamRole.MEMBER, leader=leader)
            for p in pool.order_by("id")[:SQUAD_MEMBERS]
        )
    return team
