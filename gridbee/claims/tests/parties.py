"""What the claims tests add to the fixture county: the county table of responsible bodies, a
mediator (and a second one tied to the platform), the platform company's account, and more
partners for group disputes. Kept here rather than in people/tests/county.py."""

from gridbee.claims.choices import BodyType
from gridbee.claims.models import Body
from gridbee.core.authz import Role
from gridbee.geo.tests import layers
from gridbee.people.models import Department, Partner, User
from gridbee.people.tests.county import PASSWORD, staff

BODIES = [
    ("rsj", "县人社局", BodyType.LABOUR_BUREAU),
    ("zgh", "县总工会", BodyType.UNION),
    ("meituan", "美团外卖惠水站", BodyType.PLATFORM),
    ("tjw", "县劳动争议调解委员会", BodyType.MEDIATION),
    ("fyzx", "县法律援助中心", BodyType.LEGAL_AID),
]


def body(code: str) -> Body:
    return Body.objects.get(department__county_id=layers.COUNTY, department__code=code)


def add_claims_parties(c):
    for code, name, kind in BODIES:
        department = Department.objects.create(county_id=layers.COUNTY, code=code, name=name)
        Body.objects.create(department=department, type=kind)
    c.labour_user = staff(
        "13900000021", Role.DEPARTMENT, "人社王", department=body("rsj").department
    )
    c.mediator = staff("13900000022", Role.MEDIATOR, "调解李", department=body("tjw").department)
    c.mediator_2 = staff("13900000023", Role.MEDIATOR, "调解钱", department=body("tjw").department)
    c.platform_user = staff(
        "13900000024", Role.PLATFORM, "美团劳资", department=body("meituan").department
    )
    c.users = {**c.users, "mediator": c.mediator, "platform": c.platform_user}
    return c


def more_partners(c, n: int) -> list[User]:
    """n more enrolled partners of the county's station (for group disputes)."""
    users = []
    for i in range(n):
        user = User.objects.create_user(f"1360000{i:04d}", PASSWORD, name=f"骑手{i}")
        Partner.objects.create(
            user=user,
            name=f"骑手{i}",
            id_number="522731199001010014",
            industry=c.partner.industry,
            station=c.station,
            county_id=layers.COUNTY,
        )
        users.append(user)
    return users
