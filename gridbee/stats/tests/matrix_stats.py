"""Rows of the API role matrix (people/tests/test_api_matrix.py) for the dashboards: every
signed-in role but the stations has a scope (a partner their own figures); the league tables
and the cases behind a number are the staff's."""

from gridbee.people.tests.matrix_base import Op, only

VIEWERS = ["partner", "team_lead", "operator", "department", "reviewer", "admin", "far_reviewer"]
STAFF = ["operator", "department", "reviewer", "admin", "far_reviewer"]

OPS: dict = {
    "stats_overview": Op("GET", "/api/stats/overview?period=month", only(200, VIEWERS)),
    "stats_league": Op(
        "GET",
        "/api/stats/league/department?period=year",
        {**only(200, STAFF), **only(400, ["partner", "team_lead"])},
    ),
    "stats_trend": Op("GET", "/api/stats/trend/reported?period=year", only(200, VIEWERS)),
    "stats_heatmap": Op("GET", "/api/stats/heatmap?period=quarter", only(200, VIEWERS)),
    "stats_cases": Op("GET", "/api/stats/cases?indicator=due&period=year", only(200, STAFF)),
}
PATH_PARAMETERS = {"/league/department": "/league/{dim}", "/trend/reported": "/trend/{code}"}
