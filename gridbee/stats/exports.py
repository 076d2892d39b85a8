"""Case lists for people who open them in Excel or WPS, streamed: one row per case with the
moment of each step, its category, grid and region codes, department, source, position (a
partner's report rounded to about 100 m: where a rider rides is theirs), the Open311 fields and
the indicator flags. Cases are read in chunks by id with their timelines, so 100,000 rows take
the memory of one chunk."""

import csv
import tempfile
from collections.abc import Iterator

from django.db.models import CharField, Func, QuerySet
from openpyxl import Workbook

from gridbee.cases.models import CaseEvent
from gridbee.rewards.spreadsheets import csv_text

from .contributions import raw

CHUNK = 5000
STEPS = ("accept", "reject", "dispatch", "sign", "arrive", "handle", "verify_pass", "rate")
HEAD = [
    "id", "kind", "status", "urgency", "category_code", "category", "group", "county_code",
    "town_code", "region_code", "grid_code", "department_code", "department", "source",
    "lat", "lon", "opened_at",
    *(f"{s}_at" for s in STEPS),
    "closed_at", "rating", "reports",
    # Open311 GeoReport v2 names
    "service_request_id", "service_code", "service_name", "open311_status",
    "requested_datetime", "updated_datetime",
    # indicator flags
    "handled_on_time", "reworked", "extended", "escalated",
]  # fmt: skip
PARTNER_SOURCE = "app"


class UtcText(Func):
    """A moment as ISO 8601 text in UTC, to the second, written by the database: reading a
    timestamp into Python only to write it out again costs most of an export on PostgreSQL
    (its text is parsed by a regular expression per value)."""

    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra):
        template = (
            "to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"+00:00\"')"
        )
        return self.as_sql(compiler, connection, template=template, **extra)

    def as_sqlite(self, compiler, connection, **extra):
        # %%%% survives the template's formatting and then the driver's as one %.
        template = "strftime('%%%%Y-%%%%m-%%%%dT%%%%H:%%%%M:%%%%S+00:00', %(expressions)s)"
        return self.as_sql(compiler, connection, template=template, **extra)


FIELDS = [
    "pk", "kind", "status", "urgency", "category__code", "category__name", "category__group",
    "county_id", "region_id", "grid__code", "department__code", "department__name",
    "first_report__source", "lat", "lon", UtcText("opened_at"), UtcText("closed_at"), "rating",
    "report_count", "rework_count", "escalation_count",
]  # fmt: skip


def _text(value) -> str:
    """A text a person typed (a category's or department's name...): never a formula."""
    return csv_text(value) if value else ""


def _chunks(cases: QuerySet) -> Iterator[list[tuple]]:
    """The cases' FIELDS as plain tuples, CHUNK at a time by id (no ORM objects, no
    converters: a row costs microseconds)."""
    last = None
    base = cases.order_by("pk").values_list(*FIELDS)
    while True:
        page = base.filter(pk__gt=last) if last is not None else base
        chunk = list(raw(page[:CHUNK]))
        if not chunk:
            return
        yield chunk
        last = chunk[-1][0]


def _steps(ids: list[int]) -> dict[int, dict]:
    """Per case: the first moment of each kind of step (the last handling, rating and
    closing), whether the last handling was on time, whether it was extended, its last step."""
    steps: dict[int, dict] = {i: {} for i in ids}
    # The bounds let PostgreSQL walk the index over the chunk's span, where the list of ids
    # alone made it scan the whole table for each chunk.
    events = CaseEvent.objects.filter(case_id__in=ids, case_id__gte=min(ids), case_id__lte=max(ids))
    events = events.order_by("at", "id")
    moments = events.values_list("case_id", "kind", UtcText("at"), "on_time")
    for case_id, kind, at, on_time in raw(moments):
        seen = steps[case_id]
        if kind == "handle":
            seen["handled_on_time"] = on_time
        elif kind == "approve_extension":
            seen["extended"] = True
        if kind in LAST or kind not in seen:
            seen[kind] = at
        seen["@last"] = at  # in time order: the latest step
    return steps


LAST = ("handle", "rate", "verify_pass")


def rows(cases: QuerySet) -> Iterator[list]:
    """One list of cell values per case, in HEAD's order."""
    from gridbee.stats.engine import town_of

    for chunk in _chunks(cases):
        steps = _steps([c[0] for c in chunk])
        for (pk, kind, status, urgency, cat_code, cat_name, group, county, region, grid,
             dep_code, dep_name, source, lat, lon, opened, closed, rating, reports, reworks,
             escalations) in chunk:  # fmt: skip
            seen = steps[pk]
            if lat is not None and source == PARTNER_SOURCE:
                lat, lon = round(lat, 3), round(lon, 3)
            on_time = seen.get("handled_on_time")
            cat_code, cat_name = _text(cat_code), _text(cat_name)
            yield [
                pk, kind, status, urgency, cat_code, cat_name, _text(group), county,
                town_of(region), region, _text(grid), _text(dep_code), _text(dep_name),
                _text(source), "" if lat is None else lat, "" if lon is None else lon,
                opened, *(seen.get(s, "") for s in STEPS), closed or "",
                _text(rating), reports, pk, cat_code, cat_name,
                "closed" if closed else "open", opened, seen.get("@last") or opened,
                "" if on_time is None else int(on_time), int(reworks > 0),
                int(bool(seen.get("extended"))), int(escalations > 0),
            ]  # fmt: skip


class _Echo:
    def write(self, value):
        return value


def csv_stream(cases: QuerySet) -> Iterator[bytes]:
    """The CSV (UTF-8 with a byte order mark, so Excel reads the Chinese), line by line; a
    cell that starts like a formula is kept as text."""
    writer = csv.writer(_Echo())
    yield "\ufeff".encode()
    yield writer.writerow(HEAD).encode()
    batch = []
    for row in rows(cases):  # the texts people typed are made safe in rows()
        batch.append(writer.writerow(row))
        if len(batch) >= 500:
            yield "".join(batch).encode()
            batch = []
    if batch:
        yield "".join(batch).encode()


def xlsx_file(cases: QuerySet):
    """The workbook written row by row (openpyxl's write-only mode) into a temporary file;
    returns the open file, at its start."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("cases")
    sheet.append(HEAD)
    for row in rows(cases):  # a text that starts like a formula is kept as text (rows())
        sheet.append(row)
    out = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - the response closes it
    book.save(out)
    out.seek(0)
    return out


async def _pulled(chunks: Iterator[bytes]):
    """The same chunks for an ASGI server: Django would read a plain iterator whole before
    sending it (all 100,000 rows in memory); each chunk is pulled in the request's thread."""
    from asgiref.sync import sync_to_async

    end = object()
    pull = sync_to_async(lambda: next(chunks, end))
    while True:
        chunk = await pull()
        if chunk is end:
            return
        yield chunk


def file_chunks(handle, size: int = 1 << 16) -> Iterator[bytes]:
    """A file's bytes in pieces, closing it at the end (or when the client goes away)."""
    with handle:
        while piece := handle.read(size):
            yield piece


def streamed(chunks: Iterator[bytes], *, asgi: bool):
    return _pulled(iter(chunks)) if asgi else chunks
