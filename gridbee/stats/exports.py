"""Case lists for people who open them in Excel or WPS, streamed: one row per case with the
moment of each step, its category, grid and region codes, department, source, position (a
partner's report rounded to about 100 m: where a rider rides is theirs), the Open311 fields and
the indicator flags. Cases are read in chunks by id with their timelines, so 100,000 rows take
the memory of one chunk."""

import csv
import tempfile
from collections.abc import Iterator

from django.db.models import QuerySet
from openpyxl import Workbook

from gridbee.cases.models import CaseEvent
from gridbee.rewards.spreadsheets import csv_text

CHUNK = 2000
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
FIELDS = [
    "pk", "kind", "status", "urgency", "category__code", "category__name", "category__group",
    "county_id", "region_id", "grid__code", "department__code", "department__name",
    "first_report__source", "lat", "lon", "opened_at", "closed_at", "rating", "report_count",
    "rework_count", "escalation_count",
]  # fmt: skip
PARTNER_SOURCE = "app"


def _iso(moment) -> str:
    return moment.isoformat(timespec="seconds") if moment else ""


def _chunks(cases: QuerySet) -> Iterator[list[dict]]:
    last = None
    base = cases.order_by("pk").values(*FIELDS)
    while True:
        page = base.filter(pk__gt=last) if last is not None else base
        chunk = list(page[:CHUNK])
        if not chunk:
            return
        yield chunk
        last = chunk[-1]["pk"]


def rows(cases: QuerySet) -> Iterator[list]:
    """One list of cell values per case, in HEAD's order."""
    from gridbee.stats.engine import town_of

    for chunk in _chunks(cases):
        ids = [c["pk"] for c in chunk]
        steps: dict[int, dict] = {i: {} for i in ids}
        events = CaseEvent.objects.filter(case_id__in=ids).order_by("at", "id")
        for case_id, kind, at, on_time in events.values_list("case_id", "kind", "at", "on_time"):
            seen = steps[case_id]
            if kind == "handle":
                seen["handled_on_time"] = on_time
            if kind == "approve_extension":
                seen["extended"] = True
            seen.setdefault(kind, at)
            if kind in ("handle", "rate", "verify_pass"):
                seen[kind] = at  # the last handling, rating, closing
        for c in chunk:
            seen = steps[c["pk"]]
            lat, lon = c["lat"], c["lon"]
            if lat is not None and c["first_report__source"] == PARTNER_SOURCE:
                lat, lon = round(lat, 3), round(lon, 3)
            last_step = max((v for v in seen.values() if hasattr(v, "isoformat")), default=None)
            on_time = seen.get("handled_on_time")
            yield [
                c["pk"], c["kind"], c["status"], c["urgency"], c["category__code"] or "",
                c["category__name"] or "", c["category__group"] or "", c["county_id"],
                town_of(c["region_id"]), c["region_id"], c["grid__code"] or "",
                c["department__code"] or "", c["department__name"] or "",
                c["first_report__source"] or "", "" if lat is None else lat,
                "" if lon is None else lon, _iso(c["opened_at"]),
                *(_iso(seen.get(s)) for s in STEPS),
                _iso(c["closed_at"]), c["rating"], c["report_count"],
                c["pk"], c["category__code"] or "", c["category__name"] or "",
                "closed" if c["closed_at"] else "open", _iso(c["opened_at"]),
                _iso(last_step or c["opened_at"]),
                "" if on_time is None else int(on_time), int(c["rework_count"] > 0),
                int(bool(seen.get("extended"))), int(c["escalation_count"] > 0),
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
    for row in rows(cases):
        batch.append(writer.writerow([csv_text(v) if isinstance(v, str) else v for v in row]))
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
    for row in rows(cases):
        # A string that starts like a formula would be stored as one: kept as text instead.
        sheet.append([csv_text(v) if isinstance(v, str) else v for v in row])
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
