from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gridbee.people.choices import TeamRole


class Team(models.Model):
    """A county's partner team (三级体系): a captain (队长), sub-captains (分队长), members."""

    county = models.ForeignKey(
        "geo.Region", verbose_name=_("county"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    captain = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("captain"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="captained_teams",
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["county", "name"]

    def __str__(self) -> str:
        return self.name


class TeamMember(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members")
    partner = models.OneToOneField(
        "people.Partner", on_delete=models.CASCADE, related_name="membership"
    )
    role = models.CharField(_("role"), max_length=20, choices=TeamRole.choices)
    # A member's sub-captain; empty for the sub-captains themselves.
    leader = models.ForeignKey(
        "self",
        verbose_name=_("sub-captain"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="followers",
        limit_choices_to={"role": TeamRole.SUB_CAPTAIN},
    )

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["team", "role", "id"]

    def __str__(self) -> str:
        return f"{self.partner_id} in {self.team_id}"
