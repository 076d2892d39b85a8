"""The people pages on the fixture county: applying (and being refused, with nothing kept), the
applicant's status page, the station's and the county's queues, partners and their standing, my
profile and card, teams, and the public certificate check, which shows only what it should."""

import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from gridbee.people import actions
from gridbee.people.models import Application, ApplicationStep, GridBinding, Partner, User

from . import county as fixture

pytestmark = pytest.mark.django_db

NEW_ID = "522731199707070035"  # valid check character, not used by the fixture
FAR_ID = "522732199606060029"
NEW_MOBILE = "13600000001"
NEW_PASSWORD = "riding-the-east-side-7"


def log_in(client, user):
    assert client.login(mobile=user.mobile, password=fixture.PASSWORD)
    return client


def html_of(response) -> str:
    return response.content.decode()


def application_data(county, **changes) -> dict:
    data = {
        "name": "赵一凡",
        "mobile": "136 0000 0001",
        "id_number": NEW_ID,
        "password": NEW_PASSWORD,
        "password_again": NEW_PASSWORD,
        "station": str(county.station.pk),
        "work_area": "县城西片",
        "grid_1": fixture.GRID_1,
        "grid_2": "",
        "grid_codes": "",
        "accepted_rules": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def far_application(county) -> Application:
    return actions.submit_application(
        name="钱远方",
        mobile="13600000009",
        id_number=FAR_ID,
        password=NEW_PASSWORD,
        station_id=county.far_station.pk,
        work_area="长顺县城",
        grid_codes=[fixture.far_grid()],
        accepted_rules=True,
    )


def counts() -> tuple[int, int, int]:
    return Application.objects.count(), ApplicationStep.objects.count(), User.objects.count()


def outside_hosts(html: str) -> set[str]:
    return {urlsplit(u).hostname for u in re.findall(r"https?://[^\s\"'<>)]+", html)} - {
        "testserver"
    }


# --- applying -------------------------------------------------------------------------------


def test_the_form_lists_stations_by_county_and_shows_the_three_rules(client, county):
    response = client.get(reverse("apply"))
    html = html_of(response)
    assert response.status_code == 200
    assert '<optgroup label="惠水县">' in html and '<optgroup label="长顺县">' in html
    assert "顺丰惠水网点" in html and "快递物流" in html
    assert "三个不准" in html
    assert "不准虚假上报" in html
    assert 'type="checkbox" name="accepted_rules"' in html
    assert "先选择站点" in html  # no grids before a station is chosen
    assert outside_hosts(html) == set()


def test_a_chosen_station_lists_the_grids_of_its_county_only(client, county):
    html = html_of(client.get(reverse("apply"), {"station": county.station.pk}))
    assert f'<option value="{fixture.GRID_1}"' in html
    assert "凤山社区" in html  # grouped by community
    partial = html_of(client.get(reverse("apply-grids"), {"station": county.far_station.pk}))
    assert fixture.GRID_1 not in partial
    assert "hx-get" not in partial  # a fragment, not the page
    assert 'name="grid_codes"' in partial


def test_a_good_application_is_kept_and_leads_to_its_status_page(client, county):
    response = client.post(reverse("apply"), application_data(county, grid_2=fixture.GRID_3))
    application = Application.objects.get(mobile=NEW_MOBILE)
    assert response.status_code == 302
    assert response.url == reverse("application-status", args=[application.status_token])
    assert application.status == "submitted"
    assert application.station == county.station and application.industry.code == "courier"
    assert sorted(g.code for g in application.grids.all()) == [fixture.GRID_1, fixture.GRID_3]
    assert application.password != NEW_PASSWORD  # hashed

    html = html_of(client.get(response.url))
    assert "收藏" in html  # bookmark it: the applicant's only link
    assert f"http://testserver{response.url}" in html
    assert "已提交" in html
    assert "提交申请" in html and "申请人" in html
    assert "noindex" in html
    assert NEW_ID not in html


def test_the_status_page_shows_who_decided_when_and_why(client, county):
    actions.act_on_application(
        county.submitted.pk, "decline", actor=county.station_user, note="不是本站员工"
    )
    html = html_of(client.get(reverse("application-status", args=[county.submitted.status_token])))
    assert "未予推荐" in html
    assert "不是本站员工" in html
    assert "站点" in html
    assert county.station_user.name not in html  # the role, not the staff member's name


def test_an_unknown_status_link_is_404(client, county):
    assert client.get(reverse("application-status", args=["nope"])).status_code == 404


@pytest.mark.parametrize(
    ("changes", "message", "field"),
    [
        ({"mobile": "12345"}, "请输入 11 位中国大陆手机号", "mobile"),
        ({"id_number": "522731199707070036"}, "请输入有效的 18 位身份证号", "id_number"),
        ({"accepted_rules": None}, "请阅读并接受“三个不准”", "accepted_rules"),
        ({"mobile": "13700000001"}, "该手机号已有正在办理的申请或已有账号", "mobile"),  # 李秀英
        ({"mobile": "13900000003"}, "该手机号已有正在办理的申请或已有账号", "mobile"),  # staff
        ({"grid_codes": "522731009009009"}, "所选网格中有一个不在本地", "grid_codes"),
        ({"grid_1": ""}, "请选择工作地附近的一到两个网格", "grid_codes"),  # 就近绑定
        (
            {"grid_2": fixture.GRID_2, "grid_codes": fixture.GRID_3},
            "只能绑定一到两个网格",
            "grid_codes",
        ),
        ({"station": "999999"}, "请从列表中选择站点", "station"),
        ({"password": "12345678", "password_again": "12345678"}, "密码", "password"),
        ({"password_again": "something-else-9"}, "两次输入的密码不一致", "password_again"),
        ({"name": ""}, "这个字段是必填项", "name"),
    ],
)
def test_bad_input_is_refused_in_chinese_beside_its_field_and_nothing_is_kept(
    client, county, changes, message, field
):
    before = counts()
    response = client.post(reverse("apply"), application_data(county, **changes))
    html = html_of(response)
    assert response.status_code == 200
    assert counts() == before
    assert 'role="alert"' in html
    error = re.search(rf'<p class="field-error" id="id_{field}-error">([^<]*)</p>', html)
    assert error and message in error.group(1), html
    # What was typed is kept, except the passwords.
    assert 'value="县城西片"' in html
    if field != "name":
        assert 'value="赵一凡"' in html
    assert NEW_PASSWORD not in html


# --- queues ---------------------------------------------------------------------------------


def test_the_station_sees_its_own_submitted_applications_with_masked_identity(client, county):
    far = far_application(county)
    html = html_of(log_in(client, county.station_user).get(reverse("application-queue")))
    assert "李秀英" in html  # submitted, the default tab
    assert "张伟" not in html  # already recommended: another tab
    assert far.name not in html
    assert "137****0001" in html and fixture.ID_NUMBERS[1] not in html
    assert 'data-action="recommend"' in html and 'data-action="decline"' in html
    assert 'data-action="approve"' not in html
    # The station's own link to the form, with a QR code.
    assert f"http://testserver/apply/?station={county.station.pk}" in html
    assert '<svg viewBox="' in html
    every = html_of(client.get(reverse("application-queue"), {"status": "all"}))
    assert "李秀英" in every and "张伟" in every and "王小明" in every
    assert far.name not in every


def test_the_reviewer_sees_the_recommended_ones_in_full_and_may_approve(client, county):
    far = far_application(county)
    html = html_of(log_in(client, county.reviewer).get(reverse("application-queue")))
    assert "张伟" in html and "李秀英" not in html
    assert fixture.ID_NUMBERS[2] in html  # the county checks identity
    assert 'data-action="approve"' in html and 'data-action="reject"' in html
    assert 'data-action="recommend"' not in html
    assert far.name not in html
    assert "/apply/?station=" not in html


def test_a_far_reviewer_sees_nothing_of_this_county(client, county):
    far = far_application(county)
    client = log_in(client, county.far_reviewer)
    html = html_of(client.get(reverse("application-queue"), {"status": "all"}))
    for name in ("王小明", "李秀英", "张伟"):
        assert name not in html
    assert far.name in html  # submitted, seen but not for them to recommend
    assert 'data-action="recommend"' not in html


@pytest.mark.parametrize("role", ["partner", "department", "operator", "team_lead"])
def test_roles_without_applications_get_403(client, county, role):
    response = log_in(client, county.users[role]).get(reverse("application-queue"))
    assert response.status_code == 403
    assert "无权" in html_of(response) or "不对" in html_of(response)


def test_anonymous_is_sent_to_login(client, county):
    for name in ("application-queue", "partner-list", "team-list", "me", "me-card"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def decide(client, application, action, note="", **extra):
    url = reverse("application-decide", args=[application.pk, action])
    return client.post(url, {"note": note, **extra}, follow=True)


def test_the_station_recommends_and_the_step_is_recorded(client, county):
    response = decide(log_in(client, county.station_user), county.submitted, "recommend")
    county.submitted.refresh_from_db()
    assert county.submitted.status == "recommended"
    assert "已推荐至县级审核" in html_of(response)
    step = county.submitted.steps.last()
    assert (step.action, step.actor, step.actor_role) == (
        "recommend",
        county.station_user,
        "station",
    )


def test_declining_without_a_reason_is_refused_as_a_message(client, county):
    response = decide(log_in(client, county.station_user), county.submitted, "decline", "  ")
    county.submitted.refresh_from_db()
    assert response.status_code == 200
    assert county.submitted.status == "submitted"
    assert "请说明理由" in html_of(response)


def test_the_station_may_not_approve_and_a_replay_is_explained(client, county):
    client = log_in(client, county.station_user)
    response = decide(client, county.recommended, "approve")
    assert "您的角色无权" in html_of(response)
    county.recommended.refresh_from_db()
    assert county.recommended.status == "recommended"
    decide(client, county.submitted, "recommend")
    again = decide(client, county.submitted, "recommend")
    assert "当前状态下无法" in html_of(again)


def test_a_decision_goes_back_to_the_tab_it_came_from_but_never_elsewhere(client, county):
    client = log_in(client, county.station_user)
    url = reverse("application-decide", args=[county.submitted.pk, "recommend"])
    response = client.post(url, {"note": "", "next": "/review/applications/?status=all"})
    assert response.url == "/review/applications/?status=all"
    other = client.post(url, {"note": "", "next": "https://evil.example/"})
    assert other.url == reverse("application-queue")


def test_a_far_station_deciding_here_gets_404_and_nothing_changes(client, county):
    response = decide(log_in(client, county.far_station_user), county.submitted, "recommend")
    assert response.status_code == 404
    county.submitted.refresh_from_db()
    assert county.submitted.status == "submitted"


def test_the_reviewer_approves_and_the_account_and_certificate_exist(client, county):
    response = decide(log_in(client, county.reviewer), county.recommended, "approve", "材料齐全")
    county.recommended.refresh_from_db()
    assert county.recommended.status == "approved"
    partner = county.recommended.partner
    assert partner.certificate.number
    assert "已批准" in html_of(response)
    assert f'href="{reverse("partner-detail", args=[partner.pk])}"' in html_of(
        client.get(reverse("application-queue"), {"status": "approved"})
    )


def test_rejecting_needs_a_reason(client, county):
    client = log_in(client, county.reviewer)
    assert "请说明理由" in html_of(decide(client, county.recommended, "reject"))
    decide(client, county.recommended, "reject", "身份信息不符")
    county.recommended.refresh_from_db()
    assert county.recommended.status == "rejected"
    assert county.recommended.steps.last().note == "身份信息不符"


def test_deciding_by_get_is_refused(client, county):
    client = log_in(client, county.station_user)
    url = reverse("application-decide", args=[county.submitted.pk, "recommend"])
    assert client.get(url).status_code == 405


# --- partners -------------------------------------------------------------------------------


def test_the_reviewer_lists_and_opens_partners_with_their_history(client, county):
    client = log_in(client, county.reviewer)
    listing = html_of(client.get(reverse("partner-list")))
    assert "王小明" in listing
    assert county.partner.certificate.number in listing
    html = html_of(client.get(reverse("partner-detail", args=[county.partner.pk])))
    assert "13700000000" in html  # the reviewer calls partners
    assert fixture.ID_NUMBERS[0] not in html  # nobody sees the ID number in full here
    assert "已入队" in html
    assert 'data-action="suspend"' in html and 'data-action="revoke"' in html
    assert 'data-action="reinstate"' not in html
    assert "虚假上报" in html  # the reasons to choose from


def test_the_station_sees_its_partner_masked_and_may_not_change_standing(client, county):
    html = html_of(
        log_in(client, county.station_user).get(reverse("partner-detail", args=[county.partner.pk]))
    )
    assert "137****0000" in html
    assert 'data-action="suspend"' not in html


def test_a_far_reviewer_gets_404_on_this_countys_partner(client, county):
    client = log_in(client, county.far_reviewer)
    assert client.get(reverse("partner-detail", args=[county.partner.pk])).status_code == 404
    assert "王小明" not in html_of(client.get(reverse("partner-list")))
    url = reverse("partner-change", args=[county.partner.pk, "suspend"])
    assert client.post(url, {"reason": "false_reports"}).status_code == 404
    county.partner.refresh_from_db()
    assert county.partner.status == "active"


def test_suspend_then_reinstate_with_reasons_keeps_the_history(client, county):
    client = log_in(client, county.reviewer)
    url = reverse("partner-change", args=[county.partner.pk, "suspend"])
    response = client.post(
        url, {"reason": "false_reports", "note": "连续三次虚假上报"}, follow=True
    )
    county.partner.refresh_from_db()
    assert county.partner.status == "suspended"
    html = html_of(response)
    assert "已暂停" in html and "连续三次虚假上报" in html
    assert 'data-action="reinstate"' in html and 'data-action="suspend"' not in html
    reinstate = reverse("partner-change", args=[county.partner.pk, "reinstate"])
    client.post(reinstate, {"reason": "reviewed"})
    county.partner.refresh_from_db()
    assert county.partner.status == "active"
    assert [e.action for e in county.partner.events.all()] == ["enrol", "suspend", "reinstate"]


def test_a_change_without_a_reason_is_refused(client, county):
    client = log_in(client, county.reviewer)
    url = reverse("partner-change", args=[county.partner.pk, "revoke"])
    response = client.post(url, {"reason": "", "note": "x"}, follow=True)
    assert "请说明理由" in html_of(response)
    county.partner.refresh_from_db()
    assert county.partner.status == "active"


def test_the_station_may_not_suspend(client, county):
    client = log_in(client, county.station_user)
    url = reverse("partner-change", args=[county.partner.pk, "suspend"])
    response = client.post(url, {"reason": "false_reports"}, follow=True)
    assert "您的角色无权" in html_of(response)
    assert Partner.objects.get(pk=county.partner.pk).status == "active"


# --- my profile and card --------------------------------------------------------------------


def test_my_profile_shows_certificate_grids_team_and_history(client, county):
    html = html_of(log_in(client, county.partner_user).get(reverse("me")))
    assert county.partner.certificate.number in html
    assert f'href="{reverse("me-card")}"' in html
    assert "凤山第1网格" in html and "涟江第1网格" in html
    assert "惠水蜂队" in html and "分队长" in html and "张队长" in html
    assert "已入队" in html
    assert "13700000000" in html  # my own number


def test_staff_without_a_partner_profile_are_told_so(client, county):
    response = log_in(client, county.reviewer).get(reverse("me"))
    assert response.status_code == 200
    assert "没有流动网格员档案" in html_of(response)
    assert client.get(reverse("me-card")).status_code == 404


def test_a_partner_changes_their_grids(client, county):
    client = log_in(client, county.partner_user)
    response = client.post(
        reverse("me-grids"), {"grid_1": fixture.GRID_2, "grid_2": ""}, follow=True
    )
    assert "已保存" in html_of(response)
    codes = list(
        GridBinding.objects.filter(partner=county.partner).values_list("grid__code", flat=True)
    )
    assert codes == [fixture.GRID_2]
    refused = client.post(reverse("me-grids"), {"grid_1": "", "grid_2": ""}, follow=True)
    assert "请选择工作地附近的一到两个网格" in html_of(refused)
    assert GridBinding.objects.filter(partner=county.partner).count() == 1


def test_a_suspended_partner_sees_why_and_cannot_change_grids(client, county):
    actions.change_partner_status(
        county.partner.pk,
        "suspend",
        actor=county.reviewer,
        reason="leaked_information",
        note="泄露了案件照片",
    )
    client = log_in(client, county.partner_user)
    html = html_of(client.get(reverse("me")))
    assert "您已被暂停" in html
    assert "泄露个人或案件信息" in html and "泄露了案件照片" in html
    assert f'action="{reverse("me-grids")}"' not in html
    response = client.post(reverse("me-grids"), {"grid_1": fixture.GRID_2}, follow=True)
    assert "已暂停或撤销" in html_of(response)


def test_the_card_has_an_svg_qr_of_the_absolute_verification_url(client, county):
    html = html_of(log_in(client, county.partner_user).get(reverse("me-card")))
    certificate = county.partner.certificate
    verify = f"http://testserver{reverse('verify-certificate', args=[certificate.token])}"
    assert re.search(r'<svg viewBox="[^"]+" class="qr">', html)
    assert "<title>" in html  # the QR code says what it is
    assert f'href="{verify}"' in html
    assert certificate.number in html
    assert "王小明" in html and "快递物流" in html and "惠水县" in html
    assert certificate.valid_until.strftime("%Y-%m-%d") in html
    assert "@media print" in open_css()


def open_css() -> str:
    from django.contrib.staticfiles import finders

    with open(finders.find("gridbee/people.css"), encoding="utf-8") as css:
        return css.read()


def test_people_css_is_local_only():
    css = open_css()
    assert "@font-face" not in css and "@import" not in css
    assert re.search(r"url\(", css) is None


# --- the public certificate check -----------------------------------------------------------


def test_the_check_shows_only_the_public_fields(client, county):
    certificate = county.partner.certificate
    response = client.get(reverse("verify-certificate", args=[certificate.token]))
    html = html_of(response)
    assert response.status_code == 200
    assert 'data-status="active"' in html
    for shown in (
        "王*明",
        "快递物流",
        "惠水县",
        "有效",
        certificate.number,
        certificate.valid_until.strftime("%Y-%m-%d"),
    ):
        assert shown in html, shown
    for hidden in (
        "王小明",
        "13700000000",
        fixture.ID_NUMBERS[0],
        "19900101",
        "顺丰惠水网点",
        "顺丰速运",
        fixture.GRID_1,
        fixture.GRID_3,
        "县城东片",
        "惠水蜂队",
        "分队长",
    ):
        assert hidden not in html, hidden
    assert "noindex" in html
    assert outside_hosts(html) == set()


def test_the_check_follows_the_partners_standing(client, county):
    url = reverse("verify-certificate", args=[county.partner.certificate.token])
    assert "no-store" in client.get(url)["Cache-Control"]  # a suspension shows at the next scan
    actions.change_partner_status(
        county.partner.pk, "suspend", actor=county.reviewer, reason="false_reports"
    )
    html = html_of(client.get(url))
    assert 'data-status="suspended"' in html and "已暂停" in html
    assert "虚假上报" not in html  # the reason is not public
    actions.change_partner_status(
        county.partner.pk, "revoke", actor=county.reviewer, reason="false_reports"
    )
    assert 'data-status="revoked"' in html_of(client.get(url))


def test_an_unknown_certificate_is_404_and_says_it_may_be_forged(client, county):
    response = client.get(reverse("verify-certificate", args=["forged-token"]))
    assert response.status_code == 404
    assert "可能是伪造" in html_of(response)


# --- teams ----------------------------------------------------------------------------------


def test_the_captain_sees_the_team_with_its_sub_captain_and_statuses(client, county):
    client = log_in(client, county.team_lead)
    listing = html_of(client.get(reverse("team-list")))
    assert "惠水蜂队" in listing
    html = html_of(client.get(reverse("team-detail", args=[county.team.pk])))
    assert "张队长" in html and "王小明" in html and "分队长" in html and "在队" in html


@pytest.mark.parametrize("role", ["reviewer", "operator", "admin"])
def test_county_staff_see_the_team(client, county, role):
    client = log_in(client, county.users[role])
    assert client.get(reverse("team-detail", args=[county.team.pk])).status_code == 200


def test_teams_are_scoped(client, county):
    far = log_in(client, county.far_reviewer)
    assert "惠水蜂队" not in html_of(far.get(reverse("team-list")))
    assert far.get(reverse("team-detail", args=[county.team.pk])).status_code == 404
    client.logout()
    # The fixture's partner leads a squad (分队长): they see their team, a plain member does not.
    partner = log_in(client, county.partner_user)
    assert "惠水蜂队" in html_of(partner.get(reverse("team-list")))
    county.partner.membership.role = "member"
    county.partner.membership.save()
    client.logout()
    partner = log_in(client, county.partner_user)
    assert partner.get(reverse("team-list")).status_code == 403


# --- home pages link the pages --------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "names"),
    [
        ("partner", ["me"]),
        ("team_lead", ["team-list", "partner-list"]),
        ("station", ["application-queue", "partner-list"]),
        ("reviewer", ["application-queue", "partner-list", "team-list"]),
        ("operator", ["partner-list", "team-list"]),
        ("admin", ["application-queue", "partner-list", "team-list"]),
    ],
)
def test_role_homes_link_their_pages(client, county, role, names):
    html = html_of(log_in(client, county.users[role]).get(reverse("home")))
    for name in names:
        assert f'href="{reverse(name)}"' in html, name
