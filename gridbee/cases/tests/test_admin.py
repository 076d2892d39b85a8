"""Cases open in the admin to be looked into; nothing there changes them."""

import pytest

from gridbee.cases.choices import CaseStatus as S

from .test_workflow import bring


@pytest.mark.parametrize("path", ["cases/case/", "cases/caseevent/", "cases/crowdcheck/",
                                  "cases/message/"])  # fmt: skip
def test_every_cases_list_opens_in_the_admin(admin_client, county, path):
    bring(county, S.CLOSED)
    assert admin_client.get(f"/admin/{path}").status_code == 200


def test_a_case_opens_with_its_timeline_and_cannot_be_changed(admin_client, county):
    case = bring(county, S.DISPATCHED)
    page = admin_client.get(f"/admin/cases/case/{case.pk}/change/")
    assert page.status_code == 200
    assert "dispatch" in page.content.decode()
    admin_client.post(f"/admin/cases/case/{case.pk}/change/", {"status": "closed"})
    case.refresh_from_db()
    assert case.status == S.DISPATCHED
    assert (
        admin_client.post(f"/admin/cases/case/{case.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
