"""Regions and grids. Geometry is WGS-84, stored as WKB with its bounding box beside it, so the
database needs no spatial extension; routing runs on an in-memory index (see index.py)."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import GridKind, Level

region_code_validator = RegexValidator(r"^\d{12}$", _("A region code has 12 digits."))
grid_code_validator = RegexValidator(r"^\d{15}$", _("A grid code has 15 digits."))


class Region(models.Model):
    """An administrative division (行政区划), keyed by its 12-digit statistical code
    (统计用区划代码): province, city, county, town/street, village/community."""

    code = models.CharField(
        _("code"), max_length=12, primary_key=True, validators=[region_code_validator]
    )
    name = models.CharField(_("name"), max_length=100)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    geom = models.BinaryField(_("boundary (WKB)"), null=True, blank=True, editable=False)
    area_m2 = models.FloatField(_("area (m²)"), null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]
        indexes = [models.Index(fields=["parent", "level"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Grid(models.Model):
    """A grid (网格): a polygon inside a community, coded as the community's 12-digit code plus a
    3-digit sequence (精准赋码)."""

    code = models.CharField(_("code"), max_length=15, unique=True, validators=[grid_code_validator])
    community = models.ForeignKey(
        Region,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="grids",
        limit_choices_to={"level": Level.COMMUNITY},
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(
        _("kind"), max_length=20, choices=GridKind.choices, default=GridKind.COMPREHENSIVE
    )
    geom = models.BinaryField(_("boundary (WKB)"), editable=False)
    area_m2 = models.FloatField(_("area (m²)"), editable=False)
    centroid_lon = models.FloatField(_("centroid longitude"), editable=False)
    centroid_lat = models.FloatField(_("centroid latitude"), editable=False)
    min_lon = models.FloatField(editable=False)
    min_lat = models.FloatField(editable=False)
    max_lon = models.FloatField(editable=False)
    max_lat = models.FloatField(editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("grid")
        verbose_name_plural = _("grids")
        ordering = ["code"]
        indexes = [models.Index(fields=["min_lon", "max_lon", "min_lat", "max_lat"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class LayerRevision(models.Model):
    """A token renewed in the same transaction as every change to regions or grids, so each
    process can tell cheaply that its routing index is stale, whoever made the change. A random
    token rather than a counter: after a rollback or a restore, a counter could repeat a value
    that another process already holds for different data."""

    name = models.CharField(max_length=20, primary_key=True)
    revision = models.CharField(max_length=32)

    def __str__(self) -> str:
        return f"{self.name}@{self.revision}"
