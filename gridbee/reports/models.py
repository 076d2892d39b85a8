"""What the intake layer keeps of its own: a county's Open311 choices. Reports, their photos,
categories and Open311 clients belong to the case file (cases.models); the proxies below keep
them where the administrators have always found them (/admin/reports/…)."""

from django.conf import settings
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


class HotlineCall(models.Model):
    """A report phoned in to the 24 h hotline (专人专岗应哨), recorded by the operator on duty:
    the caller's callback number is kept here, apart from the report, and shown masked."""

    report = models.OneToOneField(
        case_file.Report, on_delete=models.CASCADE, related_name="hotline_call"
    )
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    callback = models.CharField(_("callback number"), max_length=20, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("hotline call")
        verbose_name_plural = _("hotline calls")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.report_id} ({self.masked_callback})"

    @property
    def masked_callback(self) -> str:
        number = self.callback
        return f"{number[:3]}****{number[-4:]}" if len(number) >= 8 else "****"
