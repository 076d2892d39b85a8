"""The reporter's own steps (rate, reopen) need a partner who may still act: suspended or
revoked since they reported, they are refused with a clear code, through the API and the page."""

import pytest
from django.test import Client

from gridbee.cases.choices import CaseStatus as S
from gridbee.cases.models import Case
from gridbee.cases.tests.test_workflow import bring
from gridbee.people import actions as people_actions


def partner_client(county) -> Client:
    county.partner_user.refresh_from_db()  # as they log in now, after any change of standing
    client = Client()
    client.force_login(county.partner_user)
    return client


def set_standing(county, action: str, reason: str) -> None:
    people_actions.change_partner_status(
        county.partner.pk, action, actor=county.reviewer, reason=reason
    )


@pytest.mark.parametrize("standing", ["suspend", "revoke"])
def test_a_partner_no_longer_active_may_not_rate_or_reopen(county, standing):
    case = bring(county, S.CLOSED)
    set_standing(county, standing, "false_reports")
    client = partner_client(county)
    for action, body in (("rate", {"reason": "fairly"}), ("reopen", {"note": "又满了"})):
        api = client.post(
            f"/api/cases/{case.pk}/steps/{action}", body, content_type="application/json"
        )
        assert api.status_code == 403 and api.json()["code"] == "people.partner_inactive"
        page = client.post(f"/report/case/{case.pk}/steps/{action}/", body)
        assert page.status_code == 403 and page.context["error"].code == "people.partner_inactive"
        assert "您的网格员身份已暂停或撤销" in page.text
    case.refresh_from_db()
    assert (
        case.status == S.CLOSED
        and case.rating == ""
        and not case.events.filter(kind__in=["rate", "reopen"]).exists()
    )
    assert client.get(f"/api/cases/{case.pk}/timeline").status_code == 200  # still theirs to see


def test_a_reinstated_partner_rates_again(county):
    case = bring(county, S.CLOSED)
    set_standing(county, "suspend", "inactivity")
    set_standing(county, "reinstate", "reviewed")
    response = partner_client(county).post(
        f"/api/cases/{case.pk}/steps/rate", {"reason": "fairly"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert Case.objects.get(pk=case.pk).rating == "fairly"
