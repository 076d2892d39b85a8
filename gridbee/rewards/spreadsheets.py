"""Tables exported for people who open them in Excel or WPS (payout lists, honours lists): CSV in
UTF-8 with a byte order mark so Chinese names open right, XLSX with text kept as text. A cell that
starts like a formula (CSV/formula injection: a partner named "=HYPERLINK(…)") never runs."""

import csv
import io

from openpyxl import Workbook

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def to_csv(head: list[str], body: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(head)
    for line in body:
        writer.writerow([csv_text(value) for value in line])
    return out.getvalue().encode("utf-8-sig")


def workbook(title: str, head: list[str], body: list[list], widths: dict[int, int] | None = None):
    """A workbook whose first sheet holds the table (header frozen, strings stored as text);
    returns (book, sheet) for callers that format columns or add sheets."""
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]  # Excel's limit
    sheet.append(head)
    for line in body:
        sheet.append(line)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # "=…" stays a name, not a formula
    for column, width in (widths or {}).items():
        sheet.column_dimensions[chr(ord("A") + column)].width = width
    sheet.freeze_panes = "A2"
    return book, sheet


def xlsx_bytes(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
