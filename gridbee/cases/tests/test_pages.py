"""The case pages: the console's queue (scope, filters, order, query count), the case page's
steps, the department's list and the reporter's case page."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gridbee.cases.choices import CaseStatus as S
from gridbee.cases.choices import Urgency
from gridbee.cases.models import Case
from gridbee.cases.tests.test_workflow import new_case, step
from gridbee.cases.views.console import allowed_steps
from gridbee.people.models import Department
from gridbee.reports.tests import images


def login(client, user):
    client.force_login(user)
    return client


def ids(response) -> list[int]:
    return [row["case"].pk for row in response.context["rows"]]


def copy_case(case: Case, **changes) -> Case:
    """A case like this one without its reports (enough for lists)."""
    fields = {
        f.attname: getattr(case, f.attname)
        for f in Case._meta.concrete_fields
        if f.attname not in {"id", "first_report_id"}
    }
    return Case.objects.create(**{**fields, **changes})


@pytest.fixture
def far_case(county):
    """A case in the other county: staff of the fixture county must never see it."""
    case = new_case(county, key="far")
    other = Department.objects.create(county_id="522732000000", code="far", name="远城管")
    return copy_case(
        case, county_id="522732000000", region_id="522732000000", department_id=other.pk
    )


def test_console_lists_only_cases_in_scope_emergencies_first(client, county, far_case):
    ordinary = new_case(county, key="a")
    emergency = copy_case(ordinary, urgency=Urgency.EMERGENCY)
    closed = copy_case(ordinary, status=S.CLOSED)
    response = login(client, county.operator).get("/console/")
    assert response.status_code == 200
    listed = ids(response)
    assert listed[0] == emergency.pk
    assert ordinary.pk in listed
    assert far_case.pk not in listed and closed.pk not in listed
    assert b'id="case-map-config"' in response.content
    assert b"http://" not in response.content and b"https://" not in response.content


@pytest.mark.parametrize("role", ["partner_user", "station_user", "team_lead"])
def test_console_refuses_roles_without_case_access(client, county, role):
    assert login(client, getattr(county, role)).get("/console/").status_code == 403


def test_console_needs_a_login(client, county):
    response = client.get("/console/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_console_filters(client, county):
    base = new_case(county, key="a")
    emergency = copy_case(base, urgency=Urgency.EMERGENCY)
    accepted = copy_case(base, status=S.ACCEPTED)
    late = copy_case(base, step_deadline_at=timezone.now() - datetime.timedelta(hours=1))
    copy_case(base, step_deadline_at=timezone.now() + datetime.timedelta(hours=1))
    dispatched = copy_case(base, status=S.DISPATCHED, department_id=county.department.pk)
    login(client, county.operator)
    assert ids(client.get("/console/?urgency=emergency")) == [emergency.pk]
    assert ids(client.get("/console/?status=accepted")) == [accepted.pk]
    assert ids(client.get("/console/?department=cgj")) == [dispatched.pk]
    assert late.pk in ids(client.get("/console/?overdue=1"))
    assert base.step_deadline_at > timezone.now()
    assert base.pk not in ids(client.get("/console/?overdue=1"))
    assert ids(client.get("/console/?category=no_such")) == []
    assert base.pk in ids(client.get(f"/console/?category={base.category.code}"))
    grid = base.grid.code
    assert base.pk in ids(client.get(f"/console/?grid={grid}"))
    assert ids(client.get("/console/?grid=000")) == []
    # Unknown values are ignored rather than failing.
    assert client.get("/console/?status=bogus&page=zz").status_code == 200


def test_console_queue_fragment(client, county):
    case = new_case(county)
    response = login(client, county.operator).get("/console/?fragment=queue")
    assert response.status_code == 200
    assert f'data-case-id="{case.pk}"'.encode() in response.content
    assert b"<html" not in response.content


def test_queue_query_count_stays_constant(client, county, django_assert_max_num_queries):
    base = new_case(county)
    Case.objects.bulk_create(
        [
            Case(
                **{
                    f.attname: getattr(base, f.attname)
                    for f in Case._meta.concrete_fields
                    if f.attname not in {"id", "first_report_id"}
                },
            )
            for _ in range(300)
        ]
    )
    Case.objects.filter(pk__gt=base.pk, pk__lt=base.pk + 100).update(
        status=S.DISPATCHED, department=county.department
    )
    login(client, county.operator)
    client.get("/console/")  # warm the session and user
    with django_assert_max_num_queries(12):
        response = client.get("/console/")
    assert response.context["page"].paginator.count == 301
    with django_assert_max_num_queries(12):
        client.get("/console/?page=3&status=dispatched")


def test_case_page_shows_only_allowed_steps(client, county):
    case = new_case(county)
    response = login(client, county.operator).get(f"/console/cases/{case.pk}/")
    assert response.status_code == 200
    actions = [f["action"] for f in response.context["forms"]]
    assert sorted(actions) == ["accept", "reject"]
    assert b'action="/console/cases/%d/steps/accept/"' % case.pk in response.content
    # The department may not see a case not dispatched to it.
    assert (
        login(client, county.department_user).get(f"/console/cases/{case.pk}/").status_code == 404
    )
    # A reviewer sees it, with no step to take.
    response = login(client, county.reviewer).get(f"/console/cases/{case.pk}/")
    assert response.status_code == 200 and response.context["forms"] == []
    assert login(client, county.far_reviewer).get(f"/console/cases/{case.pk}/").status_code == 404


def test_allowed_steps_follow_the_table(county):
    case = new_case(county)
    for action in ("accept", "dispatch"):
        step(county, case, action)
    case.refresh_from_db()
    assert allowed_steps(county.department_user, case, None) == [
        "return",
        "sign",
        "request_extension",
    ]
    assert allowed_steps(county.operator, case, None) == ["hold"]
    assert allowed_steps(county.operator, case, object()) == [
        "hold",
        "approve_extension",
        "refuse_extension",
    ]


def test_a_step_posted_from_the_page_moves_the_case(client, county):
    case = new_case(county)
    login(client, county.operator)
    url = f"/console/cases/{case.pk}/steps/accept/"
    response = client.post(url, {"version": case.version})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == S.ACCEPTED
    response = client.post(
        f"/console/cases/{case.pk}/steps/dispatch/",
        {"version": case.version, "department_code": "cgj"},
        follow=True,
    )
    case.refresh_from_db()
    assert case.status == S.DISPATCHED and case.department == county.department
    assert [t["kind"] for t in response.context["timeline"]][-2:] == ["accept", "dispatch"]


def test_a_refused_step_shows_the_message(client, county):
    case = new_case(county)
    login(client, county.operator)
    stale = client.post(f"/console/cases/{case.pk}/steps/accept/", {"version": case.version + 5})
    assert stale.status_code == 409
    assert "Reload" in stale.content.decode() or "重新" in stale.content.decode()
    assert stale.context["error"].code == "cases.conflict"
    no_reason = client.post(f"/console/cases/{case.pk}/steps/reject/", {"reason": ""})
    assert no_reason.status_code == 400
    assert no_reason.context["error"].code == "cases.reason_required"
    case.refresh_from_db()
    assert case.status == S.REPORTED and case.version == 0
    wrong_state = client.post(f"/console/cases/{case.pk}/steps/verify_pass/", {})
    assert wrong_state.status_code == 409
    assert client.post(f"/console/cases/{case.pk}/steps/rate/", {}).status_code == 404


def test_department_page_and_steps(client, county, far_case):
    mine = new_case(county)
    for action in ("accept", "dispatch"):
        step(county, mine, action)
    not_yet = copy_case(mine, status=S.ACCEPTED, department_id=None)
    login(client, county.department_user)
    response = client.get("/department/")
    assert response.status_code == 200
    listed = {key: [r["case"].pk for r in rows] for key, _, rows in response.context["sections"]}
    assert listed == {"pending": [mine.pk], "signed": [], "on_scene": [], "handled": []}
    assert not_yet.pk not in listed["pending"] and far_case.pk not in listed["pending"]
    assert client.post(f"/console/cases/{mine.pk}/steps/sign/", {}).status_code == 302
    photo = SimpleUploadedFile("r.jpg", images.jpeg(640, 480), content_type="image/jpeg")
    response = client.post(
        f"/console/cases/{mine.pk}/steps/handle/", {"note": "已清运", "photos": [photo]}
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == S.HANDLED
    page = client.get(f"/console/cases/{mine.pk}/")
    handled = next(t for t in page.context["timeline"] if t["kind"] == "handle")
    assert len(handled["photo_ids"]) == 1
    photo_url = f"/console/photos/{handled['photo_ids'][0]}/"
    assert client.get(photo_url + "?thumbnail=1")["Content-Type"] == "image/jpeg"
    assert login(client, county.far_reviewer).get(photo_url).status_code == 404
    listed = login(client, county.department_user).get("/department/").context["sections"]
    assert [r["case"].pk for r in listed[3][2]] == [mine.pk]


def test_department_page_refuses_others(client, county):
    assert login(client, county.operator).get("/department/").status_code == 403


def test_extension_request_and_hand_back(client, county):
    case = new_case(county)
    for action in ("accept", "dispatch"):
        step(county, case, action)
    login(client, county.department_user)
    url = f"/console/cases/{case.pk}/steps/"
    assert client.post(url + "request_extension/", {"note": "需要吊车"}).status_code == 400
    response = client.post(
        url + "request_extension/", {"note": "需要吊车", "extension_minutes": "600"}
    )
    assert response.status_code == 302
    page = login(client, county.operator).get(f"/console/cases/{case.pk}/")
    assert "approve_extension" in [f["action"] for f in page.context["forms"]]
    login(client, county.department_user)
    assert client.post(url + "return/", {"note": "不属于本部门"}).status_code == 302
    case.refresh_from_db()
    assert case.status == S.ACCEPTED and case.department is None


def test_reporter_page_for_its_reporters_only(client, county):
    case = new_case(county)
    step(county, case, "accept")
    response = login(client, county.partner_user).get(f"/report/case/{case.pk}/")
    assert response.status_code == 200
    kinds = [t["kind"] for t in response.context["timeline"]]
    assert kinds == ["opened", "accept"]
    assert all(t["actor"] == "" for t in response.context["timeline"])
    assert len(response.context["messages_for_me"]) == 1
    fragment = client.get(f"/report/case/{case.pk}/?fragment=timeline")
    assert b"<html" not in fragment.content and b"timeline-step" in fragment.content
    for other in (county.operator, county.far_reviewer, county.station_user):
        assert login(client, other).get(f"/report/case/{case.pk}/").status_code == 404
    assert login(client, county.partner_user).get("/report/case/999999/").status_code == 404


def test_reporter_timeline_hides_internal_steps(client, county):
    case = new_case(county)
    for action in ("accept", "dispatch"):
        step(county, case, action)
    step(county, case, "request_extension")
    response = login(client, county.partner_user).get(f"/report/case/{case.pk}/")
    kinds = [t["kind"] for t in response.context["timeline"]]
    assert "request_extension" not in kinds and "dispatch" in kinds
