"""What Open311 never gives away: private categories (not as services, requests, ids, tokens,
nor accepted from other systems), a partner's whereabouts to the minute, requests outside the
date window (by id either), more than the rate limit allows, and the requests of a county that
turned its public feed off."""

import datetime
import random
import types

import pytest
from django.test import Client
from django.utils import timezone

from gridbee.cases.models import CaseEvent, Category, Report
from gridbee.geo.tests import layers
from gridbee.people.tests.county import OTHER_COUNTY
from gridbee.reports.actions import ensure_default_categories
from gridbee.reports.models import Open311Settings
from gridbee.reports.open311 import keys, limits

from .test_open311 import (
    FORMATS,
    IN_GRID_1,
    assert_error,
    get,
    partner_report,
    post,
    records,
    url,
)

PRIVATE = {"missing_person", "dispute", "traffic_accident"}


@pytest.fixture
def hotline(county) -> str:
    raw, _client = keys.issue_client("12345热线")
    return raw


@pytest.fixture
def platform(county) -> str:
    raw, _client = keys.issue_client("城市运行平台")
    return raw


def found_ids(fmt: str, **params) -> list[int]:
    response = get("requests", fmt, **params)
    assert response.status_code == 200, response.content
    found = records(response, fmt, "service_requests", "request")
    return [int(r["service_request_id"]) for r in found]


def created(fmt: str, key: str, **fields) -> dict:
    response = post("json", key, **fields)
    assert response.status_code == 200, response.content
    return response.json()[0]


# Private categories


def test_the_default_categories_about_people_are_private(county):
    private = set(Category.objects.filter(is_public=False).values_list("code", flat=True))
    assert private == PRIVATE  # marked by the migration on an existing install
    Category.objects.filter(code__in=PRIVATE).delete()
    ensure_default_categories()  # and by the default list on a new one
    assert set(Category.objects.filter(is_public=False).values_list("code", flat=True)) == PRIVATE


@pytest.mark.parametrize("fmt", FORMATS)
def test_private_categories_never_appear(county, hotline, fmt):
    services = records(get("services", fmt), fmt, "services", "service")
    codes = {s["service_code"] for s in services}
    assert "overflowing_bins" in codes and not codes & PRIVATE
    for code in PRIVATE:
        assert_error(get(f"services/{code}", fmt), fmt, 404)
    missing = partner_report(county, category="missing_person")["report_id"]
    bins = created(fmt, hotline, description="桶满了")
    assert_error(post(fmt, hotline, service_code="dispute"), fmt, 400)
    assert not Report.objects.filter(category__code="dispute").exists()
    assert found_ids(fmt) == [int(bins["service_request_id"])]
    assert found_ids(fmt, service_request_id=missing) == []
    assert_error(get(f"requests/{missing}", fmt), fmt, 404)
    # A category made private later takes its requests out of every lookup, for everyone.
    Category.objects.filter(code="overflowing_bins").update(is_public=False)
    assert found_ids(fmt) == [] and found_ids(fmt, api_key=hotline) == []
    assert found_ids(fmt, service_request_id=bins["service_request_id"], api_key=hotline) == []
    assert_error(get(f"requests/{bins['service_request_id']}", fmt, api_key=hotline), fmt, 404)
    assert_error(get(f"tokens/{bins['token']}", fmt), fmt, 404)


# A partner's whereabouts


@pytest.mark.parametrize("fmt", FORMATS)
def test_partner_reports_show_the_place_to_100_m_and_the_time_to_the_minute(county, hotline, fmt):
    partner = partner_report(county)
    client = created(fmt, hotline, at=(26.115, 106.605))
    at = timezone.now().replace(microsecond=123456, second=42) - datetime.timedelta(days=1)
    Report.objects.update(received_at=at)
    CaseEvent.objects.update(at=at + datetime.timedelta(seconds=5))
    by_id = {
        r["service_request_id"]: r
        for r in records(get("requests", fmt), fmt, "service_requests", "request")
    }
    mine, theirs = by_id[str(partner["report_id"])], by_id[client["service_request_id"]]
    local = timezone.localtime(at)
    assert mine["requested_datetime"] == local.replace(second=0, microsecond=0).isoformat()
    assert mine["updated_datetime"] == mine["requested_datetime"]
    assert all(len(str(mine[axis]).split(".")[1]) <= 3 for axis in ("lat", "long"))
    # A system's own report is not a person's position: it keeps its seconds.
    assert theirs["requested_datetime"] == local.replace(microsecond=0).isoformat()
    assert theirs["updated_datetime"].endswith(":47+08:00")


# The window


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_lookup_obeys_the_date_window(county, hotline, fmt):
    old = created(fmt, hotline, description="旧的")
    recent = created(fmt, hotline, at=(26.115, 106.605), description="新的")
    Report.objects.filter(pk=old["service_request_id"]).update(
        received_at=timezone.now() - datetime.timedelta(days=120)
    )
    both = f"{old['service_request_id']},{recent['service_request_id']}"
    assert found_ids(fmt, service_request_id=both) == [int(recent["service_request_id"])]
    assert found_ids(fmt, service_request_id=both, api_key=hotline) == [
        int(recent["service_request_id"])
    ]
    assert_error(get(f"requests/{old['service_request_id']}", fmt, api_key=hotline), fmt, 404)
    assert_error(get(f"tokens/{old['token']}", fmt, api_key=hotline), fmt, 404)
    assert get(f"requests/{recent['service_request_id']}", fmt).status_code == 200
    assert get(f"tokens/{recent['token']}", fmt).status_code == 200
    # Asking for the old dates reaches it, as a list by dates always could.
    local = timezone.localtime(timezone.now() - datetime.timedelta(days=121))
    end = local + datetime.timedelta(days=2)
    window = {"start_date": local.isoformat(), "end_date": end.isoformat()}
    assert found_ids(fmt, service_request_id=both, **window) == [int(old["service_request_id"])]


# The rate limit


def test_the_rate_limit_per_address_and_per_key(county, hotline, platform, settings, monkeypatch):
    settings.OPEN311_REQUESTS_PER_MINUTE = 3
    # A minute of its own (the cache may be a Redis that other test runs share), 15 s in.
    minute = random.randrange(10**7, 10**8)
    monkeypatch.setattr(limits, "time", types.SimpleNamespace(time=lambda: minute * 60 + 15.0))
    address, elsewhere = Client(REMOTE_ADDR="10.0.0.1"), Client(REMOTE_ADDR="10.0.0.2")

    assert [address.get(url("services", "json")).status_code for _ in range(3)] == [200] * 3
    refused = address.get(url("requests", "json"))
    assert_error(refused, "json", 429)
    assert refused["Retry-After"] == "45"
    assert_error(address.get(url("requests", "xml")), "xml", 429)
    assert_error(address.post(url("requests", "xml"), {"service_code": "x"}), "xml", 429)
    # A made-up key counts against the address; a client's key has its own count.
    assert_error(address.get(url("requests", "json"), {"api_key": "made-up"}), "json", 429)
    assert elsewhere.get(url("services", "json")).status_code == 200
    with_key = [
        address.get(url("requests", "json"), {"api_key": hotline}).status_code,
        address.post(
            url("requests", "json"),
            {"api_key": hotline, "service_code": "overflowing_bins", "lat": IN_GRID_1[0],
             "long": IN_GRID_1[1]},
        ).status_code,
        address.get(url("services", "json"), {"api_key": hotline}).status_code,
        address.get(url("services", "json"), {"api_key": hotline}).status_code,
    ]  # fmt: skip
    assert with_key == [200, 200, 200, 429]
    assert address.get(url("services", "json"), {"api_key": platform}).status_code == 200
    # The next minute starts a new count.
    monkeypatch.setattr(limits, "time", types.SimpleNamespace(time=lambda: minute * 60 + 75.0))
    assert address.get(url("services", "json")).status_code == 200


# A county's public feed


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_county_can_turn_its_public_feed_off(county, hotline, platform, fmt):
    partner = partner_report(county)["report_id"]
    ours = int(created(fmt, hotline, at=(26.115, 106.605))["service_request_id"])
    theirs = created(fmt, platform, at=(26.105, 106.625))
    everything = sorted([partner, ours, int(theirs["service_request_id"])])
    Open311Settings.objects.create(county_id=OTHER_COUNTY, public_feed=False)
    assert sorted(found_ids(fmt)) == everything  # another county's choice changes nothing here

    Open311Settings.objects.create(county_id=layers.COUNTY, public_feed=False)
    assert found_ids(fmt) == []
    assert found_ids(fmt, service_request_id=",".join(map(str, everything))) == []
    assert_error(get(f"requests/{partner}", fmt), fmt, 404)
    assert_error(get(f"requests/{ours}", fmt, api_key=platform), fmt, 404)
    # A system still follows the requests it sent itself, and can still report.
    assert found_ids(fmt, api_key=hotline) == [ours]
    assert get(f"requests/{ours}", fmt, api_key=hotline).status_code == 200
    assert get(f"tokens/{theirs['token']}", fmt, api_key=platform).status_code == 200
    assert_error(get(f"tokens/{theirs['token']}", fmt), fmt, 404)
    assert post(fmt, hotline, at=(26.115, 106.625)).status_code == 200

    Open311Settings.objects.filter(county_id=layers.COUNTY).update(public_feed=True)
    assert len(found_ids(fmt)) == 4


def test_the_admin_edits_a_countys_open311_settings(county):
    browser = Client()
    browser.force_login(county.admin)
    response = browser.post(
        "/admin/reports/open311settings/add/", {"county": layers.COUNTY}, follow=True
    )
    assert response.status_code == 200
    assert Open311Settings.objects.get(county_id=layers.COUNTY).public_feed is False
