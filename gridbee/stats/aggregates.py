"""Keeping the figures: what each case contributes (CaseMeasure) is rewritten whenever the
case changes, and the days it touched (before and after) are marked dirty; the worker sums dirty
days into the daily rows. The pages read the daily rows, and for today and any day not yet
summed again, the contributions themselves (the live part): so a figure is right the moment
the step that changed it has committed, and cheap once the day is summed."""

import contextlib
import datetime
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from itertools import groupby
from operator import itemgetter

from django.db import connection, transaction
from django.db.models import Count, Max, Min, Q, QuerySet
from django.utils import timezone

from gridbee.cases.models import Case, CaseEvent, Report

from . import engine
from .models import (
    DAILY_DIMENSIONS,
    MONTHLY_DIMENSIONS,
    CaseMeasure,
    DailyStat,
    DirtyDay,
    Watermark,
)

BATCH = 2000
# Events younger than this are read again by the next sweep: a transaction that committed
# late (an id below the watermark) is still seen.
SETTLE = datetime.timedelta(minutes=2)


TEXT_DIMS = {"town", "region", "group", "source"}


def column(dim: str) -> str:
    return dim  # the CaseMeasure column each dimension sums by


def _raw(queryset) -> Iterator[tuple]:
    """The rows of a values_list query without the ORM's per-value converters (a million cases
    read in minutes, not tens of them); datetimes come back aware (SQLite's naive ones are UTC)."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(5000):
            yield from batch


def _aware(at: datetime.datetime) -> datetime.datetime:
    return at if at.tzinfo else at.replace(tzinfo=datetime.UTC)


def _cases(which: Q) -> QuerySet:
    return Case.objects.filter(which).order_by("pk").values_list(
        "pk", "county_id", "kind", "region_id", "grid_id", "category_id", "category__group",
        "department_id", "h3_cell", "first_report__source", "opened_at",
    )  # fmt: skip


def _timelines(which: Q) -> Iterator[tuple[int, list[engine.Ev]]]:
    """(case id, its events in timeline order) for the cases that have events, by case id."""
    rows = CaseEvent.objects.filter(which).values_list(
        "case_id", "kind", "at", "on_time", "from_status", "to_status", "note"
    )
    Ev = engine.Ev
    for case_id, group in groupby(_raw(rows.order_by("case_id", "at", "id")), itemgetter(0)):
        yield case_id, [Ev(kind, _aware(at), on_time, fs, ts, note)
                        for _, kind, at, on_time, fs, ts, note in group]  # fmt: skip


def _reports(which: Q) -> dict[int, list[engine.Rep]]:
    reports = defaultdict(list)
    rows = Report.objects.filter(which).values_list(
        "case_id", "received_at", "partner_id", "partner__membership__team_id", "source",
        "is_first",
    )  # fmt: skip
    for case_id, at, *rest in _raw(rows.order_by("case_id", "id")):
        reports[case_id].append(engine.Rep(_aware(at), *rest))
    return reports


def contributions(case_ids: list[int] | tuple[int, int], measures: list[engine.Spec]) -> list:
    """The CaseMeasure rows (tuples of engine.COLUMNS) of these cases: a list of ids, or an id
    range (first, last) as the rebuild reads them."""
    if isinstance(case_ids, tuple):
        first, last = case_ids
        mine, theirs = Q(pk__range=(first, last)), Q(case_id__gte=first, case_id__lte=last)
    else:
        mine, theirs = Q(pk__in=case_ids), Q(case_id__in=case_ids)
    timelines = _timelines(theirs)
    reports = _reports(theirs)
    out = []
    pending = next(timelines, None)
    for pk, county, kind, region, grid, category, group, department, cell, source, opened in _raw(
        _cases(mine)
    ):
        events = []
        while pending is not None and pending[0] <= pk:  # both in case id order
            if pending[0] == pk:
                events = pending[1]
            pending = next(timelines, None)
        facts = engine.Facts(pk, county, kind, region, grid, category, group or "", department,
                             cell, source or "")  # fmt: skip
        line = engine.timeline(_aware(opened), events)
        out += engine.rows(facts, line, reports.get(pk, []), measures)
    return out


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
            new = contributions(chunk, measures)
            write_contributions(new)
            days |= {(row[1], row[engine.DAY]) for row in new}
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


def write_contributions(rows: list[tuple]) -> None:
    """Insert contributions (tuples of engine.COLUMNS): COPY on PostgreSQL, one prepared
    statement on SQLite; bulk_create costs more per row than the database does."""
    if not rows:
        return
    q = connection.ops.quote_name
    table = q(CaseMeasure._meta.db_table)
    columns = ", ".join(q(CaseMeasure._meta.get_field(name).column) for name in engine.COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(engine.COLUMNS))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)


def insert_rows(model, rows: list[dict], batch: int = BATCH) -> None:
    """INSERT plain rows ({attname: value}, every concrete field but the id) of a model."""
    if not rows:
        return
    q = connection.ops.quote_name
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    sql = (
        f"INSERT INTO {q(model._meta.db_table)} ({', '.join(q(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    prep = [(f.attname, f.get_db_prep_save) for f in fields]
    values = [[save(r.get(name), connection) for name, save in prep] for r in rows]
    with connection.cursor() as cursor:
        for start in range(0, len(values), batch):
            cursor.executemany(sql, values[start : start + batch])


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


def _clear() -> None:
    """No figures at all: TRUNCATE on PostgreSQL (a DELETE of millions of rows takes minutes)."""
    models = (CaseMeasure, DailyStat, DirtyDay)
    if connection.vendor == "postgresql":
        tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {tables}")
    else:
        for model in models:  # a DELETE without WHERE is SQLite's truncate
            model.objects.all()._raw_delete(connection.alias)


@contextlib.contextmanager
def _without_indexes(*models):
    """Indexes dropped while the rows go in, built again after: one sort instead of millions
    of B-tree inserts."""
    editor = connection.schema_editor()
    indexes = [(model, index) for model in models for index in model._meta.indexes]
    with connection.cursor() as cursor:
        for _, index in indexes:
            cursor.execute(f"DROP INDEX IF EXISTS {connection.ops.quote_name(index.name)}")
        try:
            yield
        finally:
            for model, index in indexes:
                cursor.execute(str(index.create_sql(model, editor)))


def _figure(first: int, last: int, measures: list[engine.Spec]) -> int:
    """Write the contributions of the cases with ids first..last; returns the rows."""
    with transaction.atomic():
        rows = contributions((first, last), measures)
        write_contributions(rows)
    return len(rows)


def rebuild(counties: Iterable[str] | None = None, progress=None) -> dict:
    """Everything from scratch: every case's contributions, then every day's sums."""
    started = time.monotonic()
    measures = engine.specs()
    _clear()
    top = CaseEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    bounds = Case.objects.aggregate(first=Min("pk"), last=Max("pk"), n=Count("pk"))
    first, last, cases = bounds["first"] or 0, bounds["last"] or -1, bounds["n"]
    rows = 0
    with _without_indexes(CaseMeasure, DailyStat):
        for lo in range(first, last + 1, BATCH):
            rows += _figure(lo, min(lo + BATCH - 1, last), measures)
            if progress:
                progress(min(cases, lo + BATCH - first))
        counties = set(counties or CaseMeasure.objects.values_list("county", flat=True).distinct())
        daily = sum(sum_days(county, None) for county in counties)
    Watermark.objects.update_or_create(name="events", defaults={"last_id": top})
    return {"cases": cases, "contributions": rows, "daily_rows": daily,
            "seconds": round(time.monotonic() - started, 1)}  # fmt: skip
