"""What cases contribute (CaseMeasure rows), read and written in bulk: the timelines straight
from a cursor, the rows as plain tuples (engine.COLUMNS) in one prepared statement, or COPY on
PostgreSQL. The worker refigures a few cases at a time with these; the rebuild a million."""

import datetime
from collections import defaultdict
from collections.abc import Iterator
from itertools import groupby
from operator import itemgetter

from django.db import connection
from django.db.models import Q, QuerySet

from gridbee.cases.models import Case, CaseEvent, Report

from . import engine
from .models import CaseMeasure

BATCH = 2000


def raw(queryset) -> list[tuple]:
    """The rows of a values_list query without the ORM's per-value converters (a million cases
    read in minutes, not tens of them); datetimes come back aware (SQLite's naive ones are UTC).
    Read whole: a cursor left open holds a lock on a shared in-memory SQLite database."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def aware(at: datetime.datetime) -> datetime.datetime:
    return at if at.tzinfo else at.replace(tzinfo=datetime.UTC)


def _cases(which: Q) -> QuerySet:
    return Case.objects.filter(which).order_by("pk").values_list(
        "pk", "county_id", "kind", "region_id", "grid_id", "category_id", "category__group",
        "department_id", "h3_cell", "first_report__source", "opened_at",
    )  # fmt: skip


def _timelines(which: Q) -> Iterator[tuple[int, list[engine.Ev]]]:
    """(case id, its events in timeline order) for the cases that have events, by case id."""
    rows = CaseEvent.objects.filter(which).values_list(
        "case_id", "kind", "at", "on_time", "from_status", "to_status", "note", "reason"
    )
    Ev = engine.Ev
    for case_id, group in groupby(raw(rows.order_by("case_id", "at", "id")), itemgetter(0)):
        yield case_id, [Ev(kind, aware(at), on_time, fs, ts, note, reason)
                        for _, kind, at, on_time, fs, ts, note, reason in group]  # fmt: skip


def _reports(which: Q) -> dict[int, list[engine.Rep]]:
    reports = defaultdict(list)
    rows = Report.objects.filter(which).values_list(
        "case_id", "received_at", "partner_id", "partner__membership__team_id", "source",
        "is_first",
    )  # fmt: skip
    for case_id, at, *rest in raw(rows.order_by("case_id", "id")):
        reports[case_id].append(engine.Rep(aware(at), *rest))
    return reports


def of_cases(case_ids: list[int] | tuple[int, int], measures: list[engine.Spec]) -> list:
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
    for pk, county, kind, region, grid, category, group, department, cell, source, opened in raw(
        _cases(mine)
    ):
        events = []
        while pending is not None and pending[0] <= pk:  # both in case id order
            if pending[0] == pk:
                events = pending[1]
            pending = next(timelines, None)
        facts = engine.Facts(pk, county, kind, region, grid, category, group or "", department,
                             cell, source or "")  # fmt: skip
        line = engine.timeline(aware(opened), events)
        out += engine.rows(facts, line, reports.get(pk, []), measures)
    return out


def write(rows: list[tuple]) -> None:
    """Insert contributions (tuples of engine.COLUMNS)."""
    write_tuples(CaseMeasure, engine.COLUMNS, rows)


def write_tuples(model, names: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert plain rows (tuples of these fields): COPY on PostgreSQL, one prepared statement
    on SQLite; bulk_create costs more per row than the database does."""
    if not rows:
        return
    q = connection.ops.quote_name
    table = q(model._meta.db_table)
    columns = ", ".join(q(model._meta.get_field(name).column) for name in names)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(names))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)


def insert_rows(model, rows: list[dict], batch: int = BATCH) -> None:
    """Insert plain rows ({attname: value}, every concrete field but the id) of a model."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    prep = [(f.attname, f.get_db_prep_save) for f in fields]
    names = tuple(f.attname for f in fields)
    for start in range(0, len(rows), batch):
        values = [tuple(save(r.get(name), connection) for name, save in prep)
                  for r in rows[start : start + batch]]  # fmt: skip
        write_tuples(model, names, values)
