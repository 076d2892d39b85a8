from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import AlertKind, AlertStatus, CapType, PositionSource

# Default radius stages (团圆-style widening): metres from the place last seen, from the
# time last seen; None is the whole county.
DEFAULT_STAGES = [[0, 2000], [30, 5000], [60, 10000], [120, None]]


class Alert(models.Model):
    """An urgent alert (紧急预警, 寻人): who is sought, where and when last seen, until when."""

    county = models.ForeignKey(
        "geo.Region", verbose_name=_("county"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AlertKind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=AlertStatus.choices, default=AlertStatus.ACTIVE
    )
    # The person: shown to partners while the alert runs, gone from their view at close.
    person_name = models.CharField(_("name"), max_length=50, blank=True)
    description = models.TextField(_("description"), max_length=1000)
    contact = models.CharField(_("contact line"), max_length=100, blank=True)
    lat = models.FloatField(_("latitude last seen"))
    lon = models.FloatField(_("longitude last seen"))
    h3_cell = models.BigIntegerField(editable=False)
    declared_crs = models.CharField(max_length=10, default="wgs84")
    last_seen_at = models.DateTimeField(_("last seen"))
    expires_at = models.DateTimeField(_("expires"))
    stages = models.JSONField(_("radius stages"), default=list)
    stage = models.IntegerField(default=-1)  # the last stage told (-1: none yet)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    close_note = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["status", "expires_at"], name="alert_active")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()}"

    @property
    def is_active(self) -> bool:
        return self.status == AlertStatus.ACTIVE


class AlertPhoto(models.Model):
    """A photo of the person sought; partners see it only while the alert is active."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(upload_to="alerts/%Y/%m/")
    thumbnail = models.FileField(upload_to="alerts/%Y/%m/thumbs/")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.alert_id}/{self.pk}"


class CapMessage(models.Model):
    """One CAP 1.2 message of an alert (Alert, then Updates, then a Cancel), each referencing
    those before it."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="messages")
    msg_type = models.CharField(max_length=10, choices=CapType.choices)
    sent = models.DateTimeField()
    note = models.CharField(max_length=500, blank=True)
    # What the message said (status, expiry, stage radius), frozen when sent.
    snapshot = models.JSONField(default=dict)

    class Meta:
        ordering = ["sent", "id"]

    def __str__(self) -> str:
        return f"{self.alert_id} {self.msg_type}"


class AlertEvent(models.Model):
    """The alert's timeline, for staff: who published, updated, closed, viewed after close."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.alert_id} {self.action}"


class PartnerPosition(models.Model):
    """A partner's last known position (最新位置), one row per partner, indexed by H3 cell so
    that an alert finds who is near in one query."""

    partner = models.OneToOneField(
        "people.Partner", on_delete=models.CASCADE, primary_key=True, related_name="position"
    )
    # The partner's account, kept here (it never changes) so that targeting reads this table
    # alone: the live topic of whom to tell is the user's.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    lat = models.FloatField()
    lon = models.FloatField()
    h3_cell = models.BigIntegerField()
    source = models.CharField(max_length=10, choices=PositionSource.choices)
    at = models.DateTimeField()

    class Meta:
        verbose_name = _("partner position")
        verbose_name_plural = _("partner positions")
        # Covering on PostgreSQL: targeting reads the index alone (an index-only scan).
        indexes = [
            models.Index(fields=["h3_cell"], include=["partner", "user"], name="position_cell")
        ]

    def __str__(self) -> str:
        return f"{self.partner_id} @ {self.h3_cell:x}"


class Told(models.Model):
    """A partner told of an alert (once), and what became of it: reached, seen, messaged."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="told")
    partner = models.ForeignKey("people.Partner", on_delete=models.CASCADE, related_name="+")
    stage = models.IntegerField()
    # The area the partner was counted in on the operator's map (an H3 cell, coarse).
    area_cell = models.BigIntegerField(null=True)
    told_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)
    seen_at = models.DateTimeField(null=True, blank=True)
    messaged_at = models.DateTimeField(null=True, blank=True)
    all_clear_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["alert", "partner"], name="told_once_per_alert")
        ]
        indexes = [models.Index(fields=["partner", "alert"], name="told_partner")]

    def __str__(self) -> str:
        return f"{self.alert_id} → {self.partner_id}"


class Sighting(models.Model):
    """A partner's sighting (线索): photo, place, time, a line of text."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="sightings")
    partner = models.ForeignKey("people.Partner", on_delete=models.PROTECT, related_name="+")
    idempotency_key = models.CharField(max_length=100)
    request_fingerprint = models.CharField(max_length=64)
    lat = models.FloatField()
    lon = models.FloatField()
    seen_at = models.DateTimeField()
    text = models.CharField(max_length=200, blank=True)
    image = models.FileField(upload_to="sightings/%Y/%m/")
    thumbnail = models.FileField(upload_to="sightings/%Y/%m/thumbs/")
    received_at = models.DateTimeField(auto_now_add=True)
    useful = models.BooleanField(null=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Sightings close in space and time share a group: the first of them.
    group = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["received_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "idempotency_key"], name="sighting_idempotent"
            )
        ]

    def __str__(self) -> str:
        return f"{self.alert_id}: {self.pk}"
