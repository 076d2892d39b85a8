"""A fixture county with one named user per role, built through the real actions (as Zulip's
test fixtures are), plus a neighbouring county whose staff must see nothing of this one."""

from types import SimpleNamespace

from gridbee.geo.actions import import_regions
from gridbee.geo.tests import layers
from gridbee.people import actions
from gridbee.people.choices import Role, TeamRole
from gridbee.people.models import Company, Department, Industry, Station, Team, TeamMember, User

PASSWORD = "fixture-password-2026"
OTHER_COUNTY = "522732000000"
GRID_1 = layers.COMMUNITY_1 + "001"
GRID_2 = layers.COMMUNITY_1 + "002"
GRID_3 = layers.COMMUNITY_2 + "001"
FAR_TOWN = "522732001000"
FAR_COMMUNITY = "522732001001"
FAR_GRID = FAR_COMMUNITY + "001"

# Valid check characters (GB 11643) for made-up numbers.
ID_NUMBERS = ["522731199001010014", "522731199202020024", "522731199303030010"]


def staff(mobile: str, role: str, name: str, **scope) -> User:
    return User.objects.create_user(mobile, PASSWORD, name=name, role=role, **scope)


def apply(n: int, station: Station, grids=(GRID_1,)):
    return actions.submit_application(
        name=["王小明", "李秀英", "张伟"][n],
        mobile=f"1370000000{n}",
        id_number=ID_NUMBERS[n],
        password=PASSWORD,
        station_id=station.pk,
        work_area="县城东片",
        grid_codes=list(grids),
        accepted_rules=True,
    )


def far_grid() -> str:
    """A grid of the neighbouring county (an application binds one or two), made on demand:
    most tests need none there."""
    from gridbee.geo.actions import import_grids
    from gridbee.geo.models import Grid

    if not Grid.objects.filter(code=FAR_GRID).exists():
        import_regions(
            [
                layers.feature(
                    None, code=FAR_TOWN, name="长顺镇", level="town", parent_code=OTHER_COUNTY
                ),
                layers.feature(
                    layers.box(0.1, 0, 0.12, 0.02),
                    code=FAR_COMMUNITY,
                    name="长顺社区",
                    level="community",
                    parent_code=FAR_TOWN,
                ),
            ]
        )
        import_grids([layers.feature(layers.box(0.1, 0, 0.12, 0.01), code=FAR_GRID, name="长顺1")])
    return FAR_GRID


def build() -> SimpleNamespace:
    layers.install()
    actions.ensure_default_industries()  # transactional tests flush what migrations seeded
    import_regions(
        [
            layers.feature(
                None, code=OTHER_COUNTY, name="长顺县", level="county", parent_code=layers.CITY
            )
        ]
    )
    courier = Industry.objects.get(code="courier")
    company = Company.objects.create(name="顺丰速运", industry=courier)
    station = Station.objects.create(company=company, name="顺丰惠水网点", county_id=layers.COUNTY)
    far_station = Station.objects.create(
        company=company, name="顺丰长顺网点", county_id=OTHER_COUNTY
    )
    department = Department.objects.create(county_id=layers.COUNTY, code="cgj", name="城管局")

    c = SimpleNamespace(station=station, far_station=far_station, department=department)
    c.reviewer = staff("13900000006", Role.REVIEWER, "周审核", region_id=layers.COUNTY)
    c.station_user = staff("13900000003", Role.STATION, "陈站长", station=station)
    c.operator = staff("13900000004", Role.OPERATOR, "刘网格", region_id=layers.COUNTY)
    c.department_user = staff("13900000005", Role.DEPARTMENT, "赵城管", department=department)
    c.team_lead = staff("13900000002", Role.TEAM_LEAD, "张队长", region_id=layers.COUNTY)
    c.admin = User.objects.create_superuser("13900000007", PASSWORD, name="孙管理")
    c.far_reviewer = staff("13900000016", Role.REVIEWER, "远审核", region_id=OTHER_COUNTY)
    c.far_station_user = staff("13900000013", Role.STATION, "远站长", station=far_station)

    # A partner enrolled the whole way, and two applications waiting at each stage.
    enrolled = apply(0, station, grids=(GRID_1, GRID_3))
    actions.act_on_application(enrolled.pk, "recommend", actor=c.station_user)
    actions.act_on_application(enrolled.pk, "approve", actor=c.reviewer)
    enrolled.refresh_from_db()
    c.partner = enrolled.partner
    c.partner_user = c.partner.user
    c.submitted = apply(1, station)
    c.recommended = apply(2, station)
    actions.act_on_application(c.recommended.pk, "recommend", actor=c.station_user)

    c.team = Team.objects.create(county_id=layers.COUNTY, name="惠水蜂队", captain=c.team_lead)
    TeamMember.objects.create(team=c.team, partner=c.partner, role=TeamRole.SUB_CAPTAIN)
    c.users = {
        "partner": c.partner_user,
        "team_lead": c.team_lead,
        "station": c.station_user,
        "operator": c.operator,
        "department": c.department_user,
        "reviewer": c.reviewer,
        "admin": c.admin,
        "far_reviewer": c.far_reviewer,
        "far_station": c.far_station_user,
    }
    return c
