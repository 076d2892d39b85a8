"""Exports: the cases behind a number (or all cases of a period) as streamed CSV or XLSX, and
a league table as XLSX for the monthly report."""

from django.core.handlers.asgi import ASGIRequest
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from gridbee.cases.queries import cases_for
from gridbee.core.authz import Perm
from gridbee.core.errors import DomainError
from gridbee.core.pages import needs, refusal
from gridbee.rewards.spreadsheets import workbook, xlsx_bytes

from .. import dashboards, exports, periods, queries

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _selection(request):
    scope = queries.scope_for(request.user, request.GET.get("county", ""))
    period = periods.parse(request.GET.get("period", "month"), timezone.localdate())
    code = request.GET.get("indicator", "")
    if code:
        ind = queries.indicator(code)
        part = "denominator" if request.GET.get("part") == "denominator" else "numerator"
        dim, key = request.GET.get("dim", ""), request.GET.get("key", "")
        return queries.drill(request.user, scope, ind, part, period, dim, key), period
    start, end = periods.bounds(period)
    return cases_for(request.user).filter(opened_at__gte=start, opened_at__lt=end), period


@needs(Perm.STATS_EXPORT)
def cases_export(request, fmt: str):
    try:
        cases, period = _selection(request)
    except DomainError as refused:
        return refusal(request, refused)
    name = f"cases-{period.start:%Y%m%d}-{period.end:%Y%m%d}"
    asgi = isinstance(request, ASGIRequest)
    if fmt == "csv":
        stream = exports.streamed(exports.csv_stream(cases), asgi=asgi)
        response = StreamingHttpResponse(stream, content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    if fmt == "xlsx":
        stream = exports.streamed(exports.file_chunks(exports.xlsx_file(cases)), asgi=asgi)
        response = StreamingHttpResponse(stream, content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    return refusal(request, DomainError(queries.StatsError.UNKNOWN_PERIOD))


@needs(queries.may_view)
def league_xlsx(request, dim: str):
    try:
        scope = queries.scope_for(request.user, request.GET.get("county", ""))
        period = periods.parse(request.GET.get("period", "month"), timezone.localdate())
        table = dashboards.league_table(scope, dim, period, request.GET.get("sort", ""))
    except DomainError as refused:
        return refusal(request, refused)
    head = [_("Rank"), str(table["label"]), *(i.name for i in table["indicators"])]
    body = [[r["rank"], r["name"], *(c["value"] for c in r["cells"])] for r in table["rows"]]
    book, sheet = workbook(f"{table['label']}{_(' ranking')}", head, body, widths={1: 28})
    sheet.append([])
    sheet.append([_("Bottom three"), "、".join(table["bottom"])])
    sheet.append([_("Period"), period.label])
    response = FileResponse(iter([xlsx_bytes(book)]), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="league-{dim}-{period.query}.xlsx"'
    return response
