from django.db import models
from django.utils.translation import gettext_lazy as _

from gridbee.geo.choices import Level


class Industry(models.Model):
    """An industry of new-employment work (行业): food delivery, courier, ride-hailing…"""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=50)

    class Meta:
        verbose_name = _("industry")
        verbose_name_plural = _("industries")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Company(models.Model):
    """A platform company (平台企业): 美团, 顺丰, 滴滴…"""

    name = models.CharField(_("name"), max_length=100, unique=True)
    industry = models.ForeignKey(Industry, verbose_name=_("industry"), on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Station(models.Model):
    """A company's local station (站点, 网点) in a county, which recommends its staff."""

    company = models.ForeignKey(Company, verbose_name=_("company"), on_delete=models.PROTECT)
    name = models.CharField(_("name"), max_length=100)
    county = models.ForeignKey(
        "geo.Region",
        verbose_name=_("county"),
        on_delete=models.PROTECT,
        limit_choices_to={"level": Level.COUNTY},
        related_name="+",
    )
    address = models.CharField(_("address"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("station")
        verbose_name_plural = _("stations")
        ordering = ["county", "name"]
        constraints = [
            models.UniqueConstraint(fields=["county", "name"], name="station_unique_in_county")
        ]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """A department of the county (职能部门) that handles dispatched cases."""

    county = models.ForeignKey(
        "geo.Region",
        verbose_name=_("county"),
        on_delete=models.PROTECT,
        limit_choices_to={"level": Level.COUNTY},
        related_name="+",
    )
    code = models.SlugField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["county", "code"]
        constraints = [
            models.UniqueConstraint(fields=["county", "code"], name="department_unique_in_county")
        ]

    def __str__(self) -> str:
        return self.name
