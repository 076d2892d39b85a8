"""The rapid-response linkage (五情联动): a county's channels, each one of its departments, and
the supporting departments a linked emergency was sent to besides its lead."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import Channel


class LinkageChannel(models.Model):
    """A channel of the county's linkage (警情, 访情, 舆情, 诉情, 社情) and its department."""

    county = models.ForeignKey(
        "geo.Region", verbose_name=_("county"), on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    department = models.ForeignKey(
        "people.Department", verbose_name=_("department"), on_delete=models.CASCADE,
        related_name="channels",
    )  # fmt: skip

    class Meta:
        verbose_name = _("linkage channel")
        verbose_name_plural = _("linkage channels")
        constraints = [
            models.UniqueConstraint(fields=["county", "channel"], name="linkage_channel_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()}: {self.department}"


class CaseSupport(models.Model):
    """A supporting department of a linked case: it signs and reports on the case's timeline;
    the case itself moves with its lead (Case.department)."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="supports")
    department = models.ForeignKey(
        "people.Department", on_delete=models.PROTECT, related_name="supported_cases"
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    reported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "department"], name="case_support_unique")
        ]

    def __str__(self) -> str:
        return f"#{self.case_id} + {self.department_id}"
