import threading

import pytest
from django.contrib.auth import authenticate
from django.db import connection

from gridbee.core.errors import DomainError
from gridbee.people import actions
from gridbee.people.models import Application, Certificate, User

from . import county as fixture


def application(**changes):
    fields = {
        "name": "赵新",
        "mobile": "137 0000 0008",
        "id_number": "522731199505050016"[:17] + "X",
        "password": fixture.PASSWORD,
        "station_id": None,
        "work_area": "城北",
        "grid_codes": [fixture.GRID_1],
        "accepted_rules": True,
    }
    return {**fields, **changes}


def refused(code: str, **fields):
    before = (Application.objects.count(), User.objects.count())
    with pytest.raises(DomainError) as caught:
        actions.submit_application(**fields)
    assert caught.value.code == code
    assert (Application.objects.count(), User.objects.count()) == before


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"mobile": "12345"}, "people.invalid_mobile"),
        ({"mobile": "23800000000"}, "people.invalid_mobile"),
        ({"id_number": "522731199505050011"}, "people.invalid_id_number"),
        ({"accepted_rules": False}, "people.rules_not_accepted"),
        ({"password": "123456"}, "people.weak_password"),
        ({"station_id": 999_999}, "people.unknown_station"),
        ({"grid_codes": [fixture.GRID_1, fixture.GRID_2, fixture.GRID_3]}, "people.too_many_grids"),
        ({"grid_codes": ["522732001001001"]}, "people.unknown_grid"),
        ({"grid_codes": []}, "people.no_grid"),  # 就近绑定一到两个网格: one at least
        ({"grid_codes": ["", " "]}, "people.no_grid"),
        ({"mobile": "13700000001"}, "people.duplicate_application"),  # open application
        ({"mobile": "13700000000"}, "people.duplicate_application"),  # already a partner
    ],
)
def test_bad_applications_are_refused_with_a_stable_code_and_nothing_kept(county, changes, code):
    refused(code, **application(**{"station_id": county.station.pk, **changes}))


def test_an_application_records_every_step_and_approval_enrols_the_partner(county):
    app = actions.submit_application(**application(station_id=county.station.pk))
    assert app.mobile == "13700000008" and app.status == "submitted"
    actions.act_on_application(app.pk, "recommend", actor=county.station_user, note="本站骑手")
    actions.act_on_application(app.pk, "approve", actor=county.reviewer)
    app.refresh_from_db()
    steps = [(s.action, s.actor_role, s.note) for s in app.steps.all()]
    assert steps == [
        ("submit", "applicant", ""),
        ("recommend", "station", "本站骑手"),
        ("approve", "reviewer", ""),
    ]
    partner = app.partner
    assert partner.status == "active" and partner.county_id == "522731000000"
    assert authenticate(mobile="13700000008", password=fixture.PASSWORD) == partner.user
    assert [b.grid.code for b in partner.bindings.all()] == [fixture.GRID_1]
    numbers = sorted(Certificate.objects.values_list("number", flat=True))
    assert numbers[-1].endswith("-00002") and numbers[-1] == partner.certificate.number


@pytest.mark.parametrize(
    ("target", "action", "actor", "code"),
    [
        ("submitted", "approve", "reviewer", "people.invalid_transition"),
        ("recommended", "recommend", "station_user", "people.invalid_transition"),
        ("submitted", "decline", "station_user", "people.reason_required"),
        ("recommended", "reject", "reviewer", "people.reason_required"),
        ("recommended", "approve", "station_user", "auth.forbidden"),
        ("submitted", "recommend", "far_station_user", "people.not_found"),
        ("submitted", "fly", "station_user", "people.invalid_transition"),
    ],
)
def test_steps_outside_the_table_are_refused(county, target, action, actor, code):
    app = getattr(county, target)
    with pytest.raises(DomainError) as caught:
        actions.act_on_application(app.pk, action, actor=getattr(county, actor), note="")
    assert caught.value.code == code
    app.refresh_from_db()
    assert app.status == target and app.steps.count() == (1 if target == "submitted" else 2)


def test_a_rejected_application_cannot_be_approved_afterwards(county):
    actions.act_on_application(
        county.recommended.pk, "reject", actor=county.reviewer, note="材料不全"
    )
    with pytest.raises(DomainError, match="invalid_transition"):
        actions.act_on_application(county.recommended.pk, "approve", actor=county.reviewer)
    assert not User.objects.filter(mobile=county.recommended.mobile).exists()


def test_after_a_rejection_the_worker_may_apply_again(county):
    actions.act_on_application(
        county.recommended.pk, "reject", actor=county.reviewer, note="材料不全"
    )
    again = actions.submit_application(
        **application(
            station_id=county.station.pk,
            mobile=county.recommended.mobile,
            id_number=county.recommended.id_number,
        )
    )
    assert again.status == "submitted"


@pytest.mark.django_db(transaction=True)
def test_the_same_application_sent_twice_at_once_is_kept_once():
    county = fixture.build()
    results = []

    def send():
        try:
            results.append(actions.submit_application(**application(station_id=county.station.pk)))
        except DomainError as exc:
            results.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Application.objects.filter(mobile="13700000008").count() == 1
    assert sorted(r if isinstance(r, str) else "ok" for r in results) == [
        "ok",
        "people.duplicate_application",
        "people.duplicate_application",
        "people.duplicate_application",
    ]


def test_an_application_over_the_api_binds_a_grid_or_is_refused_in_chinese(client, county):
    body = {**application(station_id=county.station.pk), "grid_codes": []}
    response = client.post("/api/enrolment/applications", body, content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (400, "people.no_grid")
    assert response.json()["message"] == "请选择工作地附近的一到两个网格。"
    del body["grid_codes"]  # left out altogether: the same answer
    response = client.post("/api/enrolment/applications", body, content_type="application/json")
    assert response.json()["code"] == "people.no_grid"
    assert not Application.objects.filter(mobile="13700000008").exists()
    body["grid_codes"] = [fixture.GRID_2]
    response = client.post("/api/enrolment/applications", body, content_type="application/json")
    assert response.status_code == 201
    app = Application.objects.get(mobile="13700000008")
    assert [g.code for g in app.grids.all()] == [fixture.GRID_2]
