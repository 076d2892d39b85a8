"""The demo county's points shop (积分超市): a few items with stock, a shop open all year (so
the demo works on any day), and some points for the first demo partners, awarded through the
ledger like any other points."""

from gridbee.people.choices import PartnerStatus
from gridbee.people.demo import DEMO_ACCOUNTS, DEMO_COUNTY
from gridbee.people.models import Partner

from . import ledger
from .choices import EntryKind, ItemKind
from .models import EarningRules, Item

# name, kind, description, price, stock, per person
DEMO_ITEMS = [
    ("免费体检一次", ItemKind.SERVICE, "县人民医院基础体检套餐, 凭取件码预约", 50, 20, 1),
    ("骑行雨衣", ItemKind.GOODS, "分体式反光雨衣, 均码", 30, 40, 1),
    ("安全头盔", ItemKind.GOODS, "3C 认证电动车头盔", 40, 25, 1),
    ("充电宝", ItemKind.GOODS, "10000 mAh, 双口快充", 45, 15, 1),
    ("米油套装", ItemKind.GOODS, "大米 5 kg + 食用油 1.8 L", 35, 30, 2),
]
DEMO_PARTNERS_WITH_POINTS = 8


def create_demo_shop() -> int:
    """The items (once), an always-open shop, points for up to eight active partners (the
    demo partner first). Returns how many partners got points."""
    rules, _ = EarningRules.objects.get_or_create(county_id=DEMO_COUNTY)
    rules.redemption_always_open = True
    rules.save(update_fields=["redemption_always_open"])
    if not Item.objects.filter(county_id=DEMO_COUNTY).exists():
        for sort, (name, kind, description, price, stock, limit) in enumerate(DEMO_ITEMS):
            Item.objects.create(
                county_id=DEMO_COUNTY,
                name=name,
                kind=kind,
                description=description,
                price=price,
                stock=stock,
                per_person_limit=limit,
                sort=sort,
            )
    demo_mobile = next(a["mobile"] for a in DEMO_ACCOUNTS if a["role"] == "partner")
    partners = list(
        Partner.objects.filter(county_id=DEMO_COUNTY, status=PartnerStatus.ACTIVE)
        .select_related("user")
        .order_by("pk")[:50]
    )
    partners.sort(key=lambda p: p.user.mobile != demo_mobile)  # the demo partner first
    awarded = 0
    for n, partner in enumerate(partners[:DEMO_PARTNERS_WITH_POINTS]):
        # An activity check-in each (活动签到); the daily cap may cut what is given.
        entry = ledger.award(
            partner, EntryKind.ACTIVITY, key=f"demo:shop:{partner.pk}", amount=50 - 5 * n
        )
        awarded += entry is not None
    return awarded
