"""The forms of the case pages: merge and split of duplicates on the operator's case page, and
the reporter's rating and reopening on their own case page."""

import datetime

from django.utils import timezone

from gridbee.cases.choices import CaseStatus as S
from gridbee.cases.models import Case
from gridbee.cases.tests.test_workflow import bring, new_case, step
from gridbee.geo.tests import layers
from gridbee.reports.actions import Sender, submit_report
from gridbee.reports.tests import images


def report(county, key: str, lat_offset: float = 0.0) -> Case:
    answer, _ = submit_report(
        Sender.of_partner(county.partner), idempotency_key=key, category_code="overflowing_bins",
        lat=layers.Y0 + 0.005 + lat_offset, lon=layers.X0 + 0.005, photos=[images.jpeg(320, 240)],
    )  # fmt: skip
    return Case.objects.get(pk=answer["case"]["id"])


def test_merge_from_the_case_page(client, county):
    case = report(county, "a")
    near = report(county, "b", 0.002)  # about 220 m away: another case, a likely duplicate
    far = report(county, "c", 0.008)  # about 900 m: not offered, but can be typed in
    client.force_login(county.operator)
    page = client.get(f"/console/cases/{case.pk}/")
    assert [c.pk for c in page.context["triage"]["candidates"]] == [near.pk]
    assert f'action="/console/cases/{case.pk}/merge/"'.encode() in page.content
    response = client.post(
        f"/console/cases/{case.pk}/merge/", {"source_ids": [near.pk], "other_ids": f"#{far.pk}"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    near.refresh_from_db()
    assert case.report_count == 3 and near.status == S.MERGED and near.merged_into == case
    # Nothing chosen, or a case of another category: the page says why, nothing changes.
    empty = client.post(f"/console/cases/{case.pk}/merge/", {"other_ids": ""})
    assert empty.status_code == 400 and empty.context["error"].code == "cases.merge_mismatch"
    itself = client.post(f"/console/cases/{case.pk}/merge/", {"other_ids": str(case.pk)})
    assert itself.status_code == 400


def test_split_from_the_case_page(client, county):
    case = report(county, "a")
    report(county, "b")  # joins it
    case.refresh_from_db()
    assert case.report_count == 2
    second = case.reports.order_by("received_at").last()
    client.force_login(county.operator)
    page = client.get(f"/console/cases/{case.pk}/")
    assert len(page.context["triage"]["reports"]) == 2
    response = client.post(f"/console/cases/{case.pk}/split/", {"report_ids": [second.pk]})
    assert response.status_code == 302
    new = Case.objects.exclude(pk=case.pk).get()
    assert response["Location"] == f"/console/cases/{new.pk}/"
    assert new.report_count == 1
    refused = client.post(f"/console/cases/{case.pk}/split/", {})
    assert refused.status_code == 400 and refused.context["error"].code == "cases.split_invalid"


def test_merge_and_split_are_for_triage_only(client, county):
    case = bring(county, S.DISPATCHED)
    client.force_login(county.department_user)
    assert client.get(f"/console/cases/{case.pk}/").context["triage"] is None
    response = client.post(f"/console/cases/{case.pk}/merge/", {"other_ids": "1"})
    assert response.status_code == 403 and response.context["error"].code == "auth.forbidden"
    client.force_login(county.reviewer)
    assert client.get(f"/console/cases/{case.pk}/").context["triage"] is None
    client.force_login(county.far_reviewer)
    assert client.post(f"/console/cases/{case.pk}/split/", {}).status_code == 404
    case.refresh_from_db()
    assert case.status == S.DISPATCHED and case.report_count == 1


def test_the_reporter_rates_and_reopens_from_their_page(client, county):
    case = bring(county, S.SIGNED)
    client.force_login(county.partner_user)
    page = client.get(f"/report/case/{case.pk}/")
    assert b'data-action="rate"' not in page.content  # not closed yet
    assert (
        client.post(f"/report/case/{case.pk}/steps/rate/", {"reason": "fairly"}).status_code == 409
    )
    for action in ("handle", "verify_pass"):
        step(county, case, action)
    page = client.get(f"/report/case/{case.pk}/")
    assert b'data-action="rate"' in page.content and b'data-action="reopen"' in page.content
    fragment = client.get(f"/report/case/{case.pk}/?fragment=timeline")
    assert b'data-action="rate"' in fragment.content and b"<html" not in fragment.content
    response = client.post(f"/report/case/{case.pk}/steps/rate/", {"reason": "fairly"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.rating == "fairly"
    assert b'data-rating="fairly"' in client.get(f"/report/case/{case.pk}/").content
    no_note = client.post(f"/report/case/{case.pk}/steps/reopen/", {"note": " "})
    assert no_note.status_code == 400 and no_note.context["error"].code == "cases.note_required"
    assert (
        client.post(f"/report/case/{case.pk}/steps/reopen/", {"note": "又满了"}).status_code == 302
    )
    case.refresh_from_db()
    assert case.status == S.ACCEPTED and case.rating == ""


def test_reopening_ends_after_seven_days_and_is_the_reporters_alone(client, county):
    case = bring(county, S.CLOSED)
    Case.objects.filter(pk=case.pk).update(closed_at=timezone.now() - datetime.timedelta(days=8))
    client.force_login(county.partner_user)
    page = client.get(f"/report/case/{case.pk}/")
    assert b'data-action="rate"' in page.content and b'data-action="reopen"' not in page.content
    late = client.post(f"/report/case/{case.pk}/steps/reopen/", {"note": "又满了"})
    assert late.status_code == 409 and late.context["error"].code == "cases.reopen_too_late"
    assert client.post(f"/report/case/{case.pk}/steps/accept/", {}).status_code == 404
    other = new_case(county, key="other")
    for user in (county.operator, county.far_reviewer):
        client.force_login(user)
        assert (
            client.post(f"/report/case/{other.pk}/steps/rate/", {"reason": "fairly"}).status_code
            == 404
        )
    case.refresh_from_db()
    assert case.status == S.CLOSED and case.rating == ""
