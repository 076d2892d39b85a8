import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gridbee.people.choices import ApplicationAction, ApplicationStatus
from gridbee.people.validators import validate_id_number, validate_mobile


def _status_token() -> str:
    return secrets.token_urlsafe(24)


class Application(models.Model):
    """An application to become a partner (入队申请): 个人自愿 → 行业推荐 → 县级审核."""

    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.SUBMITTED,
        db_index=True,
    )
    # The applicant follows the application with this secret link before having an account.
    status_token = models.CharField(max_length=40, unique=True, default=_status_token)
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    mobile = models.CharField(_("mobile number"), max_length=11, validators=[validate_mobile])
    id_number = models.CharField(
        _("ID card number"),
        max_length=18,
        validators=[validate_id_number],
        blank=True,  # blanked once the decision is past its retention (actions/retention.py)
    )
    password = models.CharField(max_length=128)  # hashed; becomes the account's password
    industry = models.ForeignKey(
        "people.Industry", verbose_name=_("industry"), on_delete=models.PROTECT
    )
    station = models.ForeignKey(
        "people.Station", verbose_name=_("station"), on_delete=models.PROTECT
    )
    county = models.ForeignKey(
        "geo.Region", verbose_name=_("county"), on_delete=models.PROTECT, related_name="+"
    )
    work_area = models.CharField(_("work area"), max_length=200)
    grids = models.ManyToManyField(
        "geo.Grid", verbose_name=_("grids"), blank=True, related_name="+"
    )
    accepted_rules = models.BooleanField(_("accepted the three rules (三个不准)"))
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    partner = models.OneToOneField(
        "people.Partner", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["mobile", "status"])]
        constraints = [
            # One open application per mobile, also when the form is sent twice at once.
            models.UniqueConstraint(
                fields=["mobile"],
                condition=models.Q(status__in=["submitted", "recommended"]),
                name="one_open_application_per_mobile",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} #{self.pk}"


class ApplicationStep(models.Model):
    """One step of an application's history: who did what, when and why."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(_("action"), max_length=20, choices=ApplicationAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_role = models.CharField(max_length=20, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action} @ {self.at:%Y-%m-%d %H:%M}"
