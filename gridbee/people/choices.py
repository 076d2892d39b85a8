from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PARTNER = "partner", _("Partner")
    TEAM_LEAD = "team_lead", _("Team lead")
    STATION = "station", _("Station")
    OPERATOR = "operator", _("Grid operator")
    DEPARTMENT = "department", _("Department handler")
    REVIEWER = "reviewer", _("County reviewer")
    ADMIN = "admin", _("Administrator")
