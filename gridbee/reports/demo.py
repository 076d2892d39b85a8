"""Demo reports for 惠水县: a few days of what riders send, moved along the closed loop so
every queue and page has something to show. Created through the real intake and workflow."""

import io
import random

from PIL import Image, ImageDraw

from gridbee.cases import workflow
from gridbee.cases.models import Case, Category
from gridbee.people.choices import PartnerStatus, Role
from gridbee.people.models import Partner, User

from .actions import Sender, submit_report

REPORTS = 40
# How far each demo case gets: most wait in a queue, some are handled and closed.
PATHS = [
    [],
    ["accept"],
    ["accept", "dispatch"],
    ["accept", "dispatch", "sign"],
    ["accept", "dispatch", "sign", "arrive", "handle"],
    ["accept", "dispatch", "sign", "arrive", "handle", "verify_pass"],
    ["reject"],
]
TEXTS = ["", "很危险，请尽快处理", "已经好几天了", "影响通行", "居民反映多次"]


def demo_photo(rng: random.Random, label: int) -> bytes:
    """A small picture that is recognisably a made-up photo (no camera, no EXIF)."""
    image = Image.new("RGB", (640, 480), (rng.randrange(80, 200), rng.randrange(80, 200), 120))
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        x, y = rng.randrange(0, 560), rng.randrange(0, 400)
        draw.rectangle((x, y, x + 80, y + 60), fill=(rng.randrange(256), 90, 60))
    draw.text((20, 20), f"GridBee demo #{label}", fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=70)
    return out.getvalue()


def create_demo_reports(seed: int = 7) -> int:
    """Reports from active demo partners around their grids; returns how many cases exist."""
    rng = random.Random(seed)
    partners = list(
        Partner.objects.filter(status=PartnerStatus.ACTIVE)
        .prefetch_related("bindings__grid")
        .order_by("pk")[:30]
    )
    categories = list(Category.objects.filter(active=True).order_by("sort"))
    operator = User.objects.filter(role=Role.OPERATOR, region__isnull=False).first()
    department = User.objects.filter(role=Role.DEPARTMENT, department__isnull=False).first()
    if not partners or operator is None or department is None:
        return 0
    for n in range(REPORTS):
        partner = partners[n % len(partners)]
        grids = [b.grid for b in partner.bindings.all()]
        if not grids:
            continue
        grid = grids[n % len(grids)]
        # Ordinary problems mostly; every seventh an emergency.
        category = categories[n % 8] if n % 7 == 0 else categories[8 + n % (len(categories) - 8)]
        answer, _ = submit_report(
            Sender.of_partner(partner),
            idempotency_key=f"demo-{n}",
            category_code=category.code,
            lat=grid.centroid_lat + rng.uniform(-0.0004, 0.0004),
            lon=grid.centroid_lon + rng.uniform(-0.0004, 0.0004),
            accuracy_m=rng.choice([5.0, 12.0, 30.0]),
            text=rng.choice(TEXTS),
            photos=[demo_photo(rng, n)],
        )
        if not answer["first_report"]:
            continue
        path = rng.choice(PATHS)
        if category.urgency == "emergency":
            # Emergencies go the whole way (联勤快反), so the first report of a verified
            # emergency is there for the cash rewards.
            path = PATHS[-2]
        _advance(answer["case"]["id"], path, operator, department, rng)
    return Case.objects.count()


def _advance(case_id, path, operator, department, rng) -> None:
    case = Case.objects.select_related("category").get(pk=case_id)
    for action in path:
        if action == "dispatch" and case.category.department_code != department.department.code:
            return  # leave it accepted: the demo department account handles 城管 cases only
        extra = {
            "reject": {"reason": "not_a_problem"},
            "dispatch": {"department_code": case.category.department_code},
            "arrive": {"lat": case.lat, "lon": case.lon, "accuracy_m": 10.0},
            "handle": {"note": "已处置完毕", "photos": [demo_photo(rng, case_id)]},
        }.get(action, {})
        actor = department if action in ("sign", "arrive", "handle") else operator
        workflow.act(case_id, action, actor=actor, **extra)
