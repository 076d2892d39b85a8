"""The payout list (奖补发放清单): approved, unpaid cash rewards as rows, and as the files the
county's finance office pays from, XLSX and CSV. Amounts are in fen (integers) and in yuan
(exact decimals or text), never floats.

Which personal data the list carries: paying a person needs who they are and how to reach them,
so the list names the partner's real name and full mobile number (transfers and calls go to it);
only the county, which holds CASH_PAY and sees both on the partner's page already, gets it. The
ID card number is masked: it tells namesakes apart, and a file that leaves the system for the
finance office needs no more than that."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from gridbee.people.validators import mask_id_number

from . import spreadsheets
from .money import yuan, yuan_decimal

# (key, header) in file order; tests and finance staff rely on the order.
COLUMNS = [
    ("reward_id", N_("Reward no.")),  # 奖补编号
    ("partner_name", N_("Name")),  # 姓名
    ("mobile", N_("Mobile number")),
    ("id_number", N_("ID card number (masked)")),
    ("station", N_("Station")),  # 所属网点
    ("case_id", N_("Case no.")),
    ("grade", N_("Grade")),  # 等级
    ("amount_yuan", N_("Amount (yuan)")),
    ("amount_fen", N_("Amount (fen)")),
    ("proposed_on", N_("Proposed on")),
    ("approved_on", N_("Approved on")),
    ("approved_by", N_("Approved by")),
]
# Spreadsheets run text starting with these as formulas (CSV injection).


def rows(rewards) -> list[dict]:
    """One dict per reward of a queryset from cash_queries.payable."""
    return [
        {
            "reward_id": r.pk,
            "partner_name": r.partner.name,
            "mobile": r.partner.user.mobile,
            "id_number": mask_id_number(r.partner.id_number),
            "station": r.partner.station.name,
            "case_id": r.case_id,
            "grade": r.grade,
            "amount_yuan": yuan(r.amount_fen),
            "amount_fen": r.amount_fen,
            "proposed_on": timezone.localdate(r.proposed_at),
            "approved_on": timezone.localdate(r.decided_at) if r.decided_at else None,
            "approved_by": r.decided_by.name if r.decided_by else "",
        }
        for r in rewards
    ]


def summary(payout_rows: list[dict]) -> dict:
    total = sum(row["amount_fen"] for row in payout_rows)
    return {"count": len(payout_rows), "total_fen": total, "total_yuan": yuan(total)}


def headers() -> list[str]:
    return [_(header) for _key, header in COLUMNS]


def to_csv(payout_rows: list[dict]) -> bytes:
    return spreadsheets.to_csv(
        headers(), [[row[key] for key, _h in COLUMNS] for row in payout_rows]
    )


def to_xlsx(payout_rows: list[dict], *, title: str) -> bytes:
    """A sheet of rows (amounts as numbers: yuan exact to the fen, fen as integers) and a
    summary sheet with the count and the total."""
    body = []
    for row in payout_rows:
        values = [row[key] for key, _header in COLUMNS]
        values[_index("amount_yuan")] = yuan_decimal(row["amount_fen"])
        body.append(values)
    widths = {"partner_name": 12, "mobile": 14, "id_number": 22, "station": 18}
    book, sheet = spreadsheets.workbook(
        _("Payout"), headers(), body, {_index(k): w for k, w in widths.items()}
    )
    for line in sheet.iter_rows(min_row=2):
        line[_index("amount_yuan")].number_format = "#,##0.00"
        for key in ("proposed_on", "approved_on"):
            line[_index(key)].number_format = "yyyy-mm-dd"
    totals = summary(payout_rows)
    info = book.create_sheet(_("Summary"))
    for label, value in (
        (_("Payout list"), title),
        (_("Number of rewards"), totals["count"]),
        (_("Total (yuan)"), yuan_decimal(totals["total_fen"])),
        (_("Total (fen)"), totals["total_fen"]),
        (_("Exported"), timezone.localtime().strftime("%Y-%m-%d %H:%M")),
    ):
        info.append([label, value])
    info["B3"].number_format = "#,##0.00"
    info.column_dimensions["A"].width = 16
    info.column_dimensions["B"].width = 28
    return spreadsheets.xlsx_bytes(book)


def _index(key: str) -> int:
    return next(n for n, (k, _header) in enumerate(COLUMNS) if k == key)


def filename(county_id: str, month, extension: str) -> str:
    period = f"{month:%Y-%m}" if month else "all"
    return f"payout-{county_id or 'all'}-{period}.{extension}"
