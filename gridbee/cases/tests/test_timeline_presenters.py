"""One presentation of a case's timeline per audience: the reporter's page and the reporter's
API timeline show the same events with the same fields, and none of the county's internal notes;
staff see everything."""

import datetime
import re

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from gridbee.cases import actions, workflow
from gridbee.cases.models import Case
from gridbee.cases.tests.test_workflow import new_case, step
from gridbee.geo.tests import layers
from gridbee.reports.actions import Sender, submit_report
from gridbee.reports.tests import images

# Notes written for staff only, one per kind of internal step.
HIDDEN = {
    "accept": "内部立案备注",
    "hold": "等待天晴",
    "verify_fail": "仍有垃圾",
    "merged": "合并重复上报",
    "request_extension": "需要吊车",
}
SHOWN = "已清运"  # the department's result, written for the reporter
SAME_FIELDS = ("id", "kind", "note", "to_status", "on_time", "at", "photo_ids")


def another_case(county, key: str) -> Case:
    """A case of the same partner 1 km north of new_case's, so not deduplicated into it."""
    answer, _ = submit_report(
        Sender.of_partner(county.partner), idempotency_key=key, category_code="overflowing_bins",
        lat=layers.Y0 + 0.015, lon=layers.X0 + 0.005, photos=[images.jpeg(160, 120)],
    )  # fmt: skip
    return Case.objects.get(pk=answer["case"]["id"])


def fields(event: dict, at: datetime.datetime) -> dict:
    """What the test compares of an event (JSON gives times to the millisecond)."""
    return {**{k: event[k] for k in SAME_FIELDS}, "at": at}


def busy_case(county) -> Case:
    """A case through a merge, hold, an extension request, rework and an escalation."""
    case = new_case(county)
    duplicate = another_case(county, "dup")
    actions.merge_cases(case.pk, [duplicate.pk], actor=county.operator, note=HIDDEN["merged"])
    step(county, case, "accept", note=HIDDEN["accept"])
    step(county, case, "hold", note=HIDDEN["hold"])
    for action in ("resume", "dispatch", "sign"):
        step(county, case, action)
    step(county, case, "request_extension", note=HIDDEN["request_extension"])
    step(county, case, "handle", note=SHOWN)
    step(county, case, "verify_fail", note=HIDDEN["verify_fail"])
    Case.objects.filter(pk=case.pk).update(
        step_deadline_at=timezone.now() - datetime.timedelta(hours=2)
    )
    assert workflow.escalate_overdue() == 1
    return case


def test_the_reporter_sees_the_same_timeline_on_the_page_and_through_the_api(client, county):
    case = busy_case(county)
    client.force_login(county.partner_user)
    api = client.get(f"/api/cases/{case.pk}/timeline")
    page = client.get(f"/report/case/{case.pk}/")
    assert api.status_code == 200 and page.status_code == 200
    events = api.json()
    kinds = [e["kind"] for e in events]
    assert {"merged", "escalate", "request_extension"}.isdisjoint(kinds)
    assert {"opened", "accept", "hold", "verify_fail", "handle"} <= set(kinds)
    assert all(e["actor_role"] is None and e["from_status"] is None for e in events)
    assert next(e for e in events if e["kind"] == "handle")["note"] == SHOWN
    for note in (*HIDDEN.values(), " min"):
        assert note not in api.content.decode()
        assert note not in page.content.decode()

    shown = page.context["timeline"]
    assert kinds == [t["kind"] for t in shown]
    assert re.findall(r'data-kind="(\w+)"', page.content.decode()) == kinds
    assert [fields(e, parse_datetime(e["at"])) for e in events] == [
        fields(t, t["at"].replace(microsecond=t["at"].microsecond // 1000 * 1000)) for t in shown
    ]


def test_staff_still_see_every_event_and_note(client, county):
    case = busy_case(county)
    client.force_login(county.operator)
    events = client.get(f"/api/cases/{case.pk}/timeline").json()
    kinds = [e["kind"] for e in events]
    assert {"merged", "escalate", "request_extension", "hold", "verify_fail"} <= set(kinds)
    notes = " ".join(e["note"] for e in events)
    assert all(note in notes for note in HIDDEN.values()) and SHOWN in notes
    assert all(e["actor_role"] is not None and e["from_status"] is not None for e in events)
    page = client.get(f"/console/cases/{case.pk}/").content.decode()
    assert all(note in page for note in HIDDEN.values())


def test_a_rejection_shows_its_reason_never_an_operators_words(client, county):
    plain = new_case(county)
    step(county, plain, "reject", reason="duplicate")
    with_words = another_case(county, "words")
    step(county, with_words, "reject", reason="false_report", note="此人屡报不实")
    client.force_login(county.partner_user)
    # The reason is kept beside the operator's words, not instead of them (it was lost).
    for case, reason, shown in (
        (with_words, "false_report", "虚假上报"),
        (plain, "duplicate", "重复上报"),
    ):
        events = client.get(f"/api/cases/{case.pk}/timeline").json()
        rejection = [(e["reason"], e["note"]) for e in events if e["kind"] == "reject"]
        assert rejection == [(reason, "")]
        page = client.get(f"/report/case/{case.pk}/")
        assert "此人屡报不实" not in page.content.decode()
        assert [t["reason"] for t in page.context["timeline"] if t["kind"] == "reject"] == [reason]
        assert shown in page.content.decode()
    client.force_login(county.operator)
    staff = client.get(f"/api/cases/{with_words.pk}/timeline").json()
    assert [(e["reason"], e["note"]) for e in staff if e["kind"] == "reject"] == [
        ("false_report", "此人屡报不实")
    ]
