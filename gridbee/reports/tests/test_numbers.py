"""Every number a caller sends is finite and in range, wherever it comes in: the report API,
the crowd-check API and page, the actions behind them, locating a point, Open311. A bad one is
refused with a stable code and nothing is stored."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from gridbee.cases import crowd
from gridbee.cases.choices import CaseStatus as S
from gridbee.cases.models import CrowdCheck, Report
from gridbee.cases.tests.test_crowd import enrol
from gridbee.cases.tests.test_workflow import bring
from gridbee.core.errors import DomainError
from gridbee.reports.actions import Sender, submit_report
from gridbee.reports.open311 import keys

from . import images
from .test_intake import IN_GRID_1

LAT, LON = IN_GRID_1
NOT_FINITE = ["nan", "NaN", "inf", "-inf", "Infinity", "1e400"]
BAD_ACCURACY = [*NOT_FINITE, "-1", "-0.01", "100001"]
OUT_OF_RANGE = [("95", LON), ("-90.5", LON), (LAT, "180.5"), (LAT, "-200")]
PHOTO = images.jpeg(320, 240)


class Place:
    """The county, and (made when first asked for) a case waiting for a crowd check with a
    partner near it who may take it."""

    def __init__(self, county):
        self.county = county
        self._handled = None

    @property
    def handled(self):
        if self._handled is None:
            self._handled = bring(self.county, S.HANDLED), enrol(self.county, self.county.submitted)
        return self._handled


@pytest.fixture
def place(county):
    return Place(county)


def report_api(place, lat, lon, accuracy=None):
    client = Client()
    client.force_login(place.county.partner_user)
    data = {"category": "overflowing_bins", "lat": lat, "lon": lon,
            "photos": [io.BytesIO(PHOTO)]}  # fmt: skip
    if accuracy is not None:
        data["accuracy"] = accuracy
    response = client.post("/api/reports", data, headers={"Idempotency-Key": "n-1"})
    return response.status_code, response.json()["code"] if response.status_code >= 400 else None


def crowd_api(place, lat, lon, accuracy=None):
    case, checker = place.handled
    client = Client()
    client.force_login(checker.user)
    data = {"lat": lat, "lon": lon, "photo": SimpleUploadedFile("p.jpg", PHOTO)}
    if accuracy is not None:
        data["accuracy"] = accuracy
    response = client.post(f"/api/cases/{case.pk}/crowd-check", data)
    return response.status_code, response.json()["code"] if response.status_code >= 400 else None


def crowd_page(place, lat, lon, accuracy=None):
    case, checker = place.handled
    client = Client()
    client.force_login(checker.user)
    data = {"lat": lat, "lon": lon, "photo": SimpleUploadedFile("p.jpg", PHOTO)}
    if accuracy is not None:
        data["accuracy"] = accuracy
    response = client.post(f"/checks/{case.pk}/", data)
    if response.status_code == 302:
        return 302, None
    return response.status_code, response.context["error"].code


def _as_float(value):
    return None if value is None else float(value)


def report_action(place, lat, lon, accuracy=None):
    try:
        submit_report(
            Sender.of_partner(place.county.partner), idempotency_key="n-2",
            category_code="overflowing_bins", lat=float(lat), lon=float(lon),
            accuracy_m=_as_float(accuracy), photos=[PHOTO],
        )  # fmt: skip
    except DomainError as error:
        return error.status, error.code
    return 201, None


def crowd_action(place, lat, lon, accuracy=None):
    case, checker = place.handled
    try:
        crowd.submit_check(
            case.pk, actor=checker.user, lat=float(lat), lon=float(lon),
            accuracy_m=_as_float(accuracy), photo=PHOTO,
        )  # fmt: skip
    except DomainError as error:
        return error.status, error.code
    return 201, None


def locate_api(place, lat, lon, accuracy=None):
    response = Client().get("/api/geo/locate", {"lat": lat, "lon": lon})
    return response.status_code, response.json()["code"] if response.status_code >= 400 else None


def open311(place, lat, lon, accuracy=None):
    raw, _client = keys.issue_client("12345热线")
    data = {"api_key": raw, "service_code": "overflowing_bins", "lat": lat, "long": lon}
    response = Client().post("/open311/v2/requests.json", data)
    if response.status_code >= 400:  # GeoReport's errors carry the status and a description
        return response.status_code, response.json()[0]["description"]
    return response.status_code, None


WITH_ACCURACY = [report_api, crowd_api, crowd_page, report_action, crowd_action]
EVERY_POINT = [*WITH_ACCURACY, locate_api, open311]


def nothing_stored() -> bool:
    return not Report.objects.filter(idempotency_key__startswith="n-").exists() and (
        not CrowdCheck.objects.exists()
    )


@pytest.mark.parametrize("accuracy", BAD_ACCURACY)
@pytest.mark.parametrize("send", WITH_ACCURACY)
def test_an_accuracy_that_is_no_finite_distance_is_refused(place, send, accuracy):
    assert send(place, LAT, LON, accuracy) == (400, "invalid_input")
    assert nothing_stored()


@pytest.mark.parametrize("value", NOT_FINITE)
@pytest.mark.parametrize("field", ["lat", "lon"])
@pytest.mark.parametrize("send", EVERY_POINT)
def test_a_coordinate_that_is_no_finite_number_is_refused(place, send, field, value):
    lat, lon = (value, LON) if field == "lat" else (LAT, value)
    status, code = send(place, lat, lon)
    assert status == 400
    if send in (report_action, crowd_action):
        assert code == "geo.coordinates_out_of_range"  # a float from Python: out of range
    elif send is open311:
        assert code == "lat 和 long 必须是十进制数字。"  # GeoReport's own error: bad_number
    else:
        assert code == "invalid_input"
    assert nothing_stored()


@pytest.mark.parametrize(("lat", "lon"), OUT_OF_RANGE)
@pytest.mark.parametrize("send", EVERY_POINT)
def test_a_coordinate_out_of_range_is_refused(place, send, lat, lon):
    status, code = send(place, lat, lon)
    assert status == 400
    if send is not open311:
        assert code == "geo.coordinates_out_of_range"
    assert nothing_stored()


@pytest.mark.parametrize("accuracy", [None, "0", "8.5", "100000"])
@pytest.mark.parametrize("send", [report_api, crowd_api, crowd_page])
def test_a_plausible_accuracy_or_none_is_taken(place, send, accuracy):
    status, code = send(place, LAT, LON, accuracy)
    assert status in (201, 302) and code is None
