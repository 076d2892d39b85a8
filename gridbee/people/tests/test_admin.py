import pytest


@pytest.mark.parametrize(
    "path",
    [
        "people/user/", "people/industry/", "people/company/", "people/station/",
        "people/department/", "people/application/", "people/partner/", "people/certificate/",
        "people/team/",
    ],
)  # fmt: skip
def test_every_people_list_opens_in_the_admin(admin_client, county, path):
    assert admin_client.get(f"/admin/{path}").status_code == 200


def test_detail_pages_open_and_hide_identity_numbers(admin_client, county):
    for path in (
        f"people/application/{county.submitted.pk}/change/",
        f"people/partner/{county.partner.pk}/change/",
        f"people/team/{county.team.pk}/change/",
        f"people/user/{county.reviewer.pk}/change/",
    ):
        page = admin_client.get(f"/admin/{path}")
        assert page.status_code == 200, path
        assert county.partner.id_number not in page.content.decode()
        assert county.submitted.id_number not in page.content.decode()


def test_histories_cannot_be_edited_in_the_admin(admin_client, county):
    url = f"/admin/people/partner/{county.partner.pk}/change/"
    admin_client.post(url, {"status": "revoked"})
    county.partner.refresh_from_db()
    assert county.partner.status == "active"
