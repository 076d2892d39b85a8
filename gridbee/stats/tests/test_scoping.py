"""Who sees which figures: reviewers their county, operators their area or grids, departments
their own row and the league table, team leads their team, partners their own; stations and
strangers nothing. Through the API, as a client sees it."""

import pytest

from gridbee.people.choices import Role
from gridbee.people.tests.county import OTHER_COUNTY, staff

from .scoping import MARCH, month_of_history

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(county):
    month_of_history(county)
    return county


def get(client, user, path, **params):
    if user is not None:
        client.force_login(user)
    return client.get(path, {"period": MARCH, **params})


def figures(response) -> dict:
    assert response.status_code == 200, response.content
    return {f["code"]: f["value"] for f in response.json()["figures"]}


def test_a_reviewer_sees_their_county(client, history):
    got = figures(get(client, history.reviewer, "/api/stats/overview"))
    assert (got["accepted"], got["due"], got["closed_on_time"]) == (15, 15, 13)
    assert got["on_time_rate"] == 86.67
    league = get(client, history.reviewer, "/api/stats/league/department").json()
    assert {r["name"]: r["values"]["on_time_rate"] for r in league["rows"]} == {
        "城管局": 80.0,
        "水务局": 100.0,
    }
    assert [r["name"] for r in league["rows"]] == ["水务局", "城管局"]  # best first
    drill = get(client, history.reviewer, "/api/stats/cases", indicator="due").json()
    assert drill["count"] == 15
    assert {c["id"] for c in drill["items"]} == set(history.history)


def test_a_reviewer_of_another_county_sees_none_of_it(client, history):
    got = figures(get(client, history.far_reviewer, "/api/stats/overview"))
    assert got["accepted"] == 0
    drill = get(client, history.far_reviewer, "/api/stats/cases", indicator="due")
    assert drill.json()["count"] == 0


def test_an_operator_bound_to_grids_sees_those_grids_only(client, history):
    operator = staff("13900000044", Role.OPERATOR, "格员")
    operator.grids.add(history.g3)
    got = figures(get(client, operator, "/api/stats/overview"))
    assert (got["accepted"], got["on_time_rate"]) == (5, 100.0)
    rows = get(client, operator, "/api/stats/league/grid").json()["rows"]
    assert [r["key"] for r in rows] == [str(history.g3.pk)]
    refused = get(client, operator, "/api/stats/league/department")
    assert refused.status_code == 400
    assert refused.json()["code"] == "stats.unknown_dimension"
    drill = get(client, operator, "/api/stats/cases", indicator="accepted").json()
    assert drill["count"] == 5


def test_a_department_sees_its_own_row_and_the_league_table(client, history):
    got = figures(get(client, history.department_user, "/api/stats/overview"))
    assert (got["accepted"], got["on_time_rate"]) == (10, 80.0)
    league = get(client, history.department_user, "/api/stats/league/department").json()
    assert {r["name"] for r in league["rows"]} == {"城管局", "水务局"}
    assert get(client, history.department_user, "/api/stats/league/grid").status_code == 400
    # The cases behind another department's row are not theirs to list.
    other = get(client, history.department_user, "/api/stats/cases", indicator="due",
                dim="department", key=str(history.water.pk)).json()  # fmt: skip
    assert other["count"] == 0
    own = get(client, history.department_user, "/api/stats/cases", indicator="due").json()
    assert own["count"] == 10


def test_a_partner_sees_their_own_figures_only(client, history):
    got = figures(get(client, history.partner_user, "/api/stats/overview"))
    assert got == {"first_reports": 1, "valid_report_rate": 100.0, "partner_reports": 1}
    assert get(client, history.partner_user, "/api/stats/league/department").status_code == 400
    assert get(client, history.partner_user, "/api/stats/cases", indicator="due").status_code == 403
    assert get(client, history.partner_user, "/api/stats/heatmap").json() == []


def test_a_team_lead_sees_their_team_and_its_partners(client, history):
    got = figures(get(client, history.team_lead, "/api/stats/overview"))
    assert got["first_reports"] == 1
    rows = get(client, history.team_lead, "/api/stats/league/partner").json()["rows"]
    assert [(r["key"], r["values"]["first_reports"]) for r in rows] == [
        (str(history.partner.pk), 1)
    ]
    assert get(client, history.team_lead, "/api/stats/league/department").status_code == 400


def test_stations_and_strangers_see_nothing(client, history):
    assert get(client, history.station_user, "/api/stats/overview").status_code == 403
    client.logout()
    assert get(client, None, "/api/stats/overview").status_code == 401


def test_pages_follow_the_same_scopes(client, history):
    client.force_login(history.reviewer)
    page = client.get("/stats/", {"period": MARCH})
    assert page.status_code == 200
    assert "86.67%" in page.content.decode()
    league = client.get("/stats/league/department/", {"period": MARCH})
    assert "城管局" in league.content.decode()
    client.force_login(history.station_user)
    assert client.get("/stats/").status_code == 403
    client.force_login(history.department_user)
    assert client.get("/stats/league/grid/", {"period": MARCH}).status_code == 400
    assert client.get("/stats/cases.csv", {"period": MARCH}).status_code == 403  # no export


def test_the_administrator_chooses_a_county(client, history):
    got = figures(get(client, history.admin, "/api/stats/overview", county=OTHER_COUNTY))
    assert got["accepted"] == 0
    assert figures(get(client, history.admin, "/api/stats/overview"))["accepted"] in (0, 15)


def test_the_large_screen_data(client, history):
    client.force_login(history.operator)
    data = client.get("/stats/screen/data/").json()
    assert {f["code"] for f in data["today"]} >= {"closed", "close_rate"}
    client.force_login(history.partner_user)
    assert client.get("/stats/screen/data/").status_code == 403


def test_bad_questions_get_clear_errors(client, history):
    client.force_login(history.reviewer)
    for params, code in [
        ({"period": "0001-01-01..0001-01-02"}, "stats.unknown_period"),
        ({"period": "2026-03-01..2031-03-01"}, "stats.range_too_long"),
        ({"period": "soon"}, "stats.unknown_period"),
        ({"dim": "grid", "key": "abc"}, "stats.unknown_dimension"),
        ({"dim": "colour", "key": "1"}, "stats.unknown_dimension"),
    ]:
        answer = client.get("/api/stats/cases", {"indicator": "due", "period": MARCH, **params})
        assert answer.status_code == 400, params
        assert answer.json()["code"] == code
    assert client.get("/api/stats/trend/nothing").json()["code"] == "stats.unknown_indicator"


def test_a_drill_downs_count_from_the_sums_is_the_length_of_its_list(history):
    """For callers who see the whole county the count comes from the sums (a year's list
    is not counted case by case); it must be the list's own length, claims left out as the
    list leaves them out, for every number of the overview and of the league tables."""
    from django.utils import timezone

    from gridbee.cases.choices import CaseKind
    from gridbee.geo.tests import layers
    from gridbee.stats import aggregates, periods, queries, synthetic

    from .history import at, closed

    claim = closed(history, at("2026-03-05"))
    claim.kind = CaseKind.CLAIM
    synthetic.write([claim])
    aggregates.rebuild()
    period = periods.parse(MARCH, timezone.localdate())
    for user in (history.reviewer, history.admin):
        scope = queries.scope_for(user, layers.COUNTY)
        for ind in queries.indicators(scope) + queries.indicators(scope, league=True):
            for part in ("numerator", "denominator"):
                for dim, key in (("", ""), ("department", str(history.water.pk)),
                                 ("grid", str(history.g1.pk)), ("category", "0")):  # fmt: skip
                    listed = queries.drill(user, scope, ind, part, period, dim, key).count()
                    pages = queries.drill_pages(user, scope, ind, part, period, dim, key)
                    assert pages.count == listed, (user, ind.code, part, dim)


def test_the_overview_splits_events_from_components_and_by_source(client, history):
    """事件 and 部件 side by side, and the partners' app apart from the other sources; each
    number lists its own cases."""
    from gridbee.cases.models import Category
    from gridbee.stats import aggregates, synthetic

    from .history import at, closed

    component = closed(history, at("2026-03-09"))
    component.category_id = Category.objects.get(code="damaged_facility").pk
    synthetic.write([component])
    aggregates.rebuild()
    client.force_login(history.reviewer)
    page = client.get("/stats/", {"period": MARCH})
    assert page.status_code == 200
    splits = {s["dim"]: s for s in page.context["splits"]}
    assert [key for key, _ in splits["group"]["columns"]] == ["event", "component"]
    assert [key for key, _ in splits["source"]["columns"]] == ["app"]
    accepted = next(r for r in splits["group"]["rows"] if r["name"] == "立案数")
    assert [c["value"] for c in accepted["cells"]] == [15, 1]
    listed = client.get("/api/stats/cases?" + accepted["cells"][1]["drill"]).json()
    assert listed["count"] == 1 and len(listed["items"]) == 1
    assert listed["items"][0]["category"] == "市政设施损坏"
    assert "事件与部件" in page.content.decode()
