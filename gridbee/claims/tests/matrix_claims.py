"""Rows of the API role matrix (people/tests/test_api_matrix.py) for the claims operations.
The matrix's roles are the fixture county's; the mediator and the platform company's account
are this app's own (tests/parties.py) and are checked in test_api.py."""

import datetime

from gridbee.cases.choices import CaseEventKind as K
from gridbee.claims import actions
from gridbee.claims.kinds import CLAIM_STEPS
from gridbee.claims.models import Mediation
from gridbee.people.tests.matrix_base import LOGGED_IN, Op, only

from .parties import add_claims_parties

DESK = ["operator", "reviewer", "admin"]
CLAIMANT_AND_DESK = ["partner", *DESK]
OTHERS = [r for r in LOGGED_IN if r not in CLAIMANT_AND_DESK]


def _claim(county, key="matrix-claim"):
    if not hasattr(county, "mediator"):
        add_claims_parties(county)
    claim, _ = actions.raise_claim(
        county.partner_user,
        type="pay",
        facts="工资未发",
        respondent_code="meituan",
        amount="1000",
        known_on=datetime.date(2026, 11, 1),
        idempotency_key=key,
    )
    return claim


def raised(county) -> None:
    county.claim_case = _claim(county).case.pk


def in_mediation(county) -> None:
    claim = _claim(county)
    actions.act(county.operator, claim.case.pk, K.ACCEPT)
    actions.act(county.operator, claim.case.pk, K.DISPATCH, department_code="tjw")
    county.mediation_case = Mediation.objects.get(claim=claim).case_id


def referred(county) -> None:
    in_mediation(county)
    m = county.mediation_case
    actions.act(county.mediator, m, K.ACCEPT)
    actions.act(county.mediator, m, K.DISPATCH, extra={"mediator": county.mediator.pk})
    actions.act(county.mediator, m, K.NO_AGREEMENT, note="不同意")
    county.referred_case = m


def bodies(county) -> None:
    if not hasattr(county, "mediator"):
        add_claims_parties(county)


CLAIM_FORM = {
    "type": "pay",
    "facts": "十一月工资未发",
    "known_on": "2026-11-01",
    "respondent_name": "某配送公司",
    "amount": "800",
}

OPS: dict = {
    "claims_raise": Op(
        "POST",
        "/api/claims",
        {"partner": 201, **only(400, [r for r in LOGGED_IN if r != "partner"])},
        body=CLAIM_FORM,
        multipart=True,
    ),
    "claims_oral": Op(
        "POST",
        "/api/claims/oral",
        {**only(201, DESK), "far_reviewer": 400},
        body=lambda c: {
            "claimants": [c.partner_user.pk],
            "type": "rest",
            "facts": "口头反映：连续工作14小时无休息",
            "respondent_name": "某配送公司",
            "known_on": "2026-11-01",
            "idempotency_key": "matrix-oral",
        },
    ),
    "claims_mine": Op("GET", "/api/claims/mine", only(200, LOGGED_IN), prepare=raised),
    "claims_queue": Op("GET", "/api/claims/queue", only(200, LOGGED_IN), prepare=raised),
    "claims_bodies": Op("GET", "/api/claims/bodies", only(200, LOGGED_IN), prepare=bodies),
    "claims_figures": Op(
        "GET", "/api/claims/figures", only(200, [*DESK, "far_reviewer"]), prepare=raised
    ),
    "claims_get": Op(
        "GET",
        "/api/claims/{claim_case}",
        {**only(200, CLAIMANT_AND_DESK), **only(404, OTHERS)},
        prepare=raised,
    ),
    "claims_mediators": Op(
        "GET",
        "/api/claims/{mediation_case}/mediators",
        {**only(200, DESK), "far_reviewer": 404},
        prepare=in_mediation,
    ),
    "claims_step": Op(
        "POST",
        "/api/claims/{claim_case}/steps/accept",
        {**only(200, DESK), **only(404, [*OTHERS, "partner"])},
        body={},
        prepare=raised,
        steps=CLAIM_STEPS,
    ),
    "claims_file": Op(
        "GET",
        "/api/claims/{claim_case}/file.pdf",
        {**only(200, CLAIMANT_AND_DESK), **only(404, OTHERS)},
        prepare=raised,
    ),
    "claims_arbitration": Op(
        "GET",
        "/api/claims/{referred_case}/arbitration.pdf",
        {**only(200, CLAIMANT_AND_DESK), **only(404, OTHERS)},
        prepare=referred,
    ),
}
PATH_PARAMETERS = {
    "{claim_case}": "{case_id}",
    "{mediation_case}": "{case_id}",
    "{referred_case}": "{case_id}",
}
