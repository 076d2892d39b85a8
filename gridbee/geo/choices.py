from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    PROVINCE = 1, _("Province")
    CITY = 2, _("City")
    COUNTY = 3, _("County")
    TOWN = 4, _("Town / street")
    COMMUNITY = 5, _("Village / community")

    @classmethod
    def from_name(cls, name: str) -> "Level":
        return cls[name.strip().upper()]


class GridKind(models.TextChoices):
    COMPREHENSIVE = "comprehensive", _("Comprehensive grid")  # 综合网格
    DEDICATED = "dedicated", _("Dedicated grid")  # 专属网格 (a campus, a market, a park)


class Crs(models.TextChoices):
    """Coordinate systems a caller may declare; the database holds WGS-84 only."""

    WGS84 = "wgs84", "WGS-84"
    GCJ02 = "gcj02", "GCJ-02"
    BD09 = "bd09", "BD-09"
