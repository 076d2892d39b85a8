"""Rankings (排行榜) and the honours list (评先选优): partners of a county or a team ordered by
what they did in a month, a quarter or a year — points earned (earning kinds only: the shop and
corrections do not count), verified reports (cases of theirs verified and closed in the period)
and first reports (首报) among them. Ties share a rank (1, 1, 3)."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridbee.cases.choices import CaseStatus
from gridbee.cases.models import Report
from gridbee.core.errors import DomainError
from gridbee.people.models import Partner
from gridbee.people.validators import mask_name

from . import spreadsheets
from .choices import EARNING_KINDS
from .errors import RewardsError
from .models import PointsEntry
from .periods import local_midnight, next_month

METRICS = {
    "points": gettext_lazy("Points earned"),
    "verified_reports": gettext_lazy("Verified reports"),
    "first_reports": gettext_lazy("First reports"),
}
PERIOD_KINDS = {
    "month": gettext_lazy("Month"),
    "quarter": gettext_lazy("Quarter"),
    "year": gettext_lazy("Year"),
}


@dataclass(frozen=True)
class Period:
    kind: str  # month, quarter, year
    start: datetime.date
    end: datetime.date  # the first day after it

    @property
    def label(self) -> str:
        if self.kind == "year":
            return f"{self.start.year}"
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start:%Y-%m}"

    @property
    def last(self) -> datetime.date:
        return self.end - datetime.timedelta(days=1)

    def previous(self) -> "Period":
        return period_of(self.kind, self.start - datetime.timedelta(days=1))

    def next(self) -> "Period":
        return period_of(self.kind, self.end)


def period_of(kind: str, day: datetime.date) -> Period:
    """The month, quarter or year that contains `day`."""
    if kind == "year":
        start = day.replace(month=1, day=1)
        return Period(kind, start, start.replace(year=start.year + 1))
    if kind == "quarter":
        start = day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
        end = next_month(next_month(next_month(start)))
        return Period(kind, start, end)
    start = day.replace(day=1)
    return Period("month", start, next_month(start))


def parse_period(text: str | None, today: datetime.date | None = None) -> Period:
    """ "2026" (a year), "2026-Q1" (a quarter), "2026-03" (a month); empty: this month.
    INVALID_PERIOD otherwise."""
    text = (text or "").strip().upper()
    today = today or timezone.localdate()
    if not text:
        return period_of("month", today)
    try:
        if len(text) == 4 and text.isdigit():
            return period_of("year", datetime.date(int(text), 1, 1))
        year, _sep, rest = text.partition("-")
        if rest.startswith("Q") and len(rest) == 2 and rest[1] in "1234":
            return period_of("quarter", datetime.date(int(year), int(rest[1]) * 3 - 2, 1))
        if len(year) == 4 and len(rest) == 2 and rest.isdigit():
            return period_of("month", datetime.date(int(year), int(rest), 1))
    except ValueError:
        pass
    raise DomainError(RewardsError.INVALID_PERIOD)


def ranking(
    period: Period, *, region: str | None = None, team=None, metric: str = "points"
) -> list[dict]:
    """Partners of a region (a code prefix: a county's ranking; "" for all) or of a team who
    did anything in the period, ordered by `metric`, then the other figures, then who joined
    first. Each row: rank, partner_id, name, station, team, points, verified_reports,
    first_reports."""
    if metric not in METRICS:
        raise DomainError(RewardsError.INVALID_PERIOD)
    entries = PointsEntry.objects.filter(
        day__gte=period.start, day__lt=period.end, kind__in=EARNING_KINDS
    )
    reports = Report.objects.filter(
        partner__isnull=False,
        case__status=CaseStatus.CLOSED,
        case__closed_at__gte=local_midnight(period.start),
        case__closed_at__lt=local_midnight(period.end),
    )
    if team is not None:
        entries = entries.filter(partner__membership__team=team)
        reports = reports.filter(partner__membership__team=team)
    elif region:
        entries = entries.filter(county__code__startswith=region)
        reports = reports.filter(partner__county__code__startswith=region)
    figures: dict[int, dict] = {}

    def row(partner_id):
        return figures.setdefault(
            partner_id, {"points": 0, "verified_reports": 0, "first_reports": 0}
        )

    for partner_id, points in (
        entries.order_by()
        .values("partner_id")
        .annotate(s=Sum("amount"))
        .values_list("partner_id", "s")
    ):
        row(partner_id)["points"] = points or 0
    counted = (
        reports.order_by()
        .values("partner_id")
        .annotate(
            verified=Count("case_id", distinct=True),
            first=Count("id", filter=Q(case__first_report_id=F("id"))),
        )
        .values_list("partner_id", "verified", "first")
    )
    for partner_id, verified, first in counted:
        row(partner_id).update(verified_reports=verified, first_reports=first)
    partners = Partner.objects.filter(pk__in=figures).select_related("station", "membership__team")
    rows = []
    for partner in partners:
        membership = getattr(partner, "membership", None)
        rows.append(
            {
                "partner_id": partner.pk,
                "name": partner.name,
                "station": partner.station.name,
                "team": membership.team.name if membership else "",
                **figures[partner.pk],
            }
        )
    others = [m for m in METRICS if m != metric]
    rows.sort(key=lambda r: (-r[metric], -r[others[0]], -r[others[1]], r["partner_id"]))
    for n, r in enumerate(rows):
        tied = n and rows[n - 1][metric] == r[metric]
        r["rank"] = rows[n - 1]["rank"] if tied else n + 1
    return rows


def shown_to(rows: list[dict], *, full_names: bool, me: int | None = None) -> list[dict]:
    """Rows as a viewer sees them: county staff see names; partners see others masked (李*),
    without the partner's id, and their own row marked."""
    out = []
    for r in rows:
        mine = me is not None and r["partner_id"] == me
        shown = {**r, "is_me": mine}
        if not (full_names or mine):
            shown["name"] = mask_name(r["name"])
            shown["partner_id"] = None
        out.append(shown)
    return out


def rank_of(rows: list[dict], partner_id: int) -> dict | None:
    return next((r for r in rows if r["partner_id"] == partner_id), None)


# --- the honours list (评先选优) ------------------------------------------------------------


def _honours_table(rows: list[dict]) -> tuple[list[str], list[list]]:
    head = [
        _("Rank"),
        _("Name"),
        _("Station"),
        _("Team"),
        str(METRICS["points"]),
        str(METRICS["verified_reports"]),
        str(METRICS["first_reports"]),
    ]
    body = [
        [
            r["rank"],
            r["name"],
            r["station"],
            r["team"],
            r["points"],
            r["verified_reports"],
            r["first_reports"],
        ]
        for r in rows
    ]
    return head, body


def honours_csv(rows: list[dict]) -> bytes:
    return spreadsheets.to_csv(*_honours_table(rows))


def honours_xlsx(rows: list[dict], title: str) -> bytes:
    widths = dict(enumerate((6, 12, 20, 16, 10, 10, 10)))
    book, _sheet = spreadsheets.workbook(title, *_honours_table(rows), widths)
    return spreadsheets.xlsx_bytes(book)
