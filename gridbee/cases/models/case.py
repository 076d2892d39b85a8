"""Cases (案件): what reports of one problem become, and what the closed loop handles."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..choices import CaseEventKind, CaseKind, CaseStatus, CrowdOutcome, Urgency


class Case(models.Model):
    """A case (案件): one problem at one place, opened by its first report (首报) and joined by
    later reports of the same category nearby (非首报)."""

    kind = models.CharField(_("kind"), max_length=20, default=CaseKind.REPORT)
    # A photo report's category and place; kinds without them leave these empty (kinds.py).
    category = models.ForeignKey(
        "cases.Category",
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
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
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    h3_cell = models.BigIntegerField(
        null=True, blank=True, help_text="H3 cell at resolution 10, for proximity search"
    )
    first_report = models.ForeignKey(
        "cases.Report", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    report_count = models.PositiveIntegerField(default=0)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_cases"
    )
    opened_at = models.DateTimeField(_("opened"))
    last_report_at = models.DateTimeField(_("last report"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # The closed loop (see workflow.py). version counts transitions: a client acting on what it
    # saw sends it back, and a case that moved meanwhile answers 409 instead of a lost update.
    version = models.PositiveIntegerField(default=0)
    department = models.ForeignKey(
        "people.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    step_deadline_at = models.DateTimeField(_("current step due"), null=True, blank=True)
    step_escalated = models.BooleanField(default=False)
    held_from = models.CharField(max_length=20, blank=True)
    reject_reason = models.CharField(max_length=20, blank=True)
    rework_count = models.PositiveSmallIntegerField(default=0)
    escalation_count = models.PositiveSmallIntegerField(default=0)
    rating = models.CharField(_("rating"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_at", "-id"]
        indexes = [
            models.Index(fields=["category", "h3_cell", "last_report_at"], name="case_proximity"),
            models.Index(fields=["county", "status", "urgency"], name="case_queue"),
            models.Index(fields=["region", "status"], name="case_region_queue"),
            models.Index(fields=["step_escalated", "step_deadline_at"], name="case_overdue"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.category_id}"


class CaseEvent(models.Model):
    """One step on a case's timeline: who, in which role, when, why (a reason from the step's
    choices: a rejection's, a rating) and a free note."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30, choices=CaseEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_role = models.CharField(max_length=20, blank=True)
    note = models.CharField(max_length=500, blank=True)
    reason = models.CharField(max_length=30, blank=True)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    # Whether this step came within its deadline (None when the step had none).
    on_time = models.BooleanField(null=True)
    # Where the actor stood, for the steps taken on the spot (到场): WGS-84, accuracy in metres.
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    accuracy_m = models.FloatField(null=True, blank=True)
    # The step's one moment: act() stamps it with the time its deadlines were figured from.
    at = models.DateTimeField(default=timezone.now)
    # What follows this step (effects.py) is still to be applied.
    effects_pending = models.BooleanField(default=False)

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(
                fields=["at"],
                condition=models.Q(effects_pending=True),
                name="case_event_effects_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} @ {self.at:%Y-%m-%d %H:%M}"


class EventPhoto(models.Model):
    """A photo attached to a step: a handling result, a verification."""

    event = models.ForeignKey(CaseEvent, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(upload_to="cases/%Y/%m/")
    thumbnail = models.FileField(upload_to="cases/%Y/%m/thumbs/")
    sha256 = models.CharField(max_length=64)

    def __str__(self) -> str:
        return self.image.name


class Extension(models.Model):
    """A department asks for more time (延期); the operator approves or refuses."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="extensions")
    minutes = models.PositiveIntegerField()
    reason = models.CharField(max_length=500)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved = models.BooleanField(null=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"+{self.minutes} min for #{self.case_id}"


class CrowdCheck(models.Model):
    """A partner passing by photographs a handled case (众包核查, "passing by? take a photo").
    The first photo within the category's radius after a handling counts, once per handling;
    the operator's verification (pass or fail) then confirms it as its evidence."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="crowd_checks")
    # The handling step (处置完毕) this photo checks: a rework and a new handling open a new one.
    handling = models.ForeignKey(CaseEvent, on_delete=models.CASCADE, related_name="+")
    # Its own step on the timeline, which holds the photo.
    event = models.OneToOneField(CaseEvent, on_delete=models.CASCADE, related_name="crowd_check")
    photo = models.OneToOneField(EventPhoto, on_delete=models.CASCADE, related_name="crowd_check")
    partner = models.ForeignKey(
        "people.Partner", on_delete=models.PROTECT, related_name="crowd_checks"
    )
    lat = models.FloatField()
    lon = models.FloatField()
    accuracy_m = models.FloatField(null=True, blank=True)
    distance_m = models.FloatField(_("distance from the case (m)"))
    created_at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(max_length=10, choices=CrowdOutcome.choices, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("crowd check")
        verbose_name_plural = _("crowd checks")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["handling"], name="crowd_check_once_per_handling")
        ]

    def __str__(self) -> str:
        return f"check of #{self.case_id} by {self.partner_id}"


class Message(models.Model):
    """An in-app message to a reporter about their case (件件有回应)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="messages"
    )
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=30)
    text = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.text[:40]
