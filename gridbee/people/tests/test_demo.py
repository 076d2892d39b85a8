"""The demo city: 惠水县's organisations, partners, team and one account per role, built through
the real actions on an empty database, once."""

import json
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from gridbee.cases.models import Case, Photo
from gridbee.cases.queries import cases_for
from gridbee.geo.models import Grid, Region
from gridbee.people import demo
from gridbee.people.choices import ApplicationStatus, PartnerStatus, Role, TeamRole
from gridbee.people.models import (
    Application,
    ApplicationStep,
    Certificate,
    Company,
    Department,
    GridBinding,
    Partner,
    PartnerEvent,
    Station,
    Team,
    TeamMember,
    User,
)
from gridbee.people.queries import applications_for, partners_for, teams_for
from gridbee.people.validators import validate_id_number
from gridbee.site.demo import create_demo_city

pytestmark = pytest.mark.django_db
COUNTY = demo.DEMO_COUNTY


@pytest.fixture
def city(db):
    return create_demo_city()


def account(role: Role) -> User:
    spec = next(a for a in demo.DEMO_ACCOUNTS if a["role"] == role)
    return User.objects.get(mobile=spec["mobile"])


def test_the_demo_city_has_its_organisations_partners_and_team(city):
    assert Station.objects.filter(county_id=COUNTY).count() == len(demo.STATIONS) >= 8
    assert set(Company.objects.values_list("industry__code", flat=True)) == {
        "food_delivery", "courier", "ride_hailing", "freight", "property", "sanitation",
    }  # fmt: skip
    departments = dict(Department.objects.filter(county_id=COUNTY).values_list("code", "name"))
    assert len(departments) >= 8 and "城管" in departments["cgj"]

    assert Partner.objects.filter(status=PartnerStatus.ACTIVE).count() >= 55
    assert Partner.objects.filter(status=PartnerStatus.SUSPENDED).count() == 2
    assert Partner.objects.filter(status=PartnerStatus.REVOKED).count() == 1
    assert Certificate.objects.count() == Partner.objects.count()
    queues = {s: Application.objects.filter(status=s).count() for s in ApplicationStatus}
    assert queues[ApplicationStatus.SUBMITTED] >= 3
    assert queues[ApplicationStatus.RECOMMENDED] >= 3
    assert queues[ApplicationStatus.DECLINED] >= 1 and queues[ApplicationStatus.REJECTED] >= 1

    team = Team.objects.get()
    assert team.name == demo.TEAM_NAME and team.captain == account(Role.TEAM_LEAD)
    sub_captains = TeamMember.objects.filter(team=team, role=TeamRole.SUB_CAPTAIN)
    assert sub_captains.count() == 6
    for sub_captain in sub_captains:
        assert sub_captain.followers.count() == demo.SQUAD_MEMBERS
        assert sub_captain.partner.status == PartnerStatus.ACTIVE
    assert not TeamMember.objects.exclude(partner__status=PartnerStatus.ACTIVE).exists()
    assert not TeamMember.objects.filter(role=TeamRole.MEMBER, leader=None).exists()


def test_partners_are_plausible_bound_near_the_seat_and_have_their_history(city):
    partners = Partner.objects.select_related("user")
    names = [p.name for p in partners]
    assert len(names) == len(set(names))
    for partner in partners:
        validate_id_number(partner.id_number)
        assert partner.id_number.startswith("522731")
        assert partner.user.mobile.startswith(("1370000", "1380000000"))
        assert 1 <= partner.bindings.count() <= 2
    for application in Application.objects.all():
        validate_id_number(application.id_number)
    bound = Grid.objects.filter(bindings__isnull=False).distinct()
    near = {g.code for g in demo._grids_near_seat(Region.objects.get(pk=COUNTY))}
    assert {g.code for g in bound} <= near
    assert all(g.community.parent.parent_id == COUNTY for g in bound)

    enrolled = Application.objects.filter(status=ApplicationStatus.APPROVED)
    for application in enrolled:
        steps = [(s.action, s.actor_role) for s in application.steps.all()]
        assert steps == [("submit", "applicant"), ("recommend", "station"), ("approve", "reviewer")]
    for status in (ApplicationStatus.DECLINED, ApplicationStatus.REJECTED):
        application = Application.objects.get(status=status)
        assert application.steps.last().note
    changes = PartnerEvent.objects.exclude(action="enrol")
    assert changes.count() == len(demo.STATUS_CHANGES)
    assert all(e.reason and e.note and e.actor == account(Role.REVIEWER) for e in changes)
    # One argon2 hash for everyone: the demo is quick to build and every password is the demo's.
    assert User.objects.values("password").distinct().count() == 1


def test_every_demo_account_logs_in_and_has_its_scope_and_the_partner_is_enrolled(city):
    for spec in demo.DEMO_ACCOUNTS:
        user = authenticate(mobile=spec["mobile"], password=demo.DEMO_PASSWORD)
        assert user is not None and user.role == spec["role"] and user.name == spec["name"]

    reviewer = account(Role.REVIEWER)
    assert reviewer.region_id == COUNTY
    queue = applications_for(reviewer)
    assert queue.filter(status=ApplicationStatus.RECOMMENDED).exists()
    assert set(queue.values_list("county_id", flat=True)) == {COUNTY}

    station_user = account(Role.STATION)
    assert station_user.station.name == "美团外卖惠水站"
    queue = applications_for(station_user)
    assert queue.filter(status=ApplicationStatus.SUBMITTED).exists()
    assert set(queue.values_list("station_id", flat=True)) == {station_user.station_id}
    assert queue.count() < Application.objects.count()

    assert account(Role.OPERATOR).region_id == COUNTY
    assert account(Role.DEPARTMENT).department.code == "cgj"
    team_lead = account(Role.TEAM_LEAD)
    assert team_lead.region_id == COUNTY
    assert list(teams_for(team_lead)) == [Team.objects.get()]
    assert partners_for(team_lead).count() == TeamMember.objects.count()
    admin = account(Role.ADMIN)
    assert admin.is_staff and admin.is_superuser
    assert not User.objects.filter(is_staff=True).exclude(pk=admin.pk).exists()

    # The demo partner went the whole way: applied, recommended, approved.
    partner = account(Role.PARTNER).partner
    assert partner.status == PartnerStatus.ACTIVE
    assert partner.station.name == "美团外卖惠水站"
    assert partner.certificate.number.startswith("522731-")
    assert 1 <= partner.bindings.count() <= 2
    assert partner.events.get().action == "enrol"
    application = Application.objects.get(partner=partner)
    assert [s.action for s in application.steps.all()] == ["submit", "recommend", "approve"]
    assert TeamMember.objects.get(partner=partner).role == TeamRole.MEMBER


def test_running_it_twice_creates_nothing_new(city):
    models = [
        Region, Grid, User, Company, Station, Department, Application, ApplicationStep, Partner,
        PartnerEvent, Certificate, GridBinding, Team, TeamMember,
    ]  # fmt: skip
    before = {m.__name__: m.objects.count() for m in models}
    assert create_demo_city() == city
    assert demo.create_demo_people() == demo.create_demo_accounts()
    assert {m.__name__: m.objects.count() for m in models} == before


def test_the_accounts_alone_come_with_a_real_partner_on_an_empty_database(db):
    accounts = demo.create_demo_accounts()
    assert [a["mobile"] for a in accounts] == [a["mobile"] for a in demo.DEMO_ACCOUNTS]
    assert User.objects.count() == len(Role.values)
    partner = account(Role.PARTNER).partner
    assert partner.certificate and partner.bindings.exists()
    assert account(Role.STATION).station.name == "美团外卖惠水站"
    # Not the whole county, which only an empty database gets from create_demo_city.
    assert not Team.objects.exists()


def test_demo_accounts_json_lists_every_role(city):
    out = StringIO()
    call_command("demo_accounts", "--json", stdout=out)
    listed = json.loads(out.getvalue())
    assert [a["role"] for a in listed] == Role.values
    for entry, spec in zip(listed, demo.DEMO_ACCOUNTS, strict=True):
        assert entry == {
            "role": spec["role"],
            "mobile": spec["mobile"],
            "password": demo.DEMO_PASSWORD,
            "name": spec["name"],
        }


def test_id_numbers_carry_the_gb_11643_check_character():
    assert demo.id_check_character("11010519491231002") == "X"  # the standard's example
    for n in range(100):
        number = demo.demo_id_number(n, demo.F if n % 2 else demo.M)
        validate_id_number(number)
        assert int(number[16]) % 2 == (0 if n % 2 else 1)


def test_the_demo_city_has_cases_at_every_stage_with_photos(city):
    statuses = set(Case.objects.values_list("status", flat=True))
    assert {"reported", "accepted", "closed", "rejected"} <= statuses
    assert Case.objects.filter(urgency="emergency").exists()
    # Photo reports; the demo's claims and mediations (claims/demo.py) have their own queues.
    reports = Case.objects.filter(kind="report")
    assert reports.count() >= 30
    assert Photo.objects.count() >= reports.count()
    operator = User.objects.get(mobile="13800000004")
    assert cases_for(operator).count() == reports.count()


def test_every_demo_application_binds_one_or_two_grids(city):
    # 就近绑定一到两个网格: each application, whatever its stage, names its grids.
    counts = [a.grids.count() for a in Application.objects.filter(county_id=COUNTY)]
    assert counts and all(1 <= n <= 2 for n in counts)
    bound = [p.bindings.count() for p in Partner.objects.filter(county_id=COUNTY)]
    assert bound and all(1 <= n <= 2 for n in bound)
