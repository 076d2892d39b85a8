"""The organisations every county starts with."""

from ..models import Industry

# Also seeded by migration people/0002, which keeps its own copy as migrations must.
DEFAULT_INDUSTRIES = [
    ("food_delivery", "网约配送"),
    ("courier", "快递物流"),
    ("ride_hailing", "网约出行"),
    ("freight", "货运"),
    ("property", "物业服务"),
    ("sanitation", "环卫"),
]


def ensure_default_industries() -> None:
    for code, name in DEFAULT_INDUSTRIES:
        Industry.objects.get_or_create(code=code, defaults={"name": name})
