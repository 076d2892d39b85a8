"""Monthly statements (一月一统计): figures read from the ledger agree with it to the point,
are written once a month by the periodic task (again with the same numbers), and are seen by
the partner and their county only."""

import datetime

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from gridbee.rewards import ledger, statements
from gridbee.rewards.choices import EntryKind
from gridbee.rewards.models import MonthlyStatement, PointsEntry
from gridbee.rewards.tasks import monthly_statements

from .test_earning import second_partner

JAN, FEB, MAR = datetime.date(2026, 1, 1), datetime.date(2026, 2, 1), datetime.date(2026, 3, 1)


@pytest.fixture
def on(monkeypatch):
    """Make the ledger's local day `day` (entries carry the day they were made)."""

    def set_day(day: datetime.date) -> None:
        monkeypatch.setattr(timezone, "localdate", lambda *a, **k: day)

    return set_day


def history(county, on) -> None:
    partner = county.partner
    on(datetime.date(2026, 1, 5))
    ledger.award(partner, EntryKind.FIRST_REPORT, key="j1")
    ledger.award(partner, EntryKind.ACTIVITY, key="j2", amount=20)
    on(datetime.date(2026, 1, 31))
    ledger.award(partner, EntryKind.CHECK_IN, key="j3")
    on(datetime.date(2026, 2, 1))
    with transaction.atomic():
        ledger.debit(partner, 20, kind=EntryKind.REDEMPTION, key="f1")
    on(datetime.date(2026, 2, 10))
    with transaction.atomic():
        ledger.credit(partner, 5, kind=EntryKind.REFUND, key="f2")
    ledger.adjust(partner, -3, actor=county.reviewer, note="重复计分")
    ledger.award(partner, EntryKind.REPORT, key="f3")


def test_statements_agree_with_the_ledger(county, on):
    history(county, on)
    partner = county.partner
    jan = statements.compute(partner, JAN)
    feb = statements.compute(partner, FEB)
    mar = statements.compute(partner.pk, MAR)
    assert {k: jan[k] for k in ("opening", "earned", "spent", "closing")} == {
        "opening": 0, "earned": 31, "spent": 0, "closing": 31,
    }  # fmt: skip
    assert jan["by_kind"] == {"first_report": 10, "activity": 20, "check_in": 1}
    assert {k: feb[k] for k in ("opening", "earned", "spent", "corrections", "closing")} == {
        "opening": 31, "earned": 3, "spent": 15, "corrections": -3, "closing": 16,
    }  # fmt: skip
    assert feb["by_kind"] == {"redemption": -20, "refund": 5, "adjustment": -3, "report": 3}
    assert (mar["opening"], mar["closing"], mar["by_kind"]) == (16, 16, {})
    last = PointsEntry.objects.filter(partner=partner).order_by("-id").first()
    assert feb["closing"] == last.balance_after == ledger.balance(partner)
    assert ledger.balance(partner) == ledger.ledger_sum(partner)
    before_jan = statements.compute(partner, datetime.date(2025, 12, 1))
    assert (before_jan["opening"], before_jan["closing"]) == (0, 0)


def test_a_statement_takes_two_queries(county, on, django_assert_num_queries):
    history(county, on)
    with django_assert_num_queries(2):
        statements.compute(county.partner, FEB)


def test_the_monthly_task_writes_last_month_and_can_run_again(county, on):
    history(county, on)
    newcomer = second_partner(county)
    on(datetime.date(2026, 3, 3))
    ledger.award(newcomer, EntryKind.CHECK_IN, key="m1")  # joined after February
    on(datetime.date(2026, 3, 1))
    assert monthly_statements.call_local() == 1
    assert monthly_statements.call_local() == 1
    stored = MonthlyStatement.objects.get()
    figures = statements.compute(county.partner, FEB)
    assert (stored.partner_id, stored.month, stored.county_id) == (
        county.partner.pk, FEB, county.partner.county_id,
    )  # fmt: skip
    assert (stored.opening, stored.earned, stored.spent, stored.closing) == (31, 3, 15, 16)
    assert stored.by_kind == figures["by_kind"]
    assert statements.generate_month(JAN) == 1
    assert statements.generate_month(MAR) == 2
    assert MonthlyStatement.objects.count() == 4


def test_statements_are_seen_by_the_partner_and_their_county_only(county, on):
    history(county, on)
    statements.generate_month(FEB)
    clients = {}
    for role in ("partner", "reviewer", "far_reviewer", "operator"):
        clients[role] = Client()
        clients[role].force_login(county.users[role])
    mine = clients["partner"].get("/api/points/me/statements").json()
    assert [(s["month"], s["closing"]) for s in mine] == [("2026-02", 16)]
    county_rows = clients["reviewer"].get("/api/points/statements?month=2026-02").json()
    assert [s["partner_id"] for s in county_rows] == [county.partner.pk]
    assert clients["far_reviewer"].get("/api/points/statements?month=2026-02").json() == []
    assert clients["operator"].get("/api/points/statements?month=2026-02").status_code == 403
    bad = clients["reviewer"].get("/api/points/statements?month=2026-13")
    assert bad.json()["code"] == "rewards.invalid_month"
