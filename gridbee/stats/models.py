"""The dashboards' data (统计): measures and indicators as rows, what each case contributes to
each measure, and the daily aggregates the pages read.

A measure (度量) counts cases (or reports) by case-event conditions and dates each one by the
day of its event; an indicator (指标) is a measure, or a ratio of two, or an average. Both are
data: a county edits them in the admin, and a new kind of case (a claim) is counted by rows, not
code. See engine.py for how conditions read."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Per(models.TextChoices):
    CASE = "case", _("Case")
    REPORT = "report", _("Report")  # one row per report of the case: a partner's figures


class Unit(models.TextChoices):
    COUNT = "count", _("Count")
    PERCENT = "percent", _("Percent")
    HOURS = "hours", _("Average hours")


class Days(models.TextChoices):
    CALENDAR = "calendar", _("Calendar time")
    WORKING = "working", _("Working time")  # the business calendar of cases/deadlines.py


class Better(models.TextChoices):
    HIGH = "high", _("Higher is better")
    LOW = "low", _("Lower is better")


class Measure(models.Model):
    """A measure (度量): which cases count, on which day. `event` names the event kinds that
    date a case (the first or last of them that matches `where`); "@opened" is the case's
    opening, which every kind has. `requires`/`excludes` are further conditions on the case's
    events ({"event": "handle", "which": "last", "on_time": true}); `value_from` makes it a
    duration: minutes from that event to the dating one."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=50)
    per = models.CharField(max_length=10, choices=Per.choices, default=Per.CASE)
    event = models.JSONField(_("dating events"), default=list)
    which = models.CharField(max_length=5, default="first")  # "first" or "last"
    where = models.JSONField(_("conditions on the dating event"), default=dict, blank=True)
    requires = models.JSONField(_("events the case must have"), default=list, blank=True)
    excludes = models.JSONField(_("events the case must not have"), default=list, blank=True)
    value_from = models.CharField(_("duration from event"), max_length=30, blank=True)
    first_report_only = models.BooleanField(default=False)  # per report: 首报 only

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} ({self.name})"


class Indicator(models.Model):
    """An indicator (考核指标): numerator over denominator, both measures; a count has no
    denominator, an average divides the numerator's total duration by its count. `subtract`
    leaves a measure (缓办) out of the denominator in counties that say so (Jinhua's
    按期结案率 = 按期结案数 / (应结案数 − 缓办数)); `kind` limits it to one kind of case."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=50)
    unit = models.CharField(max_length=10, choices=Unit.choices, default=Unit.COUNT)
    numerator = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="+")
    denominator = models.ForeignKey(
        Measure, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    subtract = models.ForeignKey(
        Measure, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    kind = models.CharField(_("kind of case"), max_length=20, blank=True)
    days = models.CharField(max_length=10, choices=Days.choices, default=Days.CALENDAR)
    better = models.CharField(max_length=5, choices=Better.choices, default=Better.HIGH)
    # Which periods it is published for (day, month, quarter, year): the period rule.
    periods = models.JSONField(default=list, blank=True)
    overview = models.BooleanField(_("on the overview"), default=True)
    league = models.BooleanField(_("in league tables"), default=False)
    partner = models.BooleanField(_("a partner's figure"), default=False)
    sort = models.PositiveSmallIntegerField(default=100)
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["sort", "code"]

    def __str__(self) -> str:
        return f"{self.code} ({self.name})"


class CountySettings(models.Model):
    """How a county computes its figures."""

    county = models.OneToOneField(
        "geo.Region", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    held_leaves_denominator = models.BooleanField(_("缓办 leaves the denominator"), default=False)

    class Meta:
        verbose_name = _("county statistics settings")
        verbose_name_plural = _("county statistics settings")

    def __str__(self) -> str:
        return self.county_id


class CaseMeasure(models.Model):
    """What one case (or one of its reports) contributes to one measure: the day and the
    dimensions it counts under. Rewritten whole whenever the case changes; the daily rows are
    sums of these, and a drill-down lists exactly these cases."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    county = models.CharField(max_length=12)
    measure = models.CharField(max_length=40)
    day = models.DateField()
    month = models.DateField()  # the first of day's month: the fine dimensions sum by month
    kind = models.CharField(max_length=20)
    minutes = models.IntegerField(default=0)
    work_minutes = models.IntegerField(default=0)
    town = models.CharField(max_length=12, blank=True)
    region = models.CharField(max_length=12, blank=True)
    grid = models.IntegerField(null=True)
    category = models.IntegerField(null=True)
    group = models.CharField(max_length=20, blank=True)
    department = models.IntegerField(null=True)
    source = models.CharField(max_length=10, blank=True)
    partner = models.IntegerField(null=True)
    team = models.IntegerField(null=True)
    cell = models.BigIntegerField(null=True)  # H3 resolution 8, for the heat map

    class Meta:
        indexes = [
            # With the case: a drill-down's list of cases is read from the index alone.
            models.Index(fields=["county", "measure", "day", "case"], name="case_measure_lookup"),
            models.Index(fields=["case"], name="case_measure_case"),
        ]

    def __str__(self) -> str:
        return f"#{self.case_id} {self.measure} {self.day}"


# The dimensions a daily row is summed by, one at a time ("" is the county's total): those
# with few keys by day; those with many (hundreds of grids, cells, partners) by month, where a
# day would hold hardly more than its contributions. DailyStat.day is then the month's first.
DAILY_DIMENSIONS = ("", "town", "category", "group", "department", "source", "team")
MONTHLY_DIMENSIONS = ("region", "grid", "cell", "partner")
DIMENSIONS = DAILY_DIMENSIONS + MONTHLY_DIMENSIONS
TEXT_DIMS = ("town", "region", "group", "source")  # the others' keys are ids


class DailyStat(models.Model):
    """A day's (or for the fine dimensions a month's) sum of one measure in a county, for one
    kind of case, by one dimension."""

    county = models.CharField(max_length=12)
    day = models.DateField()
    kind = models.CharField(max_length=20)
    measure = models.CharField(max_length=40)
    dim = models.CharField(max_length=12, blank=True)
    key = models.CharField(max_length=24, blank=True)
    n = models.IntegerField(default=0)
    minutes = models.BigIntegerField(default=0)
    work_minutes = models.BigIntegerField(default=0)

    class Meta:
        indexes = [
            # Covering: a year's league of grids reads ~10^5 monthly rows; from the index alone
            # SQLite sums them 6× faster than fetching each row from the table.
            models.Index(
                fields=[
                    "county",
                    "dim",
                    "measure",
                    "day",
                    "key",
                    "kind",
                    "n",
                    "minutes",
                    "work_minutes",
                ],
                name="daily_stat_lookup",
            ),
            models.Index(fields=["county", "day"], name="daily_stat_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.measure} {self.dim}={self.key}: {self.n}"


class DirtyDay(models.Model):
    """A day whose daily rows no longer match its cases: the worker sums it again."""

    county = models.CharField(max_length=12)
    day = models.DateField()
    marked = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["county", "day"], name="dirty_day_once")]

    def __str__(self) -> str:
        return f"{self.county} {self.day}"


class Watermark(models.Model):
    """How far the worker has read the case timeline (CaseEvent ids)."""

    name = models.CharField(max_length=20, primary_key=True)
    last_id = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}: {self.last_id}"
