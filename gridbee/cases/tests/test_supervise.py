"""Supervision (督办): escalations reach the county's reviewers, whose page and API list the
escalated and overdue open cases of their county."""

import datetime

from django.utils import timezone

from gridbee.cases import workflow
from gridbee.cases.choices import CaseStatus as S
from gridbee.cases.models import Case, Message
from gridbee.cases.tests.test_pages import copy_case, far_case  # noqa: F401 (a fixture)
from gridbee.cases.tests.test_workflow import bring, new_case


def overdue(case, minutes: int) -> Case:
    Case.objects.filter(pk=case.pk).update(
        step_deadline_at=timezone.now() - datetime.timedelta(minutes=minutes)
    )
    case.refresh_from_db()
    return case


def test_escalations_reach_the_countys_reviewers(county):
    case = overdue(bring(county, S.DISPATCHED), 90)
    assert workflow.escalate_overdue() == 1
    for user in (county.operator, county.reviewer):
        message = Message.objects.get(recipient=user, case=case, kind="escalate")
        assert f"#{case.pk}" in message.text
    assert not Message.objects.filter(recipient=county.far_reviewer).exists()


def test_the_page_lists_escalated_and_overdue_cases_of_the_county(client, county, far_case):  # noqa: F811
    on_time = new_case(county, key="a")
    late = overdue(copy_case(on_time), 30)
    later = overdue(
        copy_case(on_time, status=S.DISPATCHED, department_id=county.department.pk), 600
    )
    escalated = copy_case(on_time, escalation_count=2)  # escalated before, on time again now
    overdue(copy_case(on_time, status=S.CLOSED), 100)  # closed: nothing to supervise
    overdue(far_case, 100)
    client.force_login(county.reviewer)
    page = client.get("/supervise/")
    assert page.status_code == 200
    rows = page.context["rows"]
    assert [r["case"].pk for r in rows] == [later.pk, late.pk, escalated.pk]
    assert 599 <= rows[0]["minutes_late"] <= 601 and rows[2]["minutes_late"] == 0
    html = page.content.decode()
    assert f'href="/console/cases/{later.pk}/"' in html and "城管局" in html
    assert on_time.pk not in [r["case"].pk for r in rows]
    fragment = client.get("/supervise/?fragment=queue")
    assert (
        b"<html" not in fragment.content
        and f'data-case-id="{late.pk}"'.encode() in fragment.content
    )
    client.force_login(county.far_reviewer)
    assert [r["case"].pk for r in client.get("/supervise/").context["rows"]] == [far_case.pk]


def test_only_supervisors_see_the_page(client, county):
    assert client.get("/supervise/").status_code == 302
    for user in (county.operator, county.department_user, county.partner_user, county.station_user):
        client.force_login(user)
        assert client.get("/supervise/").status_code == 403
    client.force_login(county.admin)
    assert client.get("/supervise/").status_code == 200


def test_the_api_lists_the_same(client, county):
    case = overdue(bring(county, S.DISPATCHED), 125)
    workflow.escalate_overdue()
    client.force_login(county.reviewer)
    [row] = client.get("/api/cases/escalations").json()
    assert (row["id"], row["status"], row["department"], row["escalation_count"]) == (
        case.pk, "dispatched", "城管局", 1,
    )  # fmt: skip
    assert 124 <= row["minutes_late"] <= 126
    client.force_login(county.operator)
    response = client.get("/api/cases/escalations")
    assert response.status_code == 403 and response.json()["code"] == "auth.forbidden"


def test_the_reviewers_home_links_to_it(client, county):
    client.force_login(county.reviewer)
    assert b'href="/supervise/"' in client.get("/").content
