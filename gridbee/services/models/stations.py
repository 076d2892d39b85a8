from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import StationKind


class ServicePoint(models.Model):
    """A station where partners rest, drink, charge and warm food (暖新驿站, 司机之家, 爱心驿站),
    run by the county or by a company's station (people.Station), whose staff then keep it."""

    county = models.ForeignKey(
        "geo.Region", verbose_name=_("county"), on_delete=models.PROTECT, related_name="+"
    )
    station = models.ForeignKey(
        "people.Station",
        verbose_name=_("kept by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="service_points",
    )
    # The county's own reference (imports match rows on it); unique in the county.
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=StationKind.choices)
    services = models.JSONField(_("services"), default=list)
    # The same as bits (choices.Service's order), so a search filters them in SQL.
    services_mask = models.PositiveIntegerField(default=0, editable=False)
    # {"1": "08:00-20:00", … "7": "", "holiday": "09:00-17:00"}: ISO weekdays; "" closed.
    hours = models.JSONField(_("opening hours"), default=dict)
    open_24h = models.BooleanField(_("open 24 hours"), default=False)
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact = models.CharField(_("contact"), max_length=50, blank=True)
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    last_checked = models.DateField(_("last checked"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("service station")
        verbose_name_plural = _("service stations")
        ordering = ["county", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["county", "code"], name="service_point_code")
        ]
        # Nearest search reads a bounding box: latitude first, the narrow range.
        indexes = [models.Index(fields=["lat", "lon"], name="service_point_box")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        from ..nearest import services_mask

        self.services_mask = services_mask(self.services)
        if kwargs.get("update_fields") is not None and "services" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "services_mask"}
        super().save(*args, **kwargs)


class StationPhoto(models.Model):
    point = models.ForeignKey(ServicePoint, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to="stations/")
    thumbnail = models.ImageField(upload_to="stations/thumbs/")
    sha256 = models.CharField(max_length=64)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]

    def __str__(self) -> str:
        return self.sha256[:12]


class StationReport(models.Model):
    """ "This station is wrong or closed": a partner's note, filed as a case to the county."""

    point = models.ForeignKey(ServicePoint, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="station_reports"
    )
    case = models.OneToOneField(
        "cases.Case", on_delete=models.PROTECT, related_name="station_report"
    )
    problem = models.CharField(_("problem"), max_length=20)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.point_id}: {self.problem}"
