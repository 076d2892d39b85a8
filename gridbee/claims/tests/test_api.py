"""The API for the roles the matrix's fixture lacks: the mediator and the platform company's
account; and the legal-aid centre as a party of its own."""

from django.test import Client

from gridbee.cases.choices import CaseEventKind as K
from gridbee.claims.actions import act
from gridbee.core.authz import Role
from gridbee.people.tests.county import staff

from .parties import body
from .test_loop import raise_pay_claim, to_mediation


def api(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def step(user, case_id, action, **body):
    return api(user).post(
        f"/api/claims/{case_id}/steps/{action}", body, content_type="application/json"
    )


def test_the_platform_sees_a_mediation_in_its_queue_only_once_accepted(county):
    m = to_mediation(county).case_id
    platform = api(county.platform_user)
    queue = "/api/claims/queue?kind=mediation"
    assert platform.get(queue).json() == []
    assert platform.get(f"/api/claims/{m}").status_code == 404
    assert step(county.platform_user, m, "accept").status_code == 404  # not even seen yet
    assert step(county.mediator, m, "accept").status_code == 200
    assert [c["case_id"] for c in platform.get(queue).json()] == [m]
    seen = platform.get(f"/api/claims/{m}").json()
    assert seen["mine"] is False and "mobile" not in str(seen)
    assert step(county.mediator, m, "dispatch", mediator_id=county.mediator.pk).status_code == 200
    assert step(county.mediator, m, "agree", note="支付3200元").status_code == 200
    # Another platform's account holds the permission but is not the party.
    other = staff("13900000031", Role.PLATFORM, "饿了么", department=body("zgh").department)
    assert step(other, m, "countersign").status_code == 404
    answer = step(county.platform_user, m, "countersign")
    assert answer.status_code == 200
    assert answer.json()["mediation"]["respondent_confirmed_at"] is not None


def test_the_mediator_works_their_organisations_mediations_only(county):
    m = to_mediation(county).case_id
    mediator = api(county.mediator)
    assert [c["case_id"] for c in mediator.get("/api/claims/queue?kind=mediation").json()] == [m]
    assert mediator.get("/api/claims/queue?kind=claim").json() == []
    listed = mediator.get(f"/api/claims/{m}/mediators").json()
    assert {row["name"] for row in listed} == {"调解李", "调解钱"}
    assert step(county.mediator, m, "session", note="x").status_code == 409  # not yet assigned
    refused = step(county.mediator, m, "reject", reason="other")
    assert refused.json()["code"] == "cases.note_required"
    assert step(county.mediator, m, "reject", reason="other", note="已起诉").status_code == 200
    # The claim went back to the county's desk to be sent elsewhere.
    claim = api(county.operator).get("/api/claims/queue?status=accepted").json()
    assert len(claim) == 1 and claim[0]["events"] == []


def test_legal_aid_is_a_step_whose_centre_then_sees_the_claim(county):
    case = raise_pay_claim(county).case
    act(county.operator, case.pk, K.ACCEPT)
    centre = staff("13900000032", Role.DEPARTMENT, "援助张", department=body("fyzx").department)
    assert api(centre).get(f"/api/claims/{case.pk}").status_code == 404
    assert step(county.operator, case.pk, "legal_aid", department_code="rsj").status_code == 400
    assert step(county.operator, case.pk, "legal_aid", department_code="fyzx").status_code == 200
    assert api(centre).get(f"/api/claims/{case.pk}").status_code == 200
    assert api(county.partner_user).get(f"/api/claims/{case.pk}/arbitration.pdf").json()[
        "code"
    ] == ("claims.not_referred")
