"""Rows of the API role matrix (people/tests/test_api_matrix.py) for the linkage (五情联动)."""

from gridbee.cases import linkage, workflow
from gridbee.geo.tests import layers
from gridbee.people.models import Department
from gridbee.people.tests.matrix_base import Op, only


def accepted_emergency(county) -> None:
    from gridbee.cases.tests.test_on_scene import report

    Department.objects.get_or_create(county_id=layers.COUNTY, code="police", name="公安局")
    case = report(county, "matrix-lift", "trapped_in_lift")
    workflow.act(case.pk, "accept", actor=county.operator)
    county.linked_case = case.pk


def linked(county) -> None:
    accepted_emergency(county)
    linkage.dispatch_linked(
        county.linked_case, actor=county.operator, lead="police", supporting=["cgj"]
    )


OPS: dict = {
    "cases_linkage": Op(
        "POST",
        "/api/cases/{linked_case}/linkage",
        only(200, ["operator", "admin"]),
        body={"lead": "police", "supporting": ["cgj"]},
        prepare=accepted_emergency,
    ),
    "cases_support": Op(
        "POST",
        "/api/cases/{linked_case}/support/sign",
        {"department": 200, "admin": 404},
        body={"note": ""},
        prepare=linked,
    ),
}
PATH_PARAMETERS = {"{linked_case}": "{case_id}", "/support/sign": "/support/{action}"}

# The hotline (reports) has one operation; its row lives here with the other additions of the
# alerts work, so that one module registers them.
OPS["reports_hotline"] = Op(
    "POST",
    "/api/reports/hotline",
    only(201, ["operator", "admin"]),
    body={
        "category": "overflowing_bins",
        "lat": layers.Y0 + 0.005,
        "lon": layers.X0 + 0.005,
        "idempotency_key": "matrix-call",
    },
)
