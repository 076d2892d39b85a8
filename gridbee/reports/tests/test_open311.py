"""Open311 GeoReport v2 at /open311/v2/: every endpoint in both formats (XML parsed with
xml.etree, JSON shapes), filters, the spec's errors, idempotent intake through the same
pipeline as the app, no personal data in public output, and key issuing (command and admin)."""

import datetime
import hashlib
import io
import json
import re
import socket
from xml.etree import ElementTree as ET

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections
from django.test import Client
from django.utils import timezone

from gridbee import cli
from gridbee.cases.models import Case, Category, Open311Client, Photo, Report
from gridbee.geo.tests import layers
from gridbee.reports.actions import Sender, submit_report
from gridbee.reports.open311 import keys
from gridbee.reports.open311 import queries as open311_queries

from . import images

BASE = "/open311/v2"
FORMATS = ["json", "xml"]
IN_GRID_1 = (layers.Y0 + 0.005, layers.X0 + 0.005)  # 26.105, 106.605
NEARBY = (layers.Y0 + 0.0052, layers.X0 + 0.0052)  # ~30 m away: the same problem
# A partner's exact position: more decimals than the ~100 m that public output may show.
PARTNER_AT = (26.105437, 106.606789)
PHONE_IN_TEXT = "13912345678"

SERVICE_FIELDS = {
    "service_code", "service_name", "description", "metadata", "type", "keywords", "group",
}  # fmt: skip
REQUEST_FIELDS = {
    "service_request_id", "status", "status_notes", "service_name", "service_code",
    "description", "agency_responsible", "requested_datetime", "updated_datetime", "lat", "long",
}  # fmt: skip
# Every field GeoReport v2 defines for a service request: nothing else may appear.
SPEC_REQUEST_FIELDS = REQUEST_FIELDS | {
    "service_notice", "expected_datetime", "address", "address_id", "zipcode", "media_url",
}  # fmt: skip


@pytest.fixture
def api_key(county) -> str:
    raw, _client = keys.issue_client("12345热线")
    return raw


@pytest.fixture
def other_key(county) -> str:
    raw, _client = keys.issue_client("城市运行平台")
    return raw


@pytest.fixture
def no_network(monkeypatch):
    """Nothing in Open311 may open a connection (media_url is never fetched)."""

    def refuse(*args, **kwargs):
        raise AssertionError("Open311 tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def url(path: str, fmt: str) -> str:
    return f"{BASE}/{path}.{fmt}"


def get(path: str, fmt: str, **params):
    return Client().get(url(path, fmt), params)


def post(fmt: str, api_key: str | None, *, at=IN_GRID_1, headers=None, **fields):
    data = {"service_code": "overflowing_bins", "lat": at[0], "long": at[1], **fields}
    if api_key is not None:
        data["api_key"] = api_key
    return Client().post(url("requests", fmt), data, headers=headers or {})


def xml(response) -> ET.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(response.content)


def records(response, fmt: str, root: str, member: str) -> list[dict]:
    """A list answer as dicts of field → value (XML: text, None for an empty element)."""
    if fmt == "json":
        assert response["Content-Type"] == "application/json; charset=utf-8"
        body = response.json()
        assert isinstance(body, list)
        return body
    document = xml(response)
    assert document.tag == root
    assert all(child.tag == member for child in document)
    return [{field.tag: field.text for field in child} for child in document]


def assert_error(response, fmt: str, status: int) -> str:
    """The spec's error answer; returns its description."""
    assert response.status_code == status, response.content
    errors = records(response, fmt, "errors", "error")
    assert len(errors) == 1 and set(errors[0]) == {"code", "description"}
    code = errors[0]["code"]
    assert code == (status if fmt == "json" else str(status))
    assert errors[0]["description"]
    return errors[0]["description"]


def partner_report(county, *, key="p-1", at=PARTNER_AT, category="overflowing_bins") -> dict:
    answer, _created = submit_report(
        Sender.of_partner(county.partner),
        idempotency_key=key,
        category_code=category,
        lat=at[0],
        lon=at[1],
        text=f"垃圾满了，联系我 {PHONE_IN_TEXT}",
        photos=[images.jpeg(800, 600)],
    )
    return answer


# Discovery, services, service definitions


@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery_lists_the_v2_endpoint_and_both_formats(county, fmt):
    response = get("discovery", fmt)
    assert response.status_code == 200
    if fmt == "json":
        body = response.json()
        assert set(body) == {"changeset", "contact", "key_service", "endpoints"}
        endpoint = body["endpoints"][0]
        formats = endpoint["formats"]
    else:
        document = xml(response)
        assert document.tag == "discovery"
        assert [c.tag for c in document] == ["changeset", "contact", "key_service", "endpoints"]
        endpoint_element = document.find("endpoints/endpoint")
        endpoint = {c.tag: c.text for c in endpoint_element}
        formats = [f.text for f in endpoint_element.findall("formats/format")]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2/"
    assert endpoint["type"] == "production"
    assert datetime.datetime.fromisoformat(endpoint["changeset"]).tzinfo is not None
    assert sorted(formats) == ["application/json", "text/xml"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_services_are_the_active_categories(county, fmt):
    Category.objects.filter(code="illegal_ads").update(active=False)
    services = records(get("services", fmt), fmt, "services", "service")
    codes = [s["service_code"] for s in services]
    assert "overflowing_bins" in codes and "illegal_ads" not in codes
    assert len(codes) == Category.objects.filter(active=True, is_public=True).count()
    assert all(set(s) == SERVICE_FIELDS for s in services)
    bins = next(s for s in services if s["service_code"] == "overflowing_bins")
    assert bins["service_name"] == "垃圾桶满溢" and bins["group"] == "市容环境"
    assert bins["type"] == "realtime" and "市容环境" in bins["keywords"]
    assert bins["metadata"] == (False if fmt == "json" else "false")


def test_a_request_without_extension_is_answered_in_json(county):
    response = Client().get(f"{BASE}/services")
    assert response.status_code == 200 and isinstance(response.json(), list)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_service_definition_has_no_extra_attributes(county, fmt):
    response = get("services/overflowing_bins", fmt)
    assert response.status_code == 200
    if fmt == "json":
        assert response.json() == {"service_code": "overflowing_bins", "attributes": []}
    else:
        document = xml(response)
        assert document.tag == "service_definition"
        assert [c.tag for c in document] == ["service_code", "attributes"]
        assert document.findtext("service_code") == "overflowing_bins"
        assert list(document.find("attributes")) == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_unknown_or_inactive_service_definition_is_404(county, fmt):
    assert_error(get("services/no_such_service", fmt), fmt, 404)
    Category.objects.filter(code="illegal_ads").update(active=False)
    assert_error(get("services/illegal_ads", fmt), fmt, 404)


# POST requests


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_files_a_report_through_the_intake_and_answers_with_id_and_token(
    county, api_key, fmt, no_network
):
    response = post(
        fmt,
        api_key,
        description="桶满了",
        address_string="凤山路 1 号",
        media_url="http://10.0.0.1/internal/secret.jpg",
        email="citizen@example.com",
        first_name="小红",
        last_name="李",
        phone="13812345678",
        device_id="device-42",
        account_id="acct-7",
    )
    assert response.status_code == 200, response.content
    [answer] = records(response, fmt, "service_requests", "request")
    assert list(answer) == ["service_request_id", "token", "service_notice", "account_id"]
    assert answer["account_id"] is None and answer["service_notice"]
    report = Report.objects.get(pk=int(answer["service_request_id"]))
    assert report.source == "open311" and report.client.name == "12345热线"
    assert report.partner is None and report.text == "桶满了"
    assert report.declared_crs == "wgs84" and not report.photos.exists()
    assert report.case.first_report == report and report.is_first
    stored = json.dumps(
        [Report.objects.filter(pk=report.pk).values().get(), report.answer], default=str
    )
    for personal in ("citizen@example.com", "小红", "13812345678", "device-42", "acct-7"):
        assert personal not in stored
    assert "10.0.0.1" not in stored and "凤山路" not in stored
    token = get(f"tokens/{answer['token']}", fmt)
    [resolved] = records(token, fmt, "service_requests", "request")
    assert resolved == {"service_request_id": str(report.pk), "token": answer["token"]}


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_forged_or_unknown_token_is_404(county, api_key, fmt):
    [answer] = records(post(fmt, api_key), fmt, "service_requests", "request")
    report_id, mac = answer["token"].split("-")
    assert_error(get(f"tokens/{int(report_id) + 1}-{mac}", fmt), fmt, 404)
    assert_error(get(f"tokens/{report_id}-{'0' * len(mac)}", fmt), fmt, 404)
    assert_error(get("tokens/garbage", fmt), fmt, 404)


def test_an_identical_retried_post_creates_one_report(county, api_key):
    first = post("json", api_key, description="桶满了", email="a@example.com")
    again = post("json", api_key, description="桶满了", email="a@example.com")
    as_xml = post("xml", api_key, description="桶满了", email="a@example.com")
    assert first.status_code == again.status_code == as_xml.status_code == 200
    assert again.json() == first.json()
    [answer] = records(as_xml, "xml", "service_requests", "request")
    assert answer["service_request_id"] == first.json()[0]["service_request_id"]
    assert Report.objects.count() == 1 and Case.objects.count() == 1
    post("json", api_key, description="另一个桶满了")
    assert Report.objects.count() == 2


def test_the_idempotency_key_header_wins_over_the_content(county, api_key):
    headers = {"Idempotency-Key": "hotline-ticket-991"}
    first = post("json", api_key, headers=headers, description="第一次")
    again = post("json", api_key, headers=headers, description="第一次")
    assert again.json() == first.json() and Report.objects.count() == 1
    # The key is the request's identity: the same key with other content is refused.
    other = post("json", api_key, headers=headers, description="重发时内容略有不同")
    assert "Idempotency-Key" in assert_error(other, "json", 422)
    assert Report.objects.count() == 1


def test_the_same_content_from_another_client_is_another_report(county, api_key, other_key):
    first = post("json", api_key, description="桶满了").json()[0]
    second = post("json", other_key, description="桶满了").json()[0]
    assert first["service_request_id"] != second["service_request_id"]
    assert Report.objects.count() == 2 and Case.objects.count() == 1


def test_a_post_near_an_open_case_joins_it_as_a_non_first_report(county, api_key):
    first = partner_report(county, at=IN_GRID_1)
    response = post("json", api_key, at=NEARBY, description="这里垃圾桶满了")
    [answer] = response.json()
    report = Report.objects.get(pk=int(answer["service_request_id"]))
    assert report.case_id == first["case"]["id"] and report.is_first is False
    assert Case.objects.get(pk=first["case"]["id"]).report_count == 2
    other = post("json", api_key, at=NEARBY, service_code="illegal_ads").json()[0]
    assert Report.objects.get(pk=int(other["service_request_id"])).case_id != report.case_id


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_refuses_a_bad_or_missing_api_key_with_403(county, api_key, fmt):
    assert_error(post(fmt, None), fmt, 403)
    assert_error(post(fmt, "not-a-key"), fmt, 403)
    Open311Client.objects.update(active=False)
    assert_error(post(fmt, api_key), fmt, 403)
    assert Report.objects.count() == 0


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_refuses_bad_input_with_400(county, api_key, fmt):
    assert_error(post(fmt, api_key, service_code="no_such_service"), fmt, 400)
    assert_error(post(fmt, api_key, service_code=""), fmt, 400)
    no_place = {"service_code": "overflowing_bins", "api_key": api_key, "address_string": "凤山路"}
    assert_error(Client().post(url("requests", fmt), no_place), fmt, 400)
    assert_error(post(fmt, api_key, at=(IN_GRID_1[0], "")), fmt, 400)
    assert_error(post(fmt, api_key, at=("north", IN_GRID_1[1])), fmt, 400)
    assert_error(post(fmt, api_key, at=("nan", IN_GRID_1[1])), fmt, 400)
    assert_error(post(fmt, api_key, at=(95, IN_GRID_1[1])), fmt, 400)
    assert_error(post(fmt, api_key, at=(39.9, 116.4)), fmt, 400)  # outside the area
    assert_error(post(fmt, api_key, description="长" * 501), fmt, 400)
    assert Report.objects.count() == 0


def test_post_needs_no_csrf_token(county, api_key):
    client = Client(enforce_csrf_checks=True)
    data = {"api_key": api_key, "service_code": "overflowing_bins", "lat": 26.105, "long": 106.605}
    assert client.post(url("requests", "json"), data).status_code == 200


def test_other_methods_are_refused_in_the_spec_format(county):
    response = Client().delete(url("requests", "xml"))
    assert_error(response, "xml", 405)
    assert response["Allow"] == "GET, POST"
    assert_error(Client().post(url("services", "json")), "json", 405)


# GET requests


@pytest.mark.parametrize("fmt", FORMATS)
def test_requests_show_each_report_as_a_service_request(county, api_key, fmt):
    [created] = post("json", api_key, description="桶满了").json()
    found = records(get("requests", fmt), fmt, "service_requests", "request")
    assert [r["service_request_id"] for r in found] == [created["service_request_id"]]
    [request] = found
    assert set(request) == REQUEST_FIELDS and set(request) <= SPEC_REQUEST_FIELDS
    report = Report.objects.get(pk=int(created["service_request_id"]))
    assert request["status"] == "open" and request["status_notes"]
    assert request["service_code"] == "overflowing_bins"
    assert request["service_name"] == "垃圾桶满溢"
    assert request["agency_responsible"] == "cgj"
    requested = datetime.datetime.fromisoformat(request["requested_datetime"])
    assert requested == report.received_at.replace(microsecond=0) and requested.utcoffset()
    assert datetime.datetime.fromisoformat(request["updated_datetime"]) >= requested
    assert float(request["lat"]) == IN_GRID_1[0] and float(request["long"]) == IN_GRID_1[1]
    if fmt == "json":
        assert isinstance(request["lat"], float) and request["description"] is None
    single = records(get(f"requests/{report.pk}", fmt), fmt, "service_requests", "request")
    assert single == found


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_closed_case_makes_its_requests_closed(county, api_key, fmt):
    [created] = post("json", api_key).json()
    report = Report.objects.get(pk=int(created["service_request_id"]))
    closed_at = timezone.now().replace(microsecond=0) + datetime.timedelta(hours=1)
    Case.objects.filter(pk=report.case_id).update(status="closed", closed_at=closed_at)
    [request] = records(get(f"requests/{report.pk}", fmt), fmt, "service_requests", "request")
    assert request["status"] == "closed"
    assert datetime.datetime.fromisoformat(request["updated_datetime"]) == closed_at


def _three_reports(county, api_key) -> list[Report]:
    """An old bins report (120 days), a bins report (30 days), an ads report (now, closed)."""
    ids = [
        int(post("json", api_key, at=at, service_code=code).json()[0]["service_request_id"])
        for at, code in (
            (IN_GRID_1, "overflowing_bins"),
            ((26.115, 106.605), "overflowing_bins"),
            (NEARBY, "illegal_ads"),
        )
    ]
    now = timezone.now()
    Report.objects.filter(pk=ids[0]).update(received_at=now - datetime.timedelta(days=120))
    Report.objects.filter(pk=ids[1]).update(received_at=now - datetime.timedelta(days=30))
    Case.objects.filter(reports__pk=ids[2]).update(status="closed", closed_at=now)
    return [Report.objects.get(pk=pk) for pk in ids]


def _ids(fmt, **params) -> list[int]:
    response = get("requests", fmt, **params)
    assert response.status_code == 200, response.content
    found = records(response, fmt, "service_requests", "request")
    return [int(r["service_request_id"]) for r in found]


@pytest.mark.parametrize("fmt", FORMATS)
def test_requests_filters(county, api_key, fmt):
    old, month, ads = _three_reports(county, api_key)
    assert _ids(fmt) == [ads.pk, month.pk]  # the last 90 days, newest first
    assert _ids(fmt, service_code="overflowing_bins") == [month.pk]
    assert _ids(fmt, service_code="overflowing_bins,illegal_ads") == [ads.pk, month.pk]
    assert _ids(fmt, service_code="no_such_service") == []
    assert _ids(fmt, status="open") == [month.pk]
    assert _ids(fmt, status="closed") == [ads.pk]
    assert _ids(fmt, status="open,closed") == [ads.pk, month.pk]
    # service_request_id overrides every other argument, but not the date window.
    listed = f"{old.pk}, {ads.pk},999999"
    assert _ids(fmt, service_request_id=listed, status="open") == [ads.pk]
    local = timezone.localtime(old.received_at)
    around_old = {
        "start_date": (local - datetime.timedelta(days=1)).isoformat(),
        "end_date": (local + datetime.timedelta(days=1)).astimezone(datetime.UTC).isoformat(),
    }
    assert _ids(fmt, **around_old) == [old.pk]
    since = (timezone.now() - datetime.timedelta(days=40)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert _ids(fmt, start_date=since) == [ads.pk, month.pk]
    until = (timezone.now() - datetime.timedelta(days=10)).strftime("%Y-%m-%d")
    assert _ids(fmt, end_date=until) == [month.pk]


def test_an_unencoded_plus_in_a_date_still_means_an_offset(county, api_key):
    old, _month, _ads = _three_reports(county, api_key)
    start = timezone.localtime(old.received_at - datetime.timedelta(days=1))
    end = start + datetime.timedelta(days=2)
    raw = [moment.isoformat(timespec="seconds") for moment in (start, end)]
    assert all(r.endswith("+08:00") for r in raw)
    # Sent as is, "+08:00" arrives as " 08:00" (a "+" in a query string is a space).
    response = Client().get(f"{url('requests', 'json')}?start_date={raw[0]}&end_date={raw[1]}")
    assert response.status_code == 200, response.content
    assert [int(r["service_request_id"]) for r in response.json()] == [old.pk]


def test_requests_stop_at_the_limit(county, api_key, monkeypatch):
    monkeypatch.setattr(open311_queries, "MAX_RESULTS", 2)
    for n in range(3):
        post("json", api_key, description=f"第{n}个")
    assert len(get("requests", "json").json()) == 2


@pytest.mark.parametrize("fmt", FORMATS)
def test_requests_refuse_bad_filters_with_400(county, fmt):
    assert_error(get("requests", fmt, start_date="yesterday"), fmt, 400)
    assert_error(get("requests", fmt, end_date="2026-13-45"), fmt, 400)
    assert_error(get("requests", fmt, start_date="0001-01-01"), fmt, 400)
    span = {"start_date": "2026-01-01T00:00:00+08:00", "end_date": "2026-06-01T00:00:00+08:00"}
    assert_error(get("requests", fmt, **span), fmt, 400)  # more than 90 days
    backwards = {"start_date": "2026-02-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"}
    assert_error(get("requests", fmt, **backwards), fmt, 400)
    assert_error(get("requests", fmt, status="pending"), fmt, 400)
    assert_error(get("requests", fmt, service_request_id="1,abc"), fmt, 400)


@pytest.mark.parametrize("fmt", FORMATS)
def test_unknown_request_ids_are_404(county, fmt):
    assert_error(get("requests/999999", fmt), fmt, 404)
    assert_error(get("requests/abc", fmt), fmt, 404)
    assert_error(get("requests/" + "9" * 30, fmt), fmt, 404)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_wrong_api_key_on_get_is_403_not_ignored(county, fmt):
    assert_error(get("requests", fmt, api_key="not-a-key"), fmt, 403)
    assert_error(get("requests/1", fmt, api_key="not-a-key"), fmt, 403)


# Privacy


@pytest.mark.parametrize("fmt", FORMATS)
def test_public_output_carries_no_personal_data(county, api_key, other_key, fmt):
    answer = partner_report(county)
    mine = post("json", api_key, description="客户端自己的描述 <&>").json()[0]
    partner_user = county.partner_user
    for params in ({}, {"api_key": other_key}, {"api_key": api_key}):
        for path in ("requests", f"requests/{answer['report_id']}"):
            response = get(path, fmt, **params)
            assert response.status_code == 200
            body = response.content.decode()
            for personal in (
                PHONE_IN_TEXT,
                "垃圾满了",
                county.partner.name,
                partner_user.mobile,
                str(PARTNER_AT[0]),
                str(PARTNER_AT[1]),
                "media_url",
                "photo",
                ".jpg",
            ):
                assert personal not in body, (path, params, personal)
    found = records(get("requests", fmt, api_key=other_key), fmt, "service_requests", "request")
    by_id = {r["service_request_id"]: r for r in found}
    partner_request = by_id[str(answer["report_id"])]
    assert float(partner_request["lat"]) == 26.105 and float(partner_request["long"]) == 106.607
    assert by_id[mine["service_request_id"]]["description"] is None
    # The client that sent a request sees its own description, and only its own.
    own = records(get("requests", fmt, api_key=api_key), fmt, "service_requests", "request")
    own_by_id = {r["service_request_id"]: r for r in own}
    assert own_by_id[mine["service_request_id"]]["description"] == "客户端自己的描述 <&>"
    assert own_by_id[str(answer["report_id"])]["description"] is None


# Keys: the command and the admin


def test_the_command_prints_only_a_key_that_works(county):
    out, err = io.StringIO(), io.StringIO()
    call_command("open311_key", name="市长热线", stdout=out, stderr=err)
    key = out.getvalue().strip()
    assert re.fullmatch(r"[A-Za-z0-9_-]{40,}", key) and err.getvalue() == ""
    client = Open311Client.objects.get(name="市长热线")
    assert client.key_digest == hashlib.sha256(key.encode()).hexdigest()
    assert key not in json.dumps(list(Open311Client.objects.values()), default=str)
    assert post("json", key).status_code == 200


def test_the_command_refuses_a_duplicate_name(county, capsys, monkeypatch):
    call_command("open311_key", name="市长热线", stdout=io.StringIO())
    # The message is in the install's language; it names the client either way.
    with pytest.raises(CommandError, match="市长热线"):
        call_command("open311_key", name="市长热线", stdout=io.StringIO())
    capsys.readouterr()
    # As `gridbee open311-key` runs it; a command closes its connections when it fails, which
    # here would be the test's own.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["open311-key", "--name", "市长热线"])
    assert exit_info.value.code not in (0, None)
    out, err = capsys.readouterr()
    assert out == "" and "市长热线" in err
    assert Open311Client.objects.filter(name="市长热线").count() == 1


def _key_in_messages(response) -> str:
    found = [re.search(r"[A-Za-z0-9_-]{40,}", m.message) for m in response.context["messages"]]
    [key] = [match.group() for match in found if match]
    return key


def test_the_admin_add_page_issues_a_key_shown_once(county):
    browser = Client()
    browser.force_login(county.admin)
    assert browser.get("/admin/reports/open311client/add/").status_code == 200
    response = browser.post(
        "/admin/reports/open311client/add/", {"name": "城管平台", "active": "on"}, follow=True
    )
    assert response.status_code == 200
    key = _key_in_messages(response)
    client = Open311Client.objects.get(name="城管平台")
    assert client.key_digest == keys.digest(key)
    assert post("json", key).status_code == 200
    # Shown once: the change page does not show it (nor its digest).
    page = browser.get(f"/admin/reports/open311client/{client.pk}/change/").content.decode()
    assert key not in page and client.key_digest not in page


def test_the_admin_can_issue_a_new_key_that_replaces_the_old(county, api_key):
    browser = Client()
    browser.force_login(county.admin)
    client = Open311Client.objects.get()
    response = browser.post(
        "/admin/reports/open311client/",
        {"action": "issue_new_key", "_selected_action": [client.pk]},
        follow=True,
    )
    key = _key_in_messages(response)
    assert post("json", api_key).status_code == 403
    assert post("json", key).status_code == 200


def test_the_admin_shows_categories_and_reports_read_only(county, api_key):
    answer = partner_report(county)
    browser = Client()
    browser.force_login(county.admin)
    assert browser.get("/admin/reports/category/").status_code == 200
    assert browser.get("/admin/reports/category/1/change/").status_code == 200
    listing = browser.get("/admin/reports/report/?source__exact=app")
    assert listing.status_code == 200 and str(answer["report_id"]) in listing.content.decode()
    assert browser.get("/admin/reports/report/?q=abc").status_code == 200
    detail = browser.get(f"/admin/reports/report/{answer['report_id']}/change/")
    assert detail.status_code == 200
    assert b'name="_save"' not in detail.content  # read only
    photo = Photo.objects.get(report_id=answer["report_id"])
    assert f'src="/api/photos/{photo.pk}?thumbnail=true"' in detail.content.decode()
    assert browser.get(f"/api/photos/{photo.pk}?thumbnail=true").status_code == 200
    assert browser.get("/admin/reports/report/add/").status_code == 403
