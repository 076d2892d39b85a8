"""The claims pages through Django's test client: a partner raises a claim with a photo, the
desk files it and sends it to mediation, the mediator works it, both parties confirm."""

from django.test import Client

from gridbee.cases.models import Case
from gridbee.claims.models import Claim, Mediation
from gridbee.reports.tests.images import jpeg


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post_step(user, case_id, action, **form):
    response = client_of(user).post(f"/claims/{case_id}/step/{action}/", form, follow=True)
    assert response.status_code == 200
    return response


def test_the_pages_take_a_claim_through_mediation_to_an_agreement(county):
    import io

    partner = client_of(county.partner_user)
    assert partner.get("/claims/").status_code == 200
    page = partner.get("/claims/new/")
    key = page.context["key"]
    photo = io.BytesIO(jpeg(640, 480))
    photo.name = "slip.jpg"
    form = {"key": key, "type": "pay", "facts": "十一月工资3200元未发放", "amount": "3200",
            "respondent_code": "meituan", "known_on": "2026-11-20", "photos": photo}  # fmt: skip
    response = partner.post("/claims/new/", form, follow=True)
    claim = Claim.objects.get()
    assert claim.serial.encode() in response.content
    case_id = claim.case_id
    assert b'data-step="accept"' not in response.content  # the claimant files nothing
    # Nobody in the claimant's team sees it.
    assert client_of(county.team_lead).get(f"/claims/{case_id}/").status_code == 404
    desk = client_of(county.operator).get(f"/claims/{case_id}/")
    assert b'data-step="accept"' in desk.content and b'data-step="reject"' in desk.content
    post_step(county.operator, case_id, "accept", type="pay")
    post_step(county.operator, case_id, "dispatch", department_code="tjw")
    m = Mediation.objects.get().case_id
    assert client_of(county.platform_user).get(f"/claims/{m}/").status_code == 404
    post_step(county.mediator, m, "accept")
    assert client_of(county.platform_user).get(f"/claims/{m}/").status_code == 200
    post_step(county.mediator, m, "dispatch", mediator=county.mediator.pk)
    post_step(county.mediator, m, "session", note="双方到场")
    post_step(county.mediator, m, "agree", note="平台于12月10日前支付3200元")
    post_step(county.platform_user, m, "countersign")
    response = post_step(county.partner_user, m, "confirm")
    assert Case.objects.get(pk=m).status == "agreed"
    assert "平台于12月10日前支付3200元" in response.content.decode()
    response = client_of(county.partner_user).get(f"/api/claims/{m}/file.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_a_refused_step_shows_why_and_changes_nothing(county):
    from .test_loop import raise_pay_claim

    case = raise_pay_claim(county).case
    response = post_step(county.operator, case.pk, "reject", reason="not_ours")
    assert "请填写办理情况或理由".encode() in response.content
    assert Case.objects.get(pk=case.pk).status == "reported"


def test_the_desk_records_an_oral_group_claim(county):
    from .parties import more_partners

    riders = more_partners(county, 9)
    mobiles = " ".join([county.partner_user.mobile, *(u.mobile for u in riders)])
    desk = client_of(county.operator)
    page = desk.get("/claims/")
    assert b'data-form="oral"' in page.content
    form = {"key": page.context["key"], "mobiles": mobiles, "type": "pay",
            "facts": "十名骑手反映十一月工资未发", "respondent_name": "某配送公司",
            "known_on": "2026-11-25"}  # fmt: skip
    response = desk.post("/claims/oral/", form, follow=True)
    claim = Claim.objects.get()
    assert claim.oral and claim.is_group and claim.serial.encode() in response.content
    assert b'data-step="represent"' in response.content
    # An unknown mobile among them records nothing.
    form = {**form, "key": "other", "mobiles": mobiles + " 13999999999"}
    desk.post("/claims/oral/", form, follow=True)
    assert Claim.objects.count() == 1
    assert client_of(county.partner_user).post("/claims/oral/", form).status_code == 403
