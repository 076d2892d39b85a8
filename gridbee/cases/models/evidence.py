"""The evidence of a case (案卷): the reports that raised it (随手拍: a photo, a place, a
category), their photos, the categories they use and the systems that may send them. Intake
(reports.actions) writes them; the tables keep their first names (reports_*)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import CategoryGroup, ReportSource, Urgency


class Category(models.Model):
    """A problem category (问题类别), aligned with the digital urban management classes."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=50)
    group = models.CharField(_("group"), max_length=20, choices=CategoryGroup.choices)
    major_class = models.CharField(_("class"), max_length=20)  # 大类: 市容环境, 突发事件…
    urgency = models.CharField(_("default urgency"), max_length=20, choices=Urgency.choices)
    handling_minutes = models.PositiveIntegerField(_("handling deadline (minutes)"))
    department_code = models.SlugField(_("responsible department"), max_length=30)
    dedup_radius_m = models.PositiveIntegerField(_("deduplication radius (m)"), default=50)
    dedup_window_hours = models.PositiveIntegerField(_("deduplication window (h)"), default=72)
    icon = models.CharField(_("icon"), max_length=8)
    sort = models.PositiveSmallIntegerField(default=100)
    active = models.BooleanField(_("active"), default=True)
    # Some problems say something about a person (a missing child, a quarrel, an accident):
    # they are reported and handled like any other, but never published to other systems.
    is_public = models.BooleanField(
        _("public in Open311"),
        default=True,
        help_text=_(
            "Off: the category and its requests never appear in the public Open311 output "
            "and other systems cannot report in it."
        ),
    )

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["sort", "code"]
        db_table = "reports_category"

    def __str__(self) -> str:
        return self.name


class Open311Client(models.Model):
    """Another system reporting through the Open311 GeoReport v2 API, with its own key."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    key_digest = models.CharField(max_length=64, unique=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Open311 client")
        verbose_name_plural = _("Open311 clients")
        db_table = "reports_open311client"

    def __str__(self) -> str:
        return self.name


class Report(models.Model):
    """One report (上报) by one reporter; reports of the same problem share a case."""

    source = models.CharField(max_length=10, choices=ReportSource.choices)
    partner = models.ForeignKey(
        "people.Partner", on_delete=models.PROTECT, null=True, blank=True, related_name="reports"
    )
    client = models.ForeignKey(
        Open311Client, on_delete=models.PROTECT, null=True, blank=True, related_name="reports"
    )
    # Who sent it ("p:<partner>" or "c:<client>") and the key their device chose: a retry of
    # the same request finds the first answer instead of creating a second report.
    sender = models.CharField(max_length=40)
    idempotency_key = models.CharField(max_length=100)
    # SHA-256 of what the first request said (fields and photos): the same key sent with
    # something else is refused, not answered as if it were the retry. Empty on rows older
    # than it, which answer any retry as before.
    request_fingerprint = models.CharField(max_length=64, blank=True, default="", editable=False)
    category = models.ForeignKey(Category, on_delete=models.PROTECT)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="reports")
    is_first = models.BooleanField(_("first report (首报)"))
    emergency_flag = models.BooleanField(_("reporter flagged an emergency"), default=False)
    lat = models.FloatField()
    lon = models.FloatField()
    declared_crs = models.CharField(max_length=10)
    accuracy_m = models.FloatField(null=True, blank=True)
    grid = models.ForeignKey("geo.Grid", on_delete=models.PROTECT, null=True, blank=True)
    region = models.ForeignKey("geo.Region", on_delete=models.PROTECT, related_name="+")
    text = models.CharField(_("text"), max_length=500, blank=True)
    phone_time = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    answer = models.JSONField(
        help_text="What intake answered (the case as it was then), returned again on a retry"
    )

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-received_at", "-id"]
        db_table = "reports_report"
        constraints = [
            models.UniqueConstraint(fields=["sender", "idempotency_key"], name="report_idempotent")
        ]

    def __str__(self) -> str:
        return f"report {self.pk}"


class Photo(models.Model):
    """A report's photo, stored re-encoded or stripped: no EXIF, no GPS, upright."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(upload_to="reports/%Y/%m/")
    thumbnail = models.FileField(upload_to="reports/%Y/%m/thumbs/")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["id"]
        db_table = "reports_photo"

    def __str__(self) -> str:
        return self.image.name
