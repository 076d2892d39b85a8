"""Keeping the figures: what each case contributes (CaseMeasure) is rewritten whenever the
case changes, and the days it touched (before and after) are marked dirty; the worker sums dirty
days into the daily rows. The pages read the daily rows, and for today and any day not yet
summed again, the contributions themselves (the live part): so a figure is right the moment
the step that changed it has committed, and cheap once the day is summed."""

import datetime
import time
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Count, Max, Min
from django.utils import timezone

from gridbee.cases.models import Case, CaseEvent

from . import contributions, engine, rebuilding
from .models import (
    DAILY_DIMENSIONS,
    MONTHLY_DIMENSIONS,
    TEXT_DIMS,
    CaseMeasure,
    DailyStat,
    DirtyDay,
    Watermark,
)

BATCH = 2000
# Events younger than this are read again by the next sweep: a transaction that committed
# late (an id below the watermark) is still seen.
SETTLE = datetime.timedelta(minutes=2)


def column(dim: str) -> str:
    return dim  # the CaseMeasure column each dimension sums by


def refigure(case_ids: Iterable[int], measures: list[engine.Spec] | None = None) -> int:
    """Rewrite what these cases contribute and mark the days that changed; returns rows."""
    case_ids = sorted(set(case_ids))
    if not case_ids:
        return 0
    measures = engine.specs() if measures is None else measures
    written = 0
    for start in range(0, len(case_ids), BATCH):
        chunk = case_ids[start : start + BATCH]
        with transaction.atomic():
            old = CaseMeasure.objects.filter(case_id__in=chunk)
            days = set(old.values_list("county", "day").distinct())
            old.delete()
            new = contributions.of_cases(chunk, measures)
            contributions.write(new)
            days |= {(row[engine.COUNTY], row[engine.DAY]) for row in new}
            mark_dirty(days)
            written += len(new)
    return written


def mark_dirty(days: Iterable[tuple[str, datetime.date]]) -> None:
    stamp = int(time.time() * 1000) % 2_000_000_000
    rows = [DirtyDay(county=c, day=d, marked=stamp) for c, d in set(days)]
    DirtyDay.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["county", "day"], update_fields=["marked"]
    )


def sum_days(county: str, days: list[datetime.date] | None) -> int:
    """Sum these days (all days with None) of the county into daily rows, and their months
    into the fine dimensions' monthly rows, in the database: one INSERT … SELECT … GROUP BY
    per dimension."""
    q = connection.ops.quote_name
    daily, contrib = q(DailyStat._meta.db_table), q(CaseMeasure._meta.db_table)
    adapt = connection.ops.adapt_datefield_value
    by_day, by_month, params, month_params = "county = %s", "county = %s", [county], [county]
    if days is not None:
        months = sorted({d.replace(day=1) for d in days})
        by_day += f" AND day IN ({', '.join(['%s'] * len(days))})"
        params += [adapt(d) for d in days]
        by_month += f" AND month IN ({', '.join(['%s'] * len(months))})"
        month_params += [adapt(m) for m in months]
    written = 0
    with transaction.atomic(), connection.cursor() as cursor:
        for dims, where, args, when in (
            (DAILY_DIMENSIONS, by_day, params, "day"),
            (MONTHLY_DIMENSIONS, by_month, month_params, "month"),
        ):
            marks = ", ".join(["%s"] * len(dims))
            kept = where.replace("month IN", "day IN")
            cursor.execute(f"DELETE FROM {daily} WHERE {kept} AND dim IN ({marks})", [*args, *dims])
            for dim in dims:
                col = q(column(dim)) if dim else None
                key = f"CAST({col} AS TEXT)" if col else "''"
                only = ""
                if col:
                    only = f" AND {col} IS NOT NULL"
                    only += f" AND {col} <> ''" if dim in TEXT_DIMS else ""
                group = ", ".join(["county", when, "kind", "measure", *([col] if col else [])])
                cursor.execute(
                    f"INSERT INTO {daily} (county, day, kind, measure, dim, {q('key')}, n, "
                    f"minutes, work_minutes) SELECT county, {when}, kind, measure, %s, {key}, "
                    f"COUNT(*), COALESCE(SUM(minutes), 0), COALESCE(SUM(work_minutes), 0) "
                    f"FROM {contrib} WHERE {where}{only} GROUP BY {group}",
                    [dim, *args],
                )
                written += max(cursor.rowcount, 0)
    return written


def sum_dirty(limit: int = 500) -> int:
    """Sum the days marked dirty (the worker, every minute); returns how many days."""
    dirty = list(
        DirtyDay.objects.order_by("day")[:limit].values_list("pk", "county", "day", "marked")
    )
    by_county = defaultdict(list)
    for _, county, day, _ in dirty:
        by_county[county].append(day)
    for county, days in by_county.items():
        for start in range(0, len(days), 100):
            sum_days(county, days[start : start + 100])
    for pk, _, _, marked in dirty:
        # Marked again meanwhile: it stays for the next round.
        DirtyDay.objects.filter(pk=pk, marked=marked).delete()
    return len(dirty)


def sweep_timeline(limit: int = 5000, now: datetime.datetime | None = None) -> int:
    """Refigure the cases whose timeline grew since the last sweep (every step, also those
    written outside the workflow: openings, merges); returns how many cases."""
    now = now or timezone.now()
    mark, _ = Watermark.objects.get_or_create(name="events")
    rows = list(
        CaseEvent.objects.filter(pk__gt=mark.last_id)
        .order_by("pk")
        .values_list("pk", "case_id", "at")[:limit]
    )
    if not rows:
        return 0
    refigure({case_id for _, case_id, _ in rows})
    last = mark.last_id
    for pk, _, at in rows:  # the settled prefix; younger events are read again next time
        if at >= now - SETTLE:
            break
        last = pk
    Watermark.objects.filter(name="events").update(last_id=last)
    return len({case_id for _, case_id, _ in rows})


def rebuild(counties: Iterable[str] | None = None, progress=None) -> dict:
    """Everything from scratch: every case's contributions, then every day's sums
    (rebuilding.py)."""
    started = time.monotonic()
    measures = engine.specs()
    rebuilding.clear()
    cleared = round(time.monotonic() - started, 1)
    top = CaseEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    bounds = Case.objects.aggregate(first=Min("pk"), last=Max("pk"), n=Count("pk"))
    rows, daily, phases = rebuilding.run(
        bounds["first"] or 0, bounds["last"] or -1, bounds["n"], measures,
        set(counties) if counties else None, BATCH, progress,
    )  # fmt: skip
    Watermark.objects.update_or_create(name="events", defaults={"last_id": top})
    return {"cases": bounds["n"], "contributions": rows, "daily_rows": daily,
            "seconds": round(time.monotonic() - started, 1),
            "phases": {"clear": cleared, **phases}}  # fmt: skip
