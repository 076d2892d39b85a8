"""五情联动: an emergency dispatched at once to a lead department and supporting ones; each
signs and reports on the one timeline; the case is handled when the lead reports, and the
1-3-5 clock is the lead's."""

import datetime
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gridbee.cases import linkage, workflow
from gridbee.cases.choices import CaseEventKind as K
from gridbee.cases.choices import CaseStatus as S
from gridbee.cases.choices import Channel
from gridbee.cases.models import CaseSupport, LinkageChannel
from gridbee.core.errors import DomainError
from gridbee.geo.tests import layers
from gridbee.people.choices import Role
from gridbee.people.models import Department, User
from gridbee.reports.tests import images

from .test_on_scene import HERE, report

pytestmark = pytest.mark.django_db
MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture
def channels(county):
    police = Department.objects.create(county_id=layers.COUNTY, code="police", name="公安局")
    petition = Department.objects.create(county_id=layers.COUNTY, code="xfj", name="信访局")
    for channel, department in [
        (Channel.POLICE, police),
        (Channel.PETITION, petition),
        (Channel.COMMUNITY, county.department),
    ]:
        LinkageChannel.objects.create(
            county_id=layers.COUNTY, channel=channel, department=department
        )
    county.police_user = User.objects.create_user(
        "13900000025", "x-password-2026", role=Role.DEPARTMENT, department=police, name="王警官"
    )
    county.petition_user = User.objects.create_user(
        "13900000026", "x-password-2026", role=Role.DEPARTMENT, department=petition, name="信访"
    )
    return county


def accepted_emergency(county):
    case = report(county, "lift", "trapped_in_lift")
    workflow.act(case.pk, "accept", actor=county.operator)
    return case


def api(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_dispatch_to_a_lead_and_supporting_departments_on_one_timeline(channels):
    county = channels
    case = accepted_emergency(county)
    before = timezone.now()
    answer = api(county.operator).post(
        f"/api/cases/{case.pk}/linkage",
        json.dumps({"lead": "police", "supporting": ["cgj", "xfj"], "note": "走失儿童"}),
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    rows = answer.json()
    assert [(r["department"], r["channel"], r["lead"]) for r in rows] == [
        ("公安局", "警情", True),
        ("城管局", "社情", False),
        ("信访局", "访情", False),
    ]
    case.refresh_from_db()
    assert case.status == S.DISPATCHED and case.department.code == "police"
    # The 1-3-5 clock is the lead's: on the scene within 5 minutes.
    assert before + 5 * MINUTE <= case.step_deadline_at <= timezone.now() + 5 * MINUTE

    # Supporting departments see the case, sign and report; the lead's steps are not theirs.
    assert api(county.department_user).get(f"/api/cases/{case.pk}").status_code == 200
    with pytest.raises(DomainError) as refused:
        workflow.act(case.pk, "sign", actor=county.department_user)
    assert refused.value.code == "cases.not_the_lead"
    linkage.support_step(case.pk, "sign", actor=county.department_user)
    with pytest.raises(DomainError) as refused:
        linkage.support_step(case.pk, "report", actor=county.petition_user, note="x")
    assert refused.value.code == "cases.invalid_transition"  # not signed yet
    linkage.support_step(case.pk, "report", actor=county.department_user, note="已疏导围观")
    case.refresh_from_db()
    assert case.status == S.DISPATCHED  # a supporting report does not move the case

    # The lead signs, arrives, reports: then the case is handled.
    workflow.act(case.pk, "sign", actor=county.police_user)
    here = {"lat": HERE["lat"], "lon": HERE["lon"], "accuracy_m": HERE["accuracy"]}
    workflow.act(case.pk, "arrive", actor=county.police_user, **here)
    workflow.act(
        case.pk, "handle", actor=county.police_user, note="已找到", photos=[images.jpeg(320, 240)]
    )
    case.refresh_from_db()
    assert case.status == S.HANDLED
    kinds = list(case.events.values_list("kind", flat=True))
    assert K.LINKED in kinds and K.SUPPORT_SIGN in kinds and K.SUPPORT_REPORT in kinds
    rows = linkage.linkage_of(case)
    assert [(r["signed"], r["reported"]) for r in rows] == [
        (True, True),
        (True, True),
        (False, False),
    ]


def test_the_console_shows_which_channels_signed(channels):
    county = channels
    case = accepted_emergency(county)
    operator = api(county.operator)
    page = operator.post(
        f"/console/cases/{case.pk}/linkage/", {"lead": "police", "supporting": ["xfj"]}
    )
    assert page.status_code == 302
    api(county.petition_user).post(f"/console/cases/{case.pk}/support/sign/")
    html = operator.get(f"/console/cases/{case.pk}/").content.decode()
    assert 'id="linkage"' in html and 'data-lead="no" data-signed="yes"' in html


@pytest.mark.parametrize(
    "body",
    [
        {"lead": "police", "supporting": ["police"]},
        {"lead": "nobody", "supporting": []},
        {"lead": "police", "supporting": ["nowhere"]},
    ],
)
def test_a_bad_linkage_is_refused_and_changes_nothing(channels, body):
    county = channels
    case = accepted_emergency(county)
    answer = api(county.operator).post(
        f"/api/cases/{case.pk}/linkage", json.dumps(body), content_type="application/json"
    )
    assert answer.status_code == 400 and answer.json()["code"] == "cases.linkage_invalid"
    case.refresh_from_db()
    assert case.status == S.ACCEPTED and not CaseSupport.objects.exists()


def test_an_ordinary_case_is_not_linked(channels):
    county = channels
    case = report(county, "bins")
    workflow.act(case.pk, "accept", actor=county.operator)
    with pytest.raises(DomainError) as refused:
        linkage.dispatch_linked(case.pk, actor=county.operator, lead="police", supporting=["xfj"])
    assert refused.value.code == "cases.linkage_invalid"


def test_a_supporting_department_sees_the_case_and_only_its_own_actions(channels):
    county = channels
    case = accepted_emergency(county)
    linkage.dispatch_linked(case.pk, actor=county.operator, lead="police", supporting=["xfj"])
    page = f"/console/cases/{case.pk}/"
    lead_steps = reverse("console-step", args=[case.pk, "sign"])
    support_sign = reverse("console-support", args=[case.pk, "sign"])

    supporting = api(county.petition_user).get(page)
    assert supporting.status_code == 200
    html = supporting.content.decode()
    assert support_sign in html
    assert f"/console/cases/{case.pk}/steps/" not in html

    lead = api(county.police_user).get(page).content.decode()
    assert lead_steps in lead and support_sign not in lead
