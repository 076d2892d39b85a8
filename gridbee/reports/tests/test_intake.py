import io
import threading
import uuid

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test import Client
from PIL import Image, ImageChops, ImageOps, ImageStat

from gridbee.cases.models import Case, Photo, Report
from gridbee.geo.tests import layers
from gridbee.people import actions as people_actions

from . import images

IN_GRID_1 = (layers.Y0 + 0.005, layers.X0 + 0.005)
# ~30 m north-east of IN_GRID_1: the same problem seen by someone else.
NEARBY = (layers.Y0 + 0.0052, layers.X0 + 0.0052)


def partner_client(county) -> Client:
    client = Client()
    client.force_login(county.partner_user)
    return client


def post(client, *, key="k-1", category="overflowing_bins", at=IN_GRID_1, photos=None, **fields):
    data = {"category": category, "lat": at[0], "lon": at[1], **fields}
    files = photos if photos is not None else [images.jpeg()]
    data["photos"] = [io.BytesIO(p) for p in files]
    headers = {"Idempotency-Key": key} if key is not None else {}
    return client.post("/api/reports", data, headers=headers)


def stored_files(folder: str = "") -> set[str]:
    """The names of every file in the storage photos go to (the disk, or the object store)."""
    try:
        folders, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return set()
    names = {f"{folder}{name}" for name in files}
    for sub in folders:
        names |= stored_files(f"{folder}{sub}/")
    return names


def test_a_report_opens_a_case_in_its_grid_and_answers_at_once(county):
    response = post(
        partner_client(county),
        accuracy="8.5",
        text="垃圾满了",
        phone_time="2026-11-23T10:00:00+08:00",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["first_report"] is True
    assert body["case"]["grid_code"] == layers.COMMUNITY_1 + "001"
    assert body["case"]["status"] == "reported" and body["case"]["urgency"] == "ordinary"
    report = Report.objects.get(pk=body["report_id"])
    assert report.partner == county.partner and report.accuracy_m == 8.5
    assert report.case.first_report == report


def test_stored_photos_carry_no_metadata_and_have_a_thumbnail(county):
    body = post(partner_client(county)).json()
    photo = Photo.objects.get(report_id=body["report_id"])
    stored = photo.image.read()
    assert b"Exif" not in stored and b"GridBeePhone" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.size == (2048, 1536)
        assert not image.getexif() and "exif" not in image.info
    with Image.open(photo.thumbnail) as thumb:
        assert max(thumb.size) == 320 and not thumb.getexif()


def test_a_sideways_photo_is_stored_upright_without_its_orientation_tag(county):
    body = post(partner_client(county), photos=[images.jpeg(1600, 1200, orientation=6)]).json()
    photo = Photo.objects.get(report_id=body["report_id"])
    with Image.open(photo.image) as image:
        assert image.size == (1200, 1600) and not image.getexif()
    assert (photo.width, photo.height) == (1200, 1600)


@pytest.mark.parametrize("orientation", range(2, 9))
def test_each_orientation_is_turned_the_way_the_phone_was_held(county, orientation):
    sent = images.jpeg(640, 480, orientation=orientation)
    body = post(partner_client(county), photos=[sent]).json()
    photo = Photo.objects.get(report_id=body["report_id"])
    # Pillow's own reading of the tag is the reference; stripes make each turn look different.
    expected = ImageOps.exif_transpose(Image.open(io.BytesIO(sent))).convert("RGB")
    with Image.open(photo.image) as image:
        assert mean_difference(image.convert("RGB"), expected) < 6
    with Image.open(photo.thumbnail) as thumb:
        assert mean_difference(thumb.convert("RGB"), expected.resize(thumb.size)) < 12


def mean_difference(a: Image.Image, b: Image.Image) -> float:
    assert a.size == b.size
    return sum(ImageStat.Stat(ImageChops.difference(a, b)).mean) / 3


def test_the_same_idempotency_key_again_returns_the_first_answer_and_creates_nothing(county):
    client = partner_client(county)
    first = post(client)
    files = stored_files()
    again = post(client)
    assert again.status_code == 200 and again.json() == first.json()
    assert Report.objects.count() == 1 and stored_files() == files


@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_posts_with_one_key_make_one_report(county):
    photo = images.jpeg(800, 600)
    answers, barrier = [], threading.Barrier(20)
    before = stored_files()

    def send():
        client = partner_client(county)
        barrier.wait()
        try:
            response = post(client, key="same-key", photos=[photo])
            answers.append((response.status_code, response.json()))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Report.objects.count() == 1 and Case.objects.count() == 1
    assert sorted(status for status, _ in answers) == [200] * 19 + [201]
    assert len({body["report_id"] for _, body in answers}) == 1
    assert Photo.objects.count() == 1
    # The photos the others stored before their transaction failed are removed again.
    photo = Photo.objects.get()
    assert stored_files() - before == {photo.image.name, photo.thumbnail.name}


def test_a_report_whose_filing_fails_leaves_no_photo_behind(county, monkeypatch):
    before = stored_files()

    def broken(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("gridbee.reports.actions.file_report", broken)
    assert post(partner_client(county)).status_code == 500  # the phone sends it again
    assert not Report.objects.exists() and stored_files() == before


def test_a_nearby_report_of_the_same_problem_joins_the_case_as_non_first(county, django_user_model):
    first = post(partner_client(county)).json()
    second_partner = _enrol_second_partner(county)
    client = Client()
    client.force_login(second_partner.user)
    second = post(client, key="other-device", at=NEARBY).json()
    assert second["case"]["id"] == first["case"]["id"] and second["first_report"] is False
    case = Case.objects.get(pk=first["case"]["id"])
    assert case.report_count == 2 and case.first_report_id == first["report_id"]


def test_another_category_or_another_place_opens_another_case(county):
    client = partner_client(county)
    first = post(client, key="a").json()
    other_category = post(client, key="b", category="illegal_ads").json()
    far_away = post(client, key="c", at=(layers.Y0 + 0.015, layers.X0 + 0.005)).json()  # ~1 km
    cases = {first["case"]["id"], other_category["case"]["id"], far_away["case"]["id"]}
    assert len(cases) == 3 and other_category["first_report"] and far_away["first_report"]


def test_a_closed_or_old_case_is_not_joined(county):
    client = partner_client(county)
    first = post(client, key="a").json()
    Case.objects.filter(pk=first["case"]["id"]).update(status="closed")
    assert post(client, key="b").json()["case"]["id"] != first["case"]["id"]
    second = Case.objects.get(pk=post(client, key="c").json()["case"]["id"])
    old = second.last_report_at.replace(year=second.last_report_at.year - 1)
    Case.objects.filter(pk=second.pk).update(last_report_at=old)
    assert post(client, key="d").json()["case"]["id"] not in (first["case"]["id"], second.pk)


def test_emergencies_come_from_the_category_or_the_reporter(county):
    client = partner_client(county)
    lift = post(client, key="a", category="trapped_in_lift").json()
    flagged = post(client, key="b", category="illegal_ads", emergency="true").json()
    assert lift["case"]["urgency"] == "emergency" and flagged["case"]["urgency"] == "emergency"
    operator = Client()
    operator.force_login(county.operator)
    queue = operator.get("/api/cases/emergencies").json()
    assert {c["id"] for c in queue} == {lift["case"]["id"], flagged["case"]["id"]}


def test_a_report_outside_every_grid_goes_to_the_region_queue(county):
    body = post(partner_client(county), at=(layers.Y0 + 0.015, layers.X0 + 0.035)).json()
    assert body["case"]["grid_code"] is None and body["case"]["fallback"] is True
    assert body["case"]["region_code"] == layers.COMMUNITY_2


def _enrol_second_partner(county):
    app = people_actions.submit_application(
        name="李四",
        mobile="13700000005",
        id_number="52273119950505001X",
        password="fixture-password-2026",
        station_id=county.station.pk,
        work_area="城东",
        grid_codes=[layers.COMMUNITY_1 + "001"],
        accepted_rules=True,
    )
    people_actions.act_on_application(app.pk, "recommend", actor=county.station_user)
    people_actions.act_on_application(app.pk, "approve", actor=county.reviewer)
    app.refresh_from_db()
    return app.partner


def nothing_stored(before_files):
    return (
        Report.objects.count() == 0
        and Case.objects.count() == 0
        and (stored_files() == before_files)
    )


BIG = b"\xff\xd8" + b"\x00" * (60 * 1024 * 1024)


@pytest.mark.parametrize(
    ("changes", "status", "code"),
    [
        ({"photos": [b"this is not an image"]}, 400, "reports.not_an_image"),
        ({"photos": [images.jpeg(400, 300)[:2000]]}, 400, "reports.not_an_image"),
        ({"photos": [images.png_header_only()]}, 400, "reports.photo_too_many_pixels"),
        ({"photos": [b"\xff\xd8" + b"\x00" * (13 * 1024 * 1024)]}, 413, "reports.photo_too_large"),
        ({"photos": []}, 400, None),
        ({"photos": [images.jpeg(320, 240)] * 4}, 400, "reports.too_many_photos"),
        ({"at": (95.0, 106.6)}, 400, "geo.coordinates_out_of_range"),
        ({"at": (26.5, 107.5)}, 400, "reports.outside_area"),
        ({"category": "ufo_sighting"}, 400, "reports.unknown_category"),
        ({"text": "长" * 10_000}, 400, "reports.text_too_long"),
        ({"key": None}, 400, "reports.idempotency_key_required"),
        ({"lat_raw": "north"}, 400, "invalid_input"),
    ],
)
def test_bad_reports_are_refused_with_a_stable_code_and_nothing_stored(
    county, changes, status, code
):
    before = stored_files()
    changes = dict(changes)
    client = partner_client(county)
    if "lat_raw" in changes:
        response = client.post(
            "/api/reports",
            {"category": "overflowing_bins", "lat": changes["lat_raw"], "lon": "106.6",
             "photos": [io.BytesIO(images.jpeg(320, 240))]},
            headers={"Idempotency-Key": "x"},
        )  # fmt: skip
    else:
        response = post(client, **changes)
    assert response.status_code == status, response.content
    assert response.json()["code"] == (code or response.json()["code"])
    assert nothing_stored(before)


def test_a_sixty_megabyte_upload_is_refused_before_it_is_read(county):
    response = Client().generic(
        "POST", "/api/reports", data=b"x" * 10, content_type="multipart/form-data; boundary=x",
        headers={"Idempotency-Key": "big"}, CONTENT_LENGTH=str(60 * 1024 * 1024),
    )  # fmt: skip
    assert response.status_code == 413 and response.json()["code"] == "reports.upload_too_large"


def test_a_suspended_partner_cannot_report(county):
    people_actions.change_partner_status(
        county.partner.pk, "suspend", actor=county.reviewer, reason="false_reports"
    )
    county.partner_user.refresh_from_db()  # the suspension ended their logins: a new one
    response = post(partner_client(county))
    assert response.status_code == 403 and response.json()["code"] == "reports.partner_inactive"
    assert Report.objects.count() == 0


def test_staff_cannot_report_as_partners(county):
    client = Client()
    client.force_login(county.operator)
    response = post(client, key=str(uuid.uuid4()))
    assert response.status_code == 403 and response.json()["code"] == "reports.not_a_partner"


def test_my_reports_list_only_mine_with_their_case_status(county):
    post(partner_client(county))
    mine = partner_client(county).get("/api/reports/mine").json()
    assert len(mine) == 1 and mine[0]["case_status"] == "reported"
    other = Client()
    other.force_login(county.station_user)
    assert other.get("/api/reports/mine").json() == []


def test_photos_are_served_to_the_reporter_and_the_case_staff_only(county):
    body = post(partner_client(county)).json()
    photo = Photo.objects.get(report_id=body["report_id"])
    url = f"/api/photos/{photo.pk}"
    assert partner_client(county).get(url).status_code == 200
    operator = Client()
    operator.force_login(county.operator)
    assert operator.get(url + "?thumbnail=true").status_code == 200
    far = Client()
    far.force_login(county.far_reviewer)
    assert far.get(url).status_code == 404
    assert Client().get(url).status_code == 401
