import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gridbee.people.choices import PartnerAction, PartnerStatus, StatusReason


class Partner(models.Model):
    """A partner (流动网格员, 兼职网格员): an approved worker who reports what they see."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="partner"
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    id_number = models.CharField(_("ID card number"), max_length=18)
    industry = models.ForeignKey(
        "people.Industry", verbose_name=_("industry"), on_delete=models.PROTECT
    )
    station = models.ForeignKey(
        "people.Station", verbose_name=_("station"), on_delete=models.PROTECT
    )
    county = models.ForeignKey(
        "geo.Region", verbose_name=_("county"), on_delete=models.PROTECT, related_name="+"
    )
    work_area = models.CharField(_("work area"), max_length=200, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=PartnerStatus.choices,
        default=PartnerStatus.ACTIVE,
        db_index=True,
    )
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    @property
    def can_act(self) -> bool:
        """Only an active partner may report, answer alerts and earn."""
        return self.status == PartnerStatus.ACTIVE


class PartnerEvent(models.Model):
    """The partner's history (动态进出): enrolment, suspension, revocation, reinstatement."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=20, choices=PartnerAction.choices)
    reason = models.CharField(_("reason"), max_length=30, choices=StatusReason.choices, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action} @ {self.at:%Y-%m-%d %H:%M}"


def _certificate_token() -> str:
    return secrets.token_urlsafe(16)


class Certificate(models.Model):
    """The partner's certificate (信息员证, identity 流动网格员), verifiable by anyone through the
    unguessable token in its QR code."""

    partner = models.OneToOneField(Partner, on_delete=models.CASCADE, related_name="certificate")
    number = models.CharField(_("certificate number"), max_length=30, unique=True)
    token = models.CharField(max_length=32, unique=True, default=_certificate_token)
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    valid_until = models.DateField(_("valid until"))

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self) -> str:
        return self.number


class GridBinding(models.Model):
    """A partner bound to a community grid near where they work (就近绑定, one or two)."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="bindings")
    grid = models.ForeignKey("geo.Grid", on_delete=models.PROTECT, related_name="bindings")
    bound_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["bound_at", "id"]
        constraints = [models.UniqueConstraint(fields=["partner", "grid"], name="binding_unique")]

    def __str__(self) -> str:
        return f"{self.partner_id} → {self.grid_id}"
