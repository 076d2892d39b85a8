from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RuleChange(models.Model):
    """One change to a county's rules or shop in the app: who, when, what, old → new."""

    county = models.ForeignKey("geo.Region", on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    subject = models.CharField(_("what"), max_length=60)  # "rules", "item:7"
    field = models.CharField(_("field"), max_length=60)
    old = models.CharField(_("old"), max_length=200, blank=True)
    new = models.CharField(_("new"), max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["county", "at"], name="rule_change_history")]

    def __str__(self) -> str:
        return f"{self.subject}.{self.field}: {self.old} → {self.new}"


class TeamRule(models.Model):
    """Where a newly approved partner lands (入队规则): the team of their station, else of their
    industry, else the county's default (both empty)."""

    county = models.ForeignKey("geo.Region", on_delete=models.CASCADE, related_name="+")
    station = models.ForeignKey(
        "people.Station", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    industry = models.ForeignKey(
        "people.Industry", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    team = models.ForeignKey("people.Team", on_delete=models.CASCADE, related_name="+")

    def __str__(self) -> str:
        return f"{self.county_id} → {self.team_id}"
