"""Rows of the API role matrix (people/tests/test_api_matrix.py) for the points operations:
the same Op shape, merged into its OPS; PATH_PARAMETERS maps our placeholders to the schema's."""

import functools

from gridbee.cases import workflow
from gridbee.geo.tests import layers
from gridbee.people.tests.matrix_base import Op, only
from gridbee.reports.actions import Sender, ensure_default_categories, submit_report
from gridbee.reports.tests import images
from gridbee.rewards.models import SuspensionProposal

COUNTY_STAFF = ["reviewer", "admin"]
POINTS_STAFF = [*COUNTY_STAFF, "far_reviewer"]  # the far reviewer sees their own county's


@functools.cache
def _photo() -> bytes:
    return images.jpeg(320, 240)


def proposal(county) -> None:
    """Three reports of the fixture partner rejected as false: a suspension is proposed."""
    ensure_default_categories()
    for n in range(3):
        answer, _ = submit_report(
            Sender.of_partner(county.partner),
            idempotency_key=f"false-{n}",
            category_code="overflowing_bins",
            lat=layers.Y0 + 0.005,
            lon=layers.X0 + 0.005 + 0.012 * n,
            photos=[_photo()],
        )
        workflow.act(answer["case"]["id"], "reject", actor=county.operator, reason="false_report")
    county.proposal = SuspensionProposal.objects.get(partner=county.partner).pk


OPS: dict = {
    "points_me": Op("GET", "/api/points/me", {"partner": 200}),
    "points_my_entries": Op("GET", "/api/points/me/entries?page=1", {"partner": 200}),
    "points_my_statements": Op("GET", "/api/points/me/statements", {"partner": 200}),
    "points_check_in": Op("POST", "/api/points/check-in", {"partner": 200}),
    "points_rankings": Op(
        "GET", "/api/points/rankings?period=2026", only(200, ["partner", *POINTS_STAFF])
    ),
    "points_team_ranking": Op(
        "GET",
        "/api/points/teams/{team}/ranking",
        {**only(200, ["partner", "team_lead", *COUNTY_STAFF]), "far_reviewer": 404},
    ),
    "points_honours_csv": Op("GET", "/api/points/honours.csv", only(200, POINTS_STAFF)),
    "points_honours_xlsx": Op("GET", "/api/points/honours.xlsx", only(200, POINTS_STAFF)),
    "points_statements": Op(
        "GET", "/api/points/statements?month=2026-01", only(200, ["partner", *POINTS_STAFF])
    ),
    "points_partner_entries": Op(
        "GET",
        "/api/points/partners/{partner}/entries",
        {**only(200, COUNTY_STAFF), "far_reviewer": 404},
    ),
    "points_adjust": Op(
        "POST",
        "/api/points/partners/{partner}/adjustments",
        {**only(201, COUNTY_STAFF), "far_reviewer": 404},
        body={"amount": 5, "note": "补录一次核实"},
    ),
    "points_proposals": Op(
        "GET", "/api/points/suspension-proposals", only(200, POINTS_STAFF), prepare=proposal
    ),
    "points_dismiss": Op(
        "POST",
        "/api/points/suspension-proposals/{proposal}/dismiss",
        {**only(200, COUNTY_STAFF), "far_reviewer": 404},
        body={"note": "系误会，已核实"},
        prepare=proposal,
    ),
}
PATH_PARAMETERS: dict[str, str] = {"{proposal}": "{proposal_id}"}
