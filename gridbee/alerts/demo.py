"""Demo alerts for 惠水县: partners with positions near their grids, one active search with
sightings (one marked useful) and one search already closed as found; and the county's
linkage channels (五情联动). Made through the real actions."""

import datetime
import random

from django.utils import timezone

from gridbee.cases.choices import Channel
from gridbee.cases.models import LinkageChannel
from gridbee.geo.maps import MAP_CENTER
from gridbee.people.choices import PartnerStatus, Role
from gridbee.people.models import Department, Partner, User

from . import actions, positions
from .choices import AlertKind, AlertStatus, PositionSource

# Channels of the linkage and the department answering each (created when missing).
CHANNELS = [
    (Channel.POLICE, "gaj", "惠水县公安局"),
    (Channel.PETITION, "xfj", "惠水县信访局"),
    (Channel.OPINION, "wxb", "中共惠水县委网信办"),
    (Channel.LITIGATION, "fy", "惠水县人民法院"),
    (Channel.COMMUNITY, "sgb", "中共惠水县委社会工作部"),
]


def create_demo_alerts(seed: int = 13) -> int:
    """Returns how many alerts the demo county has."""
    from gridbee.reports.demo import demo_photo

    rng = random.Random(seed)
    operator = User.objects.filter(role=Role.OPERATOR, region__isnull=False).first()
    if operator is None:
        return 0
    county_id = operator.region_id
    for channel, code, name in CHANNELS:
        department, _ = Department.objects.get_or_create(
            county_id=county_id, code=code, defaults={"name": name}
        )
        LinkageChannel.objects.get_or_create(
            county_id=county_id, channel=channel, defaults={"department": department}
        )
    partners = list(
        Partner.objects.filter(status=PartnerStatus.ACTIVE)
        .prefetch_related("bindings__grid")
        .order_by("pk")
    )
    now = timezone.now()
    for partner in partners:
        grid = next((b.grid for b in partner.bindings.all()), None)
        lat, lon = (
            (grid.centroid_lat, grid.centroid_lon)
            if grid
            else (MAP_CENTER["lat"], MAP_CENTER["lon"])
        )
        at = now - datetime.timedelta(minutes=rng.randrange(1, 90))
        jitter = (rng.uniform(-0.004, 0.004), rng.uniform(-0.004, 0.004))
        positions.record(partner.pk, lat + jitter[0], lon + jitter[1], PositionSource.APP, at)

    seat = (MAP_CENTER["lat"], MAP_CENTER["lon"])
    closed = actions.publish(
        actor=operator,
        kind=AlertKind.MISSING_ELDER,
        person_name="王奶奶",
        description="82岁, 灰色外套, 拄拐杖, 说惠水方言",
        contact="0854-6221110",
        lat=seat[0] + 0.006,
        lon=seat[1] - 0.004,
        last_seen_at=now - datetime.timedelta(hours=5),
        expires_at=now + datetime.timedelta(hours=10),
        photos=[demo_photo(rng, 901)],
        now=now - datetime.timedelta(hours=4, minutes=50),
    )
    actions.close(
        closed.pk,
        actor=operator,
        outcome=AlertStatus.FOUND,
        note="骑手在菜市场附近发现, 已由家人接回",
        now=now - datetime.timedelta(hours=4, minutes=10),
    )
    active = actions.publish(
        actor=operator,
        kind=AlertKind.MISSING_CHILD,
        person_name="小宇",
        description="男孩, 6岁, 约1.15米, 蓝色上衣, 黄色书包",
        contact="110 / 0854-6222110",
        lat=seat[0],
        lon=seat[1],
        last_seen_at=now - datetime.timedelta(minutes=20),
        expires_at=now + datetime.timedelta(hours=6),
        photos=[demo_photo(rng, 902)],
    )
    told = list(active.told.select_related("partner").order_by("pk")[:3])
    for n, row in enumerate(told):
        sighting, _ = actions.submit_sighting(
            row.partner,
            active.pk,
            idempotency_key=f"demo-sighting-{n}",
            lat=seat[0] + 0.001 * (n + 1),
            lon=seat[1] + 0.0005 * n,
            seen_at=now - datetime.timedelta(minutes=10 - 3 * n),
            text=["看到一个背黄书包的小孩往河边走", "公交站附近有个小孩在哭", "超市门口"][n],
            photo=demo_photo(rng, 910 + n),
        )
        if n == 0:
            actions.mark_sighting(sighting.pk, actor=operator, useful=True)
    return 2
