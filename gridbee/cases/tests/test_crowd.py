"""Crowd verification (众包核查): a handled case offered to partners near it, the first photo
within the radius counting once per handling, and the operator's verification confirming it."""

import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from gridbee.cases import crowd
from gridbee.cases.choices import CaseStatus as S
from gridbee.cases.models import CaseEvent, CrowdCheck, EventPhoto, Message
from gridbee.cases.tests.test_workflow import bring, step
from gridbee.core.errors import DomainError
from gridbee.geo import crs
from gridbee.geo.tests import layers
from gridbee.people import actions
from gridbee.people.tests import county as county_module
from gridbee.reports.actions import Sender, submit_report
from gridbee.reports.tests import images

PHOTO = images.jpeg(640, 480)
# The fixture's cases sit here (grid 凤山第1网格); 0.0001° of latitude is about 11 m.
LAT, LON = layers.Y0 + 0.005, layers.X0 + 0.005


def enrol(county, application):
    """Enrol a waiting application the whole way: another partner of the county."""
    application.refresh_from_db()
    if application.status == "submitted":
        actions.act_on_application(application.pk, "recommend", actor=county.station_user)
    actions.act_on_application(application.pk, "approve", actor=county.reviewer)
    application.refresh_from_db()
    return application.partner


@pytest.fixture
def checker(county):
    """A partner bound to the cases' grid who reported none of them."""
    return enrol(county, county.submitted)


def check(case, partner, *, lat=LAT + 0.0001, lon=LON, **extra):
    return crowd.submit_check(case.pk, actor=partner.user, lat=lat, lon=lon, photo=PHOTO, **extra)


def offered(partner) -> list[int]:
    return [c.pk for c in crowd.offers_for(partner.user)]


def test_a_handled_case_is_offered_near_it_but_not_to_its_reporter(county, checker):
    case = bring(county, S.SIGNED)
    assert offered(checker) == []  # not handled yet
    step(county, case, "handle")
    assert offered(checker) == [case.pk]
    assert offered(county.partner) == []  # its reporter: a second pair of eyes is needed
    assert list(crowd.offers_for(county.operator)) == []


def test_working_near_means_a_bound_grid_or_a_recent_report_nearby(county, checker):
    case = bring(county, S.HANDLED)
    actions.bind_grids(checker, [county_module.GRID_2], actor=checker.user)
    assert offered(checker) == []
    submit_report(
        Sender.of_partner(checker),
        idempotency_key="near",
        category_code="broken_streetlight",
        lat=LAT + 0.006,
        lon=LON,
        photos=[images.jpeg(320, 240)],
    )  # fmt: skip  (about 670 m north, in grid 002)
    assert offered(checker) == [case.pk]


def test_the_first_photo_within_the_radius_counts_once(county, checker):
    case = bring(county, S.HANDLED)
    done = check(case, checker, accuracy_m=8)
    assert 5 < done.distance_m < 20 and done.handling.kind == "handle"
    event = CaseEvent.objects.get(case=case, kind="crowd_check")
    assert event.actor == checker.user and done.photo.event == event
    assert event.photos.count() == 1
    assert Message.objects.filter(recipient=county.operator, kind="crowd_check").count() == 1
    assert offered(checker) == []
    second = enrol(county, county.recommended)
    before = (CrowdCheck.objects.count(), CaseEvent.objects.count(), EventPhoto.objects.count())
    for partner in (second, checker):
        with pytest.raises(DomainError) as caught:
            check(case, partner)
        assert (caught.value.code, caught.value.status) == ("cases.already_checked", 409)
    after = (CrowdCheck.objects.count(), CaseEvent.objects.count(), EventPhoto.objects.count())
    assert after == before
    case.refresh_from_db()
    assert case.status == S.HANDLED and case.version == 4  # a check is no transition


def test_a_photo_outside_the_radius_is_refused_with_its_distance(county, checker):
    case = bring(county, S.HANDLED)
    with pytest.raises(DomainError) as caught:
        check(case, checker, lat=LAT + 0.001)  # about 111 m; the radius is 50 m
    error = caught.value
    assert (error.code, error.status) == ("cases.too_far_to_check", 400)
    assert error.details["radius_m"] == 50 and 105 < error.details["distance_m"] < 118
    assert "111" in str(error.message) and "50" in str(error.message)
    assert not CrowdCheck.objects.exists()
    assert not CaseEvent.objects.filter(kind="crowd_check").exists()


def test_coordinates_from_chinese_maps_are_converted(county, checker):
    case = bring(county, S.HANDLED)
    lon, lat = crs.wgs84_to_gcj02(LON, LAT)  # a few hundred metres off as raw numbers
    done = check(case, checker, lat=lat, lon=lon, crs="gcj02")
    assert done.distance_m < 1


@pytest.mark.parametrize("status", [S.SIGNED, S.CLOSED, S.ACCEPTED])
def test_only_a_handled_case_waits_for_a_check(county, checker, status):
    case = bring(county, status)
    with pytest.raises(DomainError) as caught:
        check(case, checker)
    assert (caught.value.code, caught.value.status) == ("cases.not_waiting_for_check", 409)


def test_who_may_not_check(county, checker):
    case = bring(county, S.HANDLED)
    for user, status in ((county.partner_user, 404), (county.operator, 403)):
        with pytest.raises(DomainError) as caught:
            crowd.submit_check(case.pk, actor=user, lat=LAT, lon=LON, photo=PHOTO)
        assert caught.value.status == status
    actions.change_partner_status(checker.pk, "suspend", actor=county.reviewer, reason="inactivity")
    checker.refresh_from_db()
    with pytest.raises(DomainError, match="partner_inactive"):
        check(case, checker)
    with pytest.raises(DomainError, match="not_an_image"):
        crowd.submit_check(
            case.pk, actor=county.partner_user, lat=LAT, lon=LON, photo=b"not a photo"
        )
    assert not CrowdCheck.objects.exists()


def test_verification_confirms_the_check_and_a_rework_opens_a_new_one(county, checker):
    case = bring(county, S.HANDLED)
    first = check(case, checker)
    step(county, case, "verify_fail")
    first.refresh_from_db()
    assert (first.outcome, first.decided_by) == ("failed", county.operator)
    assert Message.objects.filter(recipient=checker.user, kind="crowd_check").count() == 1
    step(county, case, "handle")  # handled again: a new handling waits for its own check
    assert offered(checker) == [case.pk]
    second = check(case, checker)
    step(county, case, "verify_pass")
    second.refresh_from_db()
    assert second.outcome == "passed" and second.handling != first.handling
    case.refresh_from_db()
    assert case.status == S.CLOSED


def test_verification_without_a_check_still_works(county):
    case = bring(county, S.CLOSED)
    assert not CrowdCheck.objects.filter(case=case).exists()


def test_the_api(client, county, checker):
    case = bring(county, S.HANDLED)
    client.force_login(checker.user)
    offers = client.get("/api/crowd-checks/offers").json()
    assert [(o["case_id"], o["radius_m"]) for o in offers] == [(case.pk, 50)]
    url = f"/api/cases/{case.pk}/crowd-check"
    far = client.post(url, {"lat": LAT + 0.001, "lon": LON, "photo": _upload()})
    assert far.status_code == 400
    body = far.json()
    assert body["code"] == "cases.too_far_to_check" and body["details"]["radius_m"] == 50
    done = client.post(url, {"lat": LAT, "lon": LON, "accuracy": 5, "photo": _upload()})
    assert done.status_code == 201 and done.json()["case_id"] == case.pk
    again = client.post(url, {"lat": LAT, "lon": LON, "photo": _upload()})
    assert again.status_code == 409 and again.json()["code"] == "cases.already_checked"
    client.force_login(county.operator)
    timeline = client.get(f"/api/cases/{case.pk}/timeline").json()
    assert timeline[-1]["kind"] == "crowd_check" and len(timeline[-1]["photo_ids"]) == 1


def _upload():
    return SimpleUploadedFile("check.jpg", PHOTO, content_type="image/jpeg")


def test_the_partner_page(client, county, checker):
    case = bring(county, S.HANDLED)
    client.force_login(checker.user)
    page = client.get("/checks/")
    assert page.status_code == 200
    assert [c.pk for c in page.context["offers"]] == [case.pk]
    assert f'action="/checks/{case.pk}/"'.encode() in page.content
    no_place = client.post(f"/checks/{case.pk}/", {"photo": _upload()})
    assert no_place.status_code == 400
    assert no_place.context["error"].code == "cases.location_required"
    far = client.post(f"/checks/{case.pk}/", {"lat": LAT + 0.001, "lon": LON, "photo": _upload()})
    assert far.status_code == 400 and "111" in far.content.decode()
    done = client.post(f"/checks/{case.pk}/", {"lat": LAT, "lon": LON, "photo": _upload()})
    assert done.status_code == 302 and CrowdCheck.objects.filter(case=case).count() == 1
    assert client.get("/checks/").context["offers"] == []
    again = client.post(f"/checks/{case.pk}/", {"lat": LAT, "lon": LON, "photo": _upload()})
    assert (
        again.status_code == 409
        and 'data-error-code="cases.already_checked"' in again.content.decode()
    )
    for user in (county.operator, county.station_user):
        client.force_login(user)
        assert client.get("/checks/").status_code == 403
        assert client.post(f"/checks/{case.pk}/", {"lat": LAT, "lon": LON}).status_code == 403


def test_the_case_page_shows_the_photo_next_to_the_verify_buttons(client, county, checker):
    case = bring(county, S.HANDLED)
    done = check(case, checker)
    client.force_login(county.operator)
    page = client.get(f"/console/cases/{case.pk}/")
    html = page.content.decode()
    evidence = html.index(f'class="crowd-evidence" data-crowd-check="{done.pk}"')
    assert evidence < html.index('data-action="verify_pass"')
    assert f"/console/photos/{done.photo.pk}/" in html
    assert client.get(f"/console/photos/{done.photo.pk}/").status_code == 200
    step(county, case, "verify_pass")
    page = client.get(f"/console/cases/{case.pk}/")
    assert 'class="crowd-evidence"' not in page.content.decode()
    assert [c.outcome for c in page.context["crowd_checks"]] == ["passed"]
    # The reporter sees that someone checked, not who.
    client.force_login(county.partner_user)
    mine = client.get(f"/report/case/{case.pk}/")
    item = next(t for t in mine.context["timeline"] if t["kind"] == "crowd_check")
    assert item["actor"] == "" and item["note"] == ""


@pytest.mark.django_db(transaction=True)
def test_two_photos_at_once_one_counts(county):
    case = bring(county, S.HANDLED)
    partners = [enrol(county, county.submitted), enrol(county, county.recommended)]
    results, barrier = [], threading.Barrier(2)

    def send(partner):
        barrier.wait()
        try:
            check(case, partner)
            results.append("ok")
        except DomainError as exc:
            results.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(p,)) for p in partners]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["cases.already_checked", "ok"]
    assert CrowdCheck.objects.filter(case=case).count() == 1


def test_the_operators_are_told_after_the_check_commits_exactly_once(county, checker, monkeypatch):
    import datetime

    from django.utils import timezone

    from gridbee.cases import effects

    case = bring(county, S.HANDLED)

    def fail(*args, **kwargs):
        raise RuntimeError("the messages could not be written")

    monkeypatch.setattr(Message.objects, "bulk_create", fail)
    done = check(case, checker)  # the check stands though telling failed
    event = CaseEvent.objects.get(case=case, kind="crowd_check")
    assert done.event == event and event.effects_pending
    assert not Message.objects.filter(kind="crowd_check").exists()
    monkeypatch.undo()
    later = timezone.now() + datetime.timedelta(minutes=1)
    assert effects.sweep(later) == 1 and effects.sweep(later) == 0
    assert Message.objects.filter(recipient=county.operator, kind="crowd_check").count() == 1
