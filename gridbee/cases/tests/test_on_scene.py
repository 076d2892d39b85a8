"""联勤快反 "1-3-5": accepted within 1 minute, dispatched within 3, a responder on the scene
within 5. Arriving (到场) is its own step, taken by the department's responder where they stand,
after signing for the case and before handling it; from the scene the category's own handling
time runs. A case raised to emergency later moves to the rapid clock at once."""

import datetime
import json
import math

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from gridbee.cases import workflow
from gridbee.cases.choices import CaseStatus as S
from gridbee.cases.models import Case, CaseEvent, Message
from gridbee.core.errors import CommonError, DomainError
from gridbee.geo.tests import layers
from gridbee.reports.actions import Sender, submit_report
from gridbee.reports.tests import images

AT = (layers.Y0 + 0.005, layers.X0 + 0.005)
HERE = {"lat": AT[0] + 0.0002, "lon": AT[1], "accuracy": 9.5}  # about 22 m north of the case
MINUTE = datetime.timedelta(minutes=1)


def api(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


def report(county, key, category="overflowing_bins", *, emergency=False) -> Case:
    answer, _ = submit_report(
        Sender.of_partner(county.partner), idempotency_key=key, category_code=category,
        lat=AT[0], lon=AT[1], photos=[images.jpeg(320, 240)], emergency=emergency,
    )  # fmt: skip
    return Case.objects.get(pk=answer["case"]["id"])


def steps(county, case, *actions) -> Case:
    extra = {"dispatch": {"department_code": "cgj"}}
    for action in actions:
        who = county.department_user if action in ("sign", "arrive") else county.operator
        if action == "arrive":
            arrive = {"lat": HERE["lat"], "lon": HERE["lon"], "accuracy_m": HERE["accuracy"]}
            workflow.act(case.pk, action, actor=who, **arrive)
        else:
            workflow.act(case.pk, action, actor=who, **extra.get(action, {}))
    case.refresh_from_db()
    return case


def handle(county, case):
    photos = [images.jpeg(320, 240)]
    who = county.department_user
    return workflow.act(case.pk, "handle", actor=who, note="已解救", photos=photos)


def between(value, start, end) -> bool:
    return start <= value <= end


def test_an_emergency_responder_is_due_on_the_scene_five_minutes_after_dispatch(county):
    case = report(county, "lift", "trapped_in_lift")  # an emergency category: 30 minutes to handle
    before = timezone.now()
    case = steps(county, case, "accept", "dispatch")
    after = timezone.now()
    assert between(case.step_deadline_at, before + 5 * MINUTE, after + 5 * MINUTE)
    due = case.step_deadline_at
    case = steps(county, case, "sign")
    assert (case.status, case.step_deadline_at) == (S.SIGNED, due)  # signing is on the way

    before = timezone.now()
    response = post(api(county.department_user), f"/api/cases/{case.pk}/steps/arrive", HERE)
    after = timezone.now()
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "on_scene"
    # From the scene, the category's own handling time (wall-clock for an emergency).
    deadline = datetime.datetime.fromisoformat(body["step_deadline_at"])
    assert between(deadline, before + 30 * MINUTE, after + 30 * MINUTE)

    arrival = CaseEvent.objects.get(case=case, kind="arrive")
    assert (arrival.from_status, arrival.to_status, arrival.on_time) == ("signed", "on_scene", True)
    assert (arrival.lat, arrival.lon, arrival.accuracy_m) == (HERE["lat"], HERE["lon"], 9.5)
    assert arrival.actor == county.department_user and arrival.actor_role == "department"
    assert arrival.note.startswith("22 m")  # how far from the case, on the timeline
    timeline = api(county.operator).get(f"/api/cases/{case.pk}/timeline").json()
    assert [e["kind"] for e in timeline][-2:] == ["sign", "arrive"]
    # The reporter hears that help is there (件件有回应).
    told = Message.objects.get(recipient=county.partner_user, kind="arrive")
    assert f"#{case.pk}" in told.text and "城管局" in told.text

    handle(county, case)
    case.refresh_from_db()
    assert case.status == S.HANDLED


def test_a_late_arrival_counts_as_late(county):
    case = steps(county, report(county, "late", "trapped_in_lift"), "accept", "dispatch", "sign")
    Case.objects.filter(pk=case.pk).update(step_deadline_at=timezone.now() - MINUTE)
    steps(county, case, "arrive")
    assert CaseEvent.objects.get(case=case, kind="arrive").on_time is False


def test_an_emergency_is_handled_only_from_the_scene(county, client):
    case = steps(county, report(county, "sos", "trapped_in_lift"), "accept", "dispatch", "sign")
    with pytest.raises(DomainError) as caught:
        handle(county, case)
    assert (caught.value.code, caught.value.status) == ("cases.arrival_required", 409)
    case.refresh_from_db()
    assert case.status == S.SIGNED and not case.events.filter(kind="handle").exists()
    # The department's case page offers the arrival, with the browser's location, not the result.
    client.force_login(county.department_user)
    page = client.get(f"/console/cases/{case.pk}/")
    actions = [f["action"] for f in page.context["forms"]]
    assert "arrive" in actions and "handle" not in actions
    html = page.content.decode()
    assert 'data-action="arrive"' in html and "data-location" in html
    assert 'name="lat"' in html and 'name="accuracy"' in html and "cases/arrive.js" in html
    case = steps(county, case, "arrive")
    page = client.get(f"/console/cases/{case.pk}/")
    assert "handle" in [f["action"] for f in page.context["forms"]]
    assert "arrive" not in [f["action"] for f in page.context["forms"]]


def test_an_ordinary_case_may_skip_the_arrival_and_arriving_buys_no_time(county):
    skipped = steps(county, report(county, "bins"), "accept", "dispatch", "sign")
    handle(county, skipped)
    skipped.refresh_from_db()
    assert skipped.status == S.HANDLED
    visited = steps(county, report(county, "bins2", "illegal_ads"), "accept", "dispatch", "sign")
    due = visited.step_deadline_at
    visited = steps(county, visited, "arrive")
    assert visited.status == S.ON_SCENE and visited.step_deadline_at == due
    handle(county, visited)
    visited.refresh_from_db()
    assert visited.status == S.HANDLED


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("operator", CommonError.FORBIDDEN.code),  # triage does not go to the scene
        ("reviewer", CommonError.FORBIDDEN.code),
        ("partner_user", "cases.not_found"),
        ("far_reviewer", "cases.not_found"),
    ],
)
def test_only_the_department_marks_its_arrival(county, who, code):
    case = steps(county, report(county, "who", "trapped_in_lift"), "accept", "dispatch", "sign")
    response = post(api(getattr(county, who)), f"/api/cases/{case.pk}/steps/arrive", HERE)
    assert response.json()["code"] == code
    case.refresh_from_db()
    assert case.status == S.SIGNED and not case.events.filter(kind="arrive").exists()


@pytest.mark.parametrize(
    "path", [(), ("accept",), ("accept", "dispatch"), ("accept", "dispatch", "sign", "arrive")]
)
def test_arrival_comes_after_signing_and_once(county, path):
    case = steps(county, report(county, "when", "trapped_in_lift"), *path)
    response = post(api(county.department_user), f"/api/cases/{case.pk}/steps/arrive", HERE)
    # Before dispatch the department cannot even see the case; after, the step is out of turn.
    expected = "cases.not_found" if len(path) < 2 else "cases.invalid_transition"
    assert response.json()["code"] == expected
    assert CaseEvent.objects.filter(case=case, kind="arrive").count() == (len(path) == 4)


@pytest.mark.parametrize(
    ("place", "code"),
    [
        ({}, "cases.arrival_location_required"),
        ({"lat": AT[0], "lon": AT[1]}, "cases.arrival_location_required"),
        ({**HERE, "accuracy": -1}, "cases.location_invalid"),
        ({**HERE, "lat": 91}, "cases.location_invalid"),
        ({**HERE, "lon": -180.5}, "cases.location_invalid"),
        ({**HERE, "lat": math.nan}, "cases.location_invalid"),
        ({**HERE, "accuracy": math.inf}, "cases.location_invalid"),
    ],
)
def test_an_arrival_needs_a_real_location(county, place, code):
    case = steps(county, report(county, "where", "trapped_in_lift"), "accept", "dispatch", "sign")
    response = post(api(county.department_user), f"/api/cases/{case.pk}/steps/arrive", place)
    assert (response.status_code, response.json()["code"]) == (400, code)
    assert response.json()["message"]  # said in words, Chinese by default
    case.refresh_from_db()
    assert case.status == S.SIGNED and case.version == 3


def test_the_department_page_has_an_arrival_button_that_sends_the_location(county, client):
    case = steps(county, report(county, "page", "trapped_in_lift"), "accept", "dispatch", "sign")
    client.force_login(county.department_user)
    html = client.get("/department/").content.decode()
    url = f"/console/cases/{case.pk}/steps/arrive/"
    assert f'action="{url}"' in html and "data-location" in html and "到场" in html
    response = client.post(url, {"version": case.version, "lat": "", "lon": "", "accuracy": ""})
    assert response.status_code == 400  # no location: refused, said on the page
    assert 'data-error-code="cases.arrival_location_required"' in response.content.decode()
    form = {"version": case.version, "lat": HERE["lat"], "lon": HERE["lon"], "accuracy": "9.5"}
    assert client.post(url, form).status_code == 302
    case.refresh_from_db()
    assert case.status == S.ON_SCENE
    sections = client.get("/department/").context["sections"]
    listed = {key: [r["case"].pk for r in rows] for key, _title, rows in sections}
    assert listed["on_scene"] == [case.pk] and listed["signed"] == []
    timeline = client.get(f"/console/cases/{case.pk}/").context["timeline"]
    assert timeline[-1]["kind"] == "arrive" and timeline[-1]["label"] == "已到场"


# --- raised to emergency later: the rapid clock at once ------------------------------------


@pytest.mark.parametrize(
    ("path", "minutes"),
    [
        ((), 1),  # waiting to be accepted
        (("accept",), 3),  # waiting to be dispatched
        (("accept", "dispatch"), 5),  # a responder due on the scene
        (("accept", "dispatch", "sign"), 5),
        (("accept", "dispatch", "sign", "arrive"), 24 * 60),  # the category's handling time
    ],
)
def test_an_operator_raising_a_case_moves_its_step_to_minutes(county, path, minutes):
    case = steps(county, report(county, "raise"), *path)
    ordinary_due = case.step_deadline_at
    before = timezone.now()
    response = post(api(county.operator), f"/api/cases/{case.pk}/emergency", {"note": "有人受伤"})
    after = timezone.now()
    assert response.status_code == 200 and response.json()["urgency"] == "emergency"
    case.refresh_from_db()
    assert between(case.step_deadline_at, before + minutes * MINUTE, after + minutes * MINUTE)
    assert case.step_deadline_at != ordinary_due
    # Late by the new clock, it escalates.
    assert workflow.escalate_overdue(after + (minutes + 1) * MINUTE) == 1


def test_raising_a_case_on_the_way_means_an_arrival_before_handling(county):
    case = steps(county, report(county, "way"), "accept", "dispatch", "sign")
    post(api(county.operator), f"/api/cases/{case.pk}/emergency", {"note": "有人受伤"})
    with pytest.raises(DomainError, match="arrival_required"):
        handle(county, case)


def test_a_later_reporters_emergency_flag_moves_the_case_to_minutes(county):
    case = steps(county, report(county, "first"), "accept", "dispatch")
    ordinary_due = case.step_deadline_at
    assert ordinary_due - timezone.now() > 10 * MINUTE  # working hours: far more than 5 minutes
    before = timezone.now()
    joined = report(county, "second", emergency=True)  # same place, same category: it joins
    after = timezone.now()
    assert joined.pk == case.pk
    case.refresh_from_db()
    assert case.urgency == "emergency" and case.report_count == 2
    assert between(case.step_deadline_at, before + 5 * MINUTE, after + 5 * MINUTE)
    assert case.events.filter(kind="marked_emergency").count() == 1


def test_an_escalated_step_escalates_again_on_the_rapid_clock(county):
    case = steps(county, report(county, "esc"), "accept")
    assert workflow.escalate_overdue(case.step_deadline_at + MINUTE) == 1
    post(api(county.operator), f"/api/cases/{case.pk}/emergency", {"note": "扩大了"})
    case.refresh_from_db()
    assert case.step_escalated is False
    assert workflow.escalate_overdue(case.step_deadline_at + MINUTE) == 1


def test_the_handling_photo_form_still_works_on_the_scene(county, client):
    case = steps(county, report(county, "photo", "trapped_in_lift"), "accept", "dispatch", "sign")
    steps(county, case, "arrive")
    client.force_login(county.department_user)
    photo = SimpleUploadedFile("r.jpg", images.jpeg(640, 480), content_type="image/jpeg")
    url = f"/console/cases/{case.pk}/steps/handle/"
    assert client.post(url, {"note": "已解救", "photos": [photo]}).status_code == 302
    case.refresh_from_db()
    assert case.status == S.HANDLED
