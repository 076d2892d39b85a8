"""Rankings (排行榜) and the honours export (评先选优): by points earned, verified reports and
first reports, per month, quarter and year, per county and per team; ties share a rank;
partners see others' names masked; a far county sees nothing of this one."""

import csv
import datetime
import io

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from gridbee.core.errors import DomainError
from gridbee.geo.tests import layers
from gridbee.people import actions as people_actions
from gridbee.people.choices import TeamRole
from gridbee.people.models import TeamMember
from gridbee.people.tests import county as county_module
from gridbee.rewards import ledger, rankings
from gridbee.rewards.choices import EntryKind

from .test_earning import TO_CLOSED, report, second_partner, walk


@pytest.fixture
def county(county):
    c = county
    c.other = second_partner(c)  # 张伟, not in the team
    application = people_actions.submit_application(
        name="远骑手", mobile="13700000019", id_number="52273119950505001X",
        password=county_module.PASSWORD, station_id=c.far_station.pk, work_area="长顺",
        grid_codes=[county_module.far_grid()], accepted_rules=True,
    )  # fmt: skip
    people_actions.act_on_application(application.pk, "recommend", actor=c.far_station_user)
    c.far = people_actions.act_on_application(
        application.pk, "approve", actor=c.far_reviewer
    ).partner
    return c


def award_on(monkeypatch, day, partner, points, key, kind=EntryKind.ACTIVITY):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: day)
    ledger.award(partner, kind, key=key, amount=points)


def client(county, role) -> Client:
    c = Client()
    c.force_login(county.users[role])
    return c


def figures(rows, *names) -> list[tuple]:
    return [tuple(r[n] for n in ("rank", "partner_id", *names)) for r in rows]


def test_periods_parse_and_step():
    assert rankings.parse_period("2026").label == "2026"
    q2 = rankings.parse_period("2026-q2")
    assert (q2.start, q2.end, q2.label) == (
        datetime.date(2026, 4, 1), datetime.date(2026, 7, 1), "2026-Q2",
    )  # fmt: skip
    assert q2.previous().label == "2026-Q1" and q2.next().label == "2026-Q3"
    dec = rankings.parse_period("2025-12")
    assert (dec.end, dec.next().label) == (datetime.date(2026, 1, 1), "2026-01")
    assert rankings.parse_period("", today=datetime.date(2026, 5, 9)).label == "2026-05"
    for bad in ("2026-Q5", "2026-13", "26", "abc", "2026-1"):
        with pytest.raises(DomainError) as caught:
            rankings.parse_period(bad)
        assert caught.value.code == "rewards.invalid_period"


def test_points_rankings_by_period_with_ties(county, monkeypatch):
    me, other, far = county.partner, county.other, county.far
    award_on(monkeypatch, datetime.date(2026, 1, 10), me, 20, "a")
    award_on(monkeypatch, datetime.date(2026, 1, 20), other, 20, "b")
    award_on(monkeypatch, datetime.date(2026, 2, 2), other, 5, "c", EntryKind.CHECK_IN)
    award_on(monkeypatch, datetime.date(2026, 4, 1), me, 30, "d")
    award_on(monkeypatch, datetime.date(2026, 1, 10), far, 50, "e")
    ledger.adjust(other, 40, actor=county.reviewer, note="不计入排名")  # not earned
    region = "522731"
    jan = rankings.ranking(rankings.parse_period("2026-01"), region=region)
    assert figures(jan, "points") == [(1, me.pk, 20), (1, other.pk, 20)]
    q1 = rankings.ranking(rankings.parse_period("2026-Q1"), region=region)
    assert figures(q1, "points") == [(1, other.pk, 25), (2, me.pk, 20)]
    year = rankings.ranking(rankings.parse_period("2026"), region=region)
    assert figures(year, "points") == [(1, me.pk, 50), (2, other.pk, 25)]
    team = rankings.ranking(rankings.parse_period("2026"), team=county.team)
    assert figures(team, "points") == [(1, me.pk, 50)]
    assert rankings.ranking(rankings.parse_period("2025"), region=region) == []


def test_verified_and_first_reports_rankings(county):
    me, other = county.partner, county.other
    shared = report(county, key="a", place=0)
    report(county, other, key="b", place=0)  # joins: 非首报
    own = report(county, other, key="c", place=1)
    walk(county, shared, TO_CLOSED)
    walk(county, own, TO_CLOSED)
    open_case = report(county, key="d", place=2)  # not verified: does not count
    walk(county, open_case, ["accept"])
    now = rankings.period_of("month", timezone.localdate())
    names = ("points", "verified_reports", "first_reports")
    by_points = rankings.ranking(now, region="522731")
    assert figures(by_points, *names) == [(1, other.pk, 13, 2, 1), (2, me.pk, 10, 1, 1)]
    by_first = rankings.ranking(now, region="522731", metric="first_reports")
    assert [r["rank"] for r in by_first] == [1, 1]
    by_verified = rankings.ranking(now, region="522731", metric="verified_reports")
    assert figures(by_verified) == [(1, other.pk), (2, me.pk)]
    last_year = rankings.period_of("year", now.start - datetime.timedelta(days=400))
    assert rankings.ranking(last_year, region="522731") == []


def test_partners_see_others_masked_and_staff_see_names(county):
    for partner, key in ((county.partner, "a"), (county.other, "b"), (county.far, "c")):
        ledger.award(partner, EntryKind.ACTIVITY, key=key, amount=5)
    mine = client(county, "partner").get("/api/points/rankings").json()["rows"]
    assert sorted((r["name"], r["partner_id"], r["is_me"]) for r in mine) == [
        ("张*", None, False), ("王小明", county.partner.pk, True),
    ]  # fmt: skip
    staff = client(county, "reviewer").get("/api/points/rankings").json()["rows"]
    assert sorted(r["name"] for r in staff) == ["张伟", "王小明"]
    far = client(county, "far_reviewer")
    assert [r["name"] for r in far.get("/api/points/rankings").json()["rows"]] == ["远骑手"]
    ours = far.get(f"/api/points/rankings?county={layers.COUNTY}")
    assert ours.status_code == 404
    theirs = client(county, "partner").get(
        f"/api/points/rankings?county={county_module.OTHER_COUNTY}"
    )
    assert theirs.status_code == 404
    me = client(county, "partner").get("/api/points/me").json()
    assert me["county_rank"] == {
        "rank": 1, "of": 2, "points": 5, "verified_reports": 0, "first_reports": 0,
    }  # fmt: skip
    assert me["team_rank"]["of"] == 1


def test_team_rankings_for_members_leads_and_county(county):
    TeamMember.objects.create(team=county.team, partner=county.other, role=TeamRole.MEMBER)
    ledger.award(county.other, EntryKind.ACTIVITY, key="x", amount=7)
    url = f"/api/points/teams/{county.team.pk}/ranking?period={timezone.localdate():%Y}"
    lead = client(county, "team_lead").get(url).json()
    assert [(r["name"], r["points"]) for r in lead["rows"]] == [("张伟", 7)]
    assert lead["period"] == f"{timezone.localdate():%Y}"
    assert client(county, "partner").get(url).json()["rows"][0]["name"] == "张*"
    assert client(county, "reviewer").get(url).status_code == 200
    assert client(county, "far_reviewer").get(url).status_code == 404
    assert client(county, "operator").get(url).status_code == 403
    assert client(county, "station").get(url).status_code == 403


def test_honours_export_as_csv_and_xlsx(county):
    ledger.award(county.partner, EntryKind.ACTIVITY, key="a", amount=9)
    ledger.award(county.other, EntryKind.ACTIVITY, key="b", amount=4)
    ledger.award(county.far, EntryKind.ACTIVITY, key="c", amount=99)
    reviewer = client(county, "reviewer")
    answer = reviewer.get("/api/points/honours.csv")
    assert answer["Content-Disposition"].endswith(f'honours-{timezone.localdate():%Y}.csv"')
    lines = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert len(lines) == 3
    assert [line[1] for line in lines[1:]] == ["王小明", "张伟"]
    assert [line[0] for line in lines[1:]] == ["1", "2"]
    book = load_workbook(io.BytesIO(reviewer.get("/api/points/honours.xlsx").content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[1][:2] == (1, "王小明") and rows[2][4] == 4 and len(rows) == 3
    page = reviewer.get("/points/rankings/honours.xlsx?period=2026")
    assert page.status_code == 200 and page.content[:2] == b"PK"
    assert client(county, "partner").get("/api/points/honours.csv").status_code == 403
    assert client(county, "team_lead").get("/points/rankings/honours.csv").status_code == 403
