"""The full rebuild, fast: cases by id range, each range's contributions made (by worker
processes when there are many cases) and written as they come, the daily and monthly sums
added up in memory on the way (one pass instead of a sort of every contribution per
dimension), and the indexes built once at the end. It writes exactly the rows the worker's
refigure and sum_days would: test_rebuild.py holds them to it."""

import contextlib
import multiprocessing
import os
import queue
import time
from collections import Counter
from collections.abc import Iterator
from itertools import repeat

from django.db import connection, connections, transaction

from . import contributions, engine
from .engine import COUNTY, DAY, KIND, MEASURE, MINUTES, MONTH, WORK  # places in a row
from .models import (
    DAILY_DIMENSIONS,
    MONTHLY_DIMENSIONS,
    CaseMeasure,
    DailyStat,
    DirtyDay,
)

# Below this many cases, forking costs more than it saves (and tests run in a transaction that
# other processes cannot see).
PARALLEL_FROM = 50_000
WORKERS = max(1, min(2, os.cpu_count() or 1))

# (dimension, its column in a contribution or None for the county total, whether by month)
_DIMS = [(dim, engine.COLUMNS.index(dim) if dim else None, False) for dim in DAILY_DIMENSIONS]
_DIMS += [(dim, engine.COLUMNS.index(dim), True) for dim in MONTHLY_DIMENSIONS]
DAILY_COLUMNS = ("county", "day", "kind", "measure", "dim", "key", "n", "minutes",
                 "work_minutes")  # fmt: skip


class Sums:
    """Daily rows summed in memory: counted by Counter over zipped columns (C loops: a
    million cases' contributions by eleven dimensions in seconds), durations apart (only the
    few measures with a value have any). Keys: (county, day or month, kind, measure, dim, raw
    key)."""

    def __init__(self):
        self.n = Counter()
        self.minutes = {}

    def add(self, rows: list[tuple]) -> None:
        if not rows:
            return
        cols = list(zip(*rows, strict=True))
        for dim, i, monthly in _DIMS:
            keys = repeat("") if i is None else cols[i]
            when = cols[MONTH if monthly else DAY]
            self.n.update(zip(cols[COUNTY], when, cols[KIND], cols[MEASURE], repeat(dim), keys))
        timed = [row for row in rows if row[MINUTES] or row[WORK]]
        for dim, i, monthly in _DIMS:
            for row in timed:
                at = (row[COUNTY], row[MONTH if monthly else DAY], row[KIND], row[MEASURE], dim,
                      "" if i is None else row[i])  # fmt: skip
                cell = self.minutes.setdefault(at, [0, 0])
                cell[0] += row[MINUTES]
                cell[1] += row[WORK]

    def merge(self, other: "Sums") -> None:
        self.n.update(other.n)
        for at, (minutes, work) in other.minutes.items():
            cell = self.minutes.setdefault(at, [0, 0])
            cell[0] += minutes
            cell[1] += work

    def rows(self, counties: set[str] | None) -> Iterator[tuple]:
        """DailyStat rows as sum_days groups them: a dimension's empty keys (NULL, or '' in a
        text column) count in no row of it; keys as text."""
        for at, n in self.n.items():
            county, day, kind, measure, dim, key = at
            if key is None or (key == "" and dim) or (counties and county not in counties):
                continue
            minutes, work = self.minutes.get(at, (0, 0))
            yield county, day, kind, measure, dim, str(key), n, minutes, work


def clear() -> None:
    """No figures at all: TRUNCATE on PostgreSQL (a DELETE of millions of rows takes minutes).
    SQLite truncates on a DELETE without WHERE, but not a table with a foreign key while it
    checks them (it visited 11 million contributions one by one, 163 s): the check is off for
    that statement, which removes only rows that refer, never rows referred to."""
    models = (CaseMeasure, DailyStat, DirtyDay)
    idle = not connection.in_atomic_block  # PostgreSQL truncates no table with pending checks
    if connection.vendor == "postgresql" and idle:
        tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {tables}")
        return
    unchecked = connection.vendor == "sqlite" and idle  # the pragma is a no-op in a transaction
    with connection.cursor() as cursor:
        if unchecked:
            cursor.execute("PRAGMA foreign_keys = OFF")
        try:
            for model in models:
                model.objects.all()._raw_delete(connection.alias)
        finally:
            if unchecked:
                cursor.execute("PRAGMA foreign_keys = ON")


@contextlib.contextmanager
def without_indexes(*models):
    """Indexes dropped while the rows go in, built again after: one sort instead of millions
    of B-tree inserts."""
    if connection.in_atomic_block:  # PostgreSQL builds no index over rows with pending checks
        yield
        return
    indexes = [(model, index) for model in models for index in model._meta.indexes]
    with connection.cursor() as cursor:
        for _, index in indexes:
            cursor.execute(f"DROP INDEX IF EXISTS {connection.ops.quote_name(index.name)}")
    try:
        yield
    finally:  # a new cursor: the connection may have been closed for worker processes
        editor = connection.schema_editor()
        _roomy()
        with connection.cursor() as cursor:
            for model, index in indexes:
                cursor.execute(str(index.create_sql(model, editor)))
            if connection.vendor == "postgresql":
                cursor.execute("RESET maintenance_work_mem")


def _roomy() -> None:
    """Room to sort in memory while building an index over millions of rows, for this
    connection only: SQLite's page cache 256 MB (2 MB by default); PostgreSQL's
    maintenance_work_mem 512 MB (64 MB by default, where an 11-million-row index build
    spills to disk)."""
    if connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA cache_size = -262144")
            cursor.execute("PRAGMA temp_store = MEMORY")
        elif connection.vendor == "postgresql":
            cursor.execute("SET maintenance_work_mem = '512MB'")


def _analyze(*models) -> None:
    """Fresh planner statistics after a bulk load (and on PostgreSQL the visibility map, so
    a drill-down's index-only scan reads no table rows); outside a transaction only."""
    if connection.in_atomic_block:
        return
    tables = [connection.ops.quote_name(m._meta.db_table) for m in models]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"VACUUM ANALYZE {', '.join(tables)}")
        else:
            cursor.execute("PRAGMA analysis_limit = 1000")
            for table in tables:
                cursor.execute(f"ANALYZE {table}")


def _ranges(first: int, last: int, size: int) -> list[tuple[int, int]]:
    return [(lo, min(lo + size - 1, last)) for lo in range(first, last + 1, size)]


def _figure(first: int, last: int, measures, sums: Sums) -> int:
    """Write the contributions of the cases with ids first..last and add them to the sums;
    returns how many. Each process writes its own (COPY side by side on PostgreSQL; on SQLite
    the two take turns at the write lock, but make their rows in parallel): rows never cross
    a process boundary, where pickling them cost as much as making them."""
    rows = contributions.of_cases((first, last), measures)
    sums.add(rows)
    with transaction.atomic():
        contributions.write(rows)
    return len(rows)


# A worker's inherited connections: kept, never closed nor collected (either would end the
# parent's session on its socket).
_inherited = []


def _own_connections() -> None:
    """In a forked worker: a connection of its own for every alias. What it inherited may be
    open after all (one the parent opened in another context, which this process sees as its
    own): its socket is the parent's, and two workers writing on it mix their messages."""
    for conn in connections.all(initialized_only=True):
        _inherited.append(conn)
        connections[conn.alias] = connections.create_connection(conn.alias)


def _work(ranges, measures, out) -> None:
    """A worker process: each range's contributions written, its count to the parent; its
    sums at the end."""
    _own_connections()
    _roomy()
    try:
        sums = Sums()
        for first, last in ranges:
            out.put(("written", _figure(first, last, measures, sums)))
        out.put(("sums", sums))
    except BaseException as error:  # the parent stops rather than wait
        out.put(("error", repr(error)))
    finally:
        connections.close_all()


def _produce(ranges, measures, cases: int):
    """Yield ("written", count) per range and finally ("sums", sums): in this process, or
    from worker processes forked with the database connection closed (never shared)."""
    if cases < PARALLEL_FROM or WORKERS < 2 or connection.in_atomic_block:
        _roomy()
        sums = Sums()
        for first, last in ranges:
            yield "written", _figure(first, last, measures, sums)
        yield "sums", sums
        return
    connection.close()
    if getattr(connection, "pool", None):  # pooled connections would be shared too
        connection.close_pool()
    context = multiprocessing.get_context("fork")
    out = context.Queue(maxsize=4 * WORKERS)
    workers = [context.Process(target=_work, args=(ranges[i::WORKERS], measures, out))
               for i in range(WORKERS)]  # fmt: skip
    for worker in workers:
        worker.start()
    sums, done = Sums(), 0
    try:
        while done < len(workers):
            try:
                what, payload = out.get(timeout=30)
            except queue.Empty:
                if any(w.exitcode not in (None, 0) for w in workers):
                    raise RuntimeError("a rebuild worker died") from None
                continue
            if what == "error":
                raise RuntimeError(f"a rebuild worker failed: {payload}")
            if what == "written":
                yield what, payload
            else:
                sums.merge(payload)
                done += 1
        yield "sums", sums
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
            worker.join()


def run(first: int, last: int, cases: int, measures, counties: set[str] | None,
        batch: int, progress=None) -> tuple[int, int, dict]:  # fmt: skip
    """Write every contribution and daily row of the cases with ids first..last (the tables
    empty); returns (contributions, daily rows, seconds by phase)."""
    ranges = _ranges(first, last, batch)
    written, done, daily = 0, 0, 0
    phases, started = {}, time.monotonic()

    def lap(name: str) -> None:
        nonlocal started
        now = time.monotonic()
        phases[name] = round(now - started, 1)
        started = now

    with without_indexes(CaseMeasure, DailyStat):
        for what, payload in _produce(ranges, measures, cases):
            if what == "written":
                written += payload
                done += 1
                if progress:
                    progress(min(cases, done * batch))
                continue
            lap("contributions")
            rows = list(payload.rows(counties))
            with transaction.atomic():
                for start in range(0, len(rows), 50_000):
                    contributions.write_tuples(
                        DailyStat, DAILY_COLUMNS, rows[start : start + 50_000]
                    )
            daily = len(rows)
            lap("daily_rows")
    lap("indexes")
    _analyze(CaseMeasure, DailyStat)
    lap("analyze")
    return written, daily, phases
