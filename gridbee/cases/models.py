"""Cases (案件): what reports of one problem become, and what the closed loop handles."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import CaseEventKind, CaseStatus, Urgency


class Case(models.Model):
    """A case (案件): one problem at one place, opened by its first report (首报) and joined by
    later reports of the same category nearby (非首报)."""

    category = models.ForeignKey(
        "reports.Category", verbose_name=_("category"), on_delete=models.PROTECT
    )
    status = models.CharField(
        _("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.REPORTED
    )
    urgency = models.CharField(_("urgency"), max_length=20, choices=Urgency.choices)
    grid = models.ForeignKey(
        "geo.Grid", verbose_name=_("grid"), on_delete=models.PROTECT, null=True, blank=True
    )
    # The queue it waits in: the grid's community, or the smallest region containing it (属地兜底).
    region = models.ForeignKey(
        "geo.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    county = models.ForeignKey(
        "geo.Region", verbose_name=_("county"), on_delete=models.PROTECT, related_name="+"
    )
    lat = models.FloatField()
    lon = models.FloatField()
    h3_cell = models.BigIntegerField(help_text="H3 cell at resolution 10, for proximity search")
    first_report = models.ForeignKey(
        "reports.Report", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    report_count = models.PositiveIntegerField(default=0)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_cases"
    )
    opened_at = models.DateTimeField(_("opened"))
    last_report_at = models.DateTimeField(_("last report"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_at", "-id"]
        indexes = [
            models.Index(fields=["category", "h3_cell", "last_report_at"], name="case_proximity"),
            models.Index(fields=["county", "status", "urgency"], name="case_queue"),
            models.Index(fields=["region", "status"], name="case_region_queue"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.category_id}"


class CaseEvent(models.Model):
    """One step on a case's timeline: who, in which role, when, and a note."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30, choices=CaseEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_role = models.CharField(max_length=20, blank=True)
    note = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} @ {self.at:%Y-%m-%d %H:%M}"
