"""What the intake layer keeps of its own: a county's Open311 choices. Reports, their photos,
categories and Open311 clients belong to the case file (cases.models); the proxies below keep
them where the administrators have always found them (/admin/reports/…)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from gridbee.cases import models as case_file


class Category(case_file.Category):
    class Meta:
        proxy = True
        verbose_name = _("category")
        verbose_name_plural = _("categories")


class Open311Client(case_file.Open311Client):
    class Meta:
        proxy = True
        verbose_name = _("Open311 client")
        verbose_name_plural = _("Open311 clients")


class Report(case_file.Report):
    class Meta:
        proxy = True
        verbose_name = _("report")
        verbose_name_plural = _("reports")


class Open311Settings(models.Model):
    """A county's Open311 choices. Without a row its requests are in the public feed."""

    county = models.OneToOneField(
        "geo.Region", on_delete=models.CASCADE, related_name="open311_settings"
    )
    public_feed = models.BooleanField(
        _("public feed"),
        default=True,
        help_text=_(
            "Off: other systems see none of this county's requests, except those they sent "
            "themselves. They can still report."
        ),
    )

    class Meta:
        verbose_name = _("Open311 settings")
        verbose_name_plural = _("Open311 settings")

    def __str__(self) -> str:
        return str(self.county)
