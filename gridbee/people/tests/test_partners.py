import pytest
from django.test import Client

from gridbee.core.errors import DomainError
from gridbee.people import actions
from gridbee.people.models import GridBinding

from . import county as fixture


def test_suspension_keeps_the_history_and_stops_the_partner_acting(county):
    actions.change_partner_status(
        county.partner.pk, "suspend", actor=county.reviewer, reason="false_reports", note="三次虚报"
    )
    county.partner.refresh_from_db()
    assert county.partner.status == "suspended" and not county.partner.can_act
    with pytest.raises(DomainError, match="partner_inactive"):
        actions.bind_grids(county.partner, [fixture.GRID_2], actor=county.partner_user)
    actions.change_partner_status(
        county.partner.pk, "reinstate", actor=county.reviewer, reason="reviewed"
    )
    history = [(e.action, e.reason, e.note) for e in county.partner.events.all()]
    assert history == [
        ("enrol", "", ""),
        ("suspend", "false_reports", "三次虚报"),
        ("reinstate", "reviewed", ""),
    ]


@pytest.mark.parametrize(
    ("action", "reason", "code"),
    [
        ("reinstate", "reviewed", "people.invalid_transition"),  # already active
        ("suspend", "", "people.reason_required"),
        ("suspend", "because", "people.reason_required"),
        ("promote", "reviewed", "people.invalid_transition"),
    ],
)
def test_status_changes_outside_the_table_or_without_a_reason_are_refused(
    county, action, reason, code
):
    with pytest.raises(DomainError) as caught:
        actions.change_partner_status(
            county.partner.pk, action, actor=county.reviewer, reason=reason
        )
    assert caught.value.code == code
    county.partner.refresh_from_db()
    assert county.partner.status == "active" and county.partner.events.count() == 1


@pytest.mark.parametrize(
    ("codes", "error"),
    [
        ([fixture.GRID_1, fixture.GRID_2, fixture.GRID_3], "people.too_many_grids"),
        ([], "people.no_grid"),
        (["522732001001001"], "people.unknown_grid"),
    ],
)
def test_a_partner_binds_one_or_two_grids_of_their_county(county, codes, error):
    before = sorted(GridBinding.objects.values_list("grid__code", flat=True))
    with pytest.raises(DomainError) as caught:
        actions.bind_grids(county.partner, codes, actor=county.partner_user)
    assert caught.value.code == error
    assert sorted(GridBinding.objects.values_list("grid__code", flat=True)) == before


def test_binding_replaces_the_previous_grids(county):
    actions.bind_grids(county.partner, [fixture.GRID_2], actor=county.partner_user)
    assert [b.grid.code for b in county.partner.bindings.all()] == [fixture.GRID_2]


def partner_json(county, role):
    client = Client()
    client.force_login(county.users[role])
    return client.get(f"/api/partners/{county.partner.pk}").json()


def test_each_role_sees_only_the_personal_data_its_work_needs(county):
    mobile, id_number = county.partner_user.mobile, county.partner.id_number
    for role in ("operator", "station"):
        seen = partner_json(county, role)
        assert seen["mobile"] == mobile[:3] + "****" + mobile[-4:]
        assert seen["id_number"] == id_number[:4] + "*" * 10 + id_number[-4:]
    for role in ("reviewer", "team_lead"):
        seen = partner_json(county, role)
        assert seen["mobile"] == mobile and id_number not in str(seen)


def test_applications_show_identity_to_the_reviewer_only(county):
    def application(role):
        client = Client()
        client.force_login(county.users[role])
        return client.get(f"/api/enrolment/applications/{county.submitted.pk}").json()

    assert application("reviewer")["id_number"] == county.submitted.id_number
    assert application("station")["id_number"].count("*") == 10
    assert "*" in application("station")["mobile"]


def test_the_public_certificate_check_shows_only_what_it_should(county, client):
    token = county.partner.certificate.token
    body = client.get(f"/api/certificates/{token}").json()
    assert set(body) == {"number", "name", "industry", "county", "status", "valid_until"}
    assert body["name"] == "王*明" and body["status"] == "active" and body["county"] == "惠水县"
    page = client.get(f"/verify/{token}/").content.decode()
    for secret in (county.partner_user.mobile, county.partner.id_number, county.station.name):
        assert secret not in page
    actions.change_partner_status(
        county.partner.pk, "revoke", actor=county.reviewer, reason="private_gain"
    )
    assert client.get(f"/api/certificates/{token}").json()["status"] == "revoked"
    assert client.get("/api/certificates/forged").status_code == 404
    assert client.get("/verify/forged/").status_code == 404
