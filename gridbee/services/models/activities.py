import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import ActivityKind, CheckMethod, Recurrence, SignupStatus


def _secret() -> str:
    return secrets.token_hex(32)


class Activity(models.Model):
    """An activity partners sign up for and attend (活动: 爱骑日, 护学岗, 志愿服务), at a place
    and time; a recurring one is a series of these, each its own occurrence."""

    county = models.ForeignKey(
        "geo.Region", verbose_name=_("county"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices)
    title = models.CharField(_("title"), max_length=100)
    description = models.CharField(_("description"), max_length=1000, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    radius_m = models.PositiveIntegerField(_("check-in radius (m)"), default=200)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveIntegerField(_("places"))
    signup_opens_at = models.DateTimeField(_("sign-up opens"))
    signup_closes_at = models.DateTimeField(_("sign-up closes"))
    # Empty: the county's rule for an activity (EarningRules.activity_points).
    points = models.PositiveIntegerField(_("points for attending"), null=True, blank=True)
    recurrence = models.CharField(
        _("repeats"), max_length=10, choices=Recurrence.choices, blank=True, default=""
    )
    series = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="occurrences"
    )
    # Signs the venue's rotating check-in code; never leaves the server.
    secret = models.CharField(max_length=64, default=_secret, editable=False)
    organiser = models.ForeignKey(
        "people.User", verbose_name=_("organiser"), on_delete=models.PROTECT, related_name="+"
    )
    cancelled = models.BooleanField(_("cancelled"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["county", "starts_at"], name="activity_calendar")]

    def __str__(self) -> str:
        return self.title

    @property
    def minutes(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds() / 60


class Signup(models.Model):
    """A partner's place at an activity (报名), or their turn on its waiting list, and their
    attendance: checked in and out on the spot, credited as volunteer time (志愿时长)."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="signups")
    partner = models.ForeignKey(
        "people.Partner", on_delete=models.CASCADE, related_name="activity_signups"
    )
    status = models.CharField(_("status"), max_length=20, choices=SignupStatus.choices)
    signed_up_at = models.DateTimeField(_("signed up"))  # the waiting list's order
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out"), null=True, blank=True)
    check_in_method = models.CharField(max_length=20, choices=CheckMethod.choices, blank=True)
    credited_minutes = models.PositiveIntegerField(_("credited minutes"), default=0)

    class Meta:
        ordering = ["signed_up_at", "id"]
        constraints = [models.UniqueConstraint(fields=["activity", "partner"], name="signup_once")]
        indexes = [models.Index(fields=["activity", "status"], name="signup_list")]

    def __str__(self) -> str:
        return f"{self.partner_id} @ {self.activity_id}"


def _token() -> str:
    return secrets.token_urlsafe(16)


class VolunteerCertificate(models.Model):
    """A partner's volunteer-service certificate (志愿服务证明): its number and a token for the
    public check page its QR code opens; the hours are read from the record when shown."""

    partner = models.OneToOneField(
        "people.Partner", on_delete=models.CASCADE, related_name="volunteer_certificate"
    )
    number = models.CharField(_("certificate number"), max_length=30, unique=True)
    token = models.CharField(max_length=32, unique=True, default=_token)
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)

    def __str__(self) -> str:
        return self.number
