"""Indicators per case: on time per step, rework, escalations, satisfaction; on the case page
and in the case API."""

import datetime

from django.utils import timezone

from gridbee.cases import workflow
from gridbee.cases.indicators import indicators
from gridbee.cases.models import Case
from gridbee.cases.tests.test_workflow import new_case, step


def late(case) -> None:
    """Make the current step overdue."""
    Case.objects.filter(pk=case.pk).update(
        step_deadline_at=timezone.now() - datetime.timedelta(minutes=5)
    )


def walk(county) -> Case:
    """Accepted on time, dispatched late (and escalated), handled, sent back, handled, closed,
    rated satisfied."""
    case = new_case(county)
    step(county, case, "accept")
    late(case)
    workflow.escalate_overdue()
    step(county, case, "dispatch")
    for action in ("sign", "request_extension", "approve_extension", "handle", "verify_fail"):
        step(county, case, action)
    for action in ("handle", "verify_pass", "rate"):
        step(county, case, action)
    case.refresh_from_db()
    return case


def test_indicators_of_a_case(county):
    case = new_case(county)
    values = indicators(case)
    assert values["steps"] == [] and values["all_on_time"] is None
    assert (values["rework_count"], values["escalations"], values["satisfaction"]) == (0, 0, None)
    case = walk(county)
    values = indicators(case)
    kinds = [(s["kind"], s["on_time"]) for s in values["steps"]]
    assert kinds == [
        ("accept", True),
        ("dispatch", False),
        ("sign", True),
        ("handle", True),
        ("verify_fail", True),
        ("handle", True),
        ("verify_pass", True),
    ]  # fmt: skip  (extension steps do not count, rating has no deadline)
    assert (values["steps_on_time"], values["steps_late"], values["all_on_time"]) == (6, 1, False)
    assert (values["rework_count"], values["escalations"]) == (1, 1)
    assert values["satisfaction"] == "satisfied" and not values["current_step_overdue"]


def test_indicators_on_the_case_page_and_in_the_api(client, county):
    case = walk(county)
    client.force_login(county.operator)
    page = client.get(f"/console/cases/{case.pk}/")
    html = page.content.decode()
    assert 'data-indicator="rework">1<' in html and 'data-indicator="escalations">1<' in html
    assert page.context["indicators"]["satisfaction_label"]
    assert 'data-kind="dispatch" data-on-time="false"' in html
    body = client.get(f"/api/cases/{case.pk}").json()
    assert body["id"] == case.pk and body["status"] == "closed"  # the fields it always had
    assert body["rework_count"] == 1 and body["rating"] == "satisfied"
    assert body["indicators"]["steps_late"] == 1 and body["indicators"]["escalations"] == 1
    assert body["indicators"]["steps"][1] == {
        "kind": "dispatch", "at": body["indicators"]["steps"][1]["at"], "on_time": False,
    }  # fmt: skip
