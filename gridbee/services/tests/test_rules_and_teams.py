"""County rules edited in the app with their history (and the next award uses them); squads
run by the captain; new partners placed by the county's rule; the inbox's counts."""

import pytest
from django.test import Client

from gridbee.people.models import Application, ApplicationStep, TeamMember
from gridbee.rewards import ledger
from gridbee.rewards.actions import earning
from gridbee.rewards.models import EarningRules, Item
from gridbee.services import actions_inbox, actions_rules, actions_teams
from gridbee.services.models import RuleChange

from . import factories

pytestmark = pytest.mark.django_db


def client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_the_reviewer_changes_a_rule_and_the_next_award_uses_it(county):
    partner = county.partner
    reviewer = client(county.reviewer)
    answer = reviewer.patch("/api/county/rules", {"check_in_points": 4, "grade1_fen": 6000},
                            content_type="application/json")  # fmt: skip
    assert answer.status_code == 200, answer.content
    assert answer.json()["check_in_points"] == 4
    entry, made = earning.check_in(partner)
    assert made and entry.amount == 4
    history = reviewer.get("/api/county/rules/history").json()
    assert {(h["field"], h["old"], h["new"]) for h in history} == {
        ("check_in_points", "1", "4"), ("grade1_fen", "5000", "6000"),
    }  # fmt: skip
    assert history[0]["actor"] == county.reviewer.name
    refused = reviewer.patch("/api/county/rules", {"daily_cap": -1},
                             content_type="application/json")  # fmt: skip
    assert refused.status_code == 400
    assert EarningRules.objects.get(county_id=partner.county_id).daily_cap == 50
    unknown = reviewer.patch("/api/county/rules", {"county_id": "x"},
                             content_type="application/json")  # fmt: skip
    assert unknown.status_code == 400
    assert (
        client(county.operator)
        .patch("/api/county/rules", {"check_in_points": 9}, content_type="application/json")
        .status_code
        == 403
    )


def test_the_reviewer_manages_shop_items_with_history(county):
    item = actions_rules.save_item({"name": "雨衣", "price": 30, "stock": 5},
                                   actor=county.reviewer)  # fmt: skip
    assert Item.objects.get(pk=item.pk).price == 30
    answer = client(county.reviewer).patch(f"/api/county/shop/items/{item.pk}",
                                           {"price": 25, "active": False},
                                           content_type="application/json")  # fmt: skip
    assert answer.status_code == 200 and answer.json()["price"] == 25
    assert RuleChange.objects.filter(subject=f"item:{item.pk}", field="price", old="30",
                                     new="25").exists()  # fmt: skip
    assert (
        client(county.far_reviewer)
        .patch(f"/api/county/shop/items/{item.pk}", {"price": 1}, content_type="application/json")
        .status_code
        == 404
    )


def test_the_captain_names_a_sub_captain_and_moves_a_member(county):
    a, b = factories.partners(county, 2)
    team = county.team
    for p in (a, b):
        TeamMember.objects.create(team=team, partner=p, role="member")
    captain = client(county.team_lead)
    assert captain.post(f"/api/teams/{team.pk}/sub-captains", {"partner_id": a.pk},
                        content_type="application/json").status_code == 200  # fmt: skip
    moved = captain.put(f"/api/teams/{team.pk}/members/{b.pk}/squad", {"squad_lead_id": a.pk},
                        content_type="application/json")  # fmt: skip
    assert moved.status_code == 200, moved.content
    assert TeamMember.objects.get(partner=b).leader.partner_id == a.pk
    again = captain.put(f"/api/teams/{team.pk}/members/{b.pk}/squad",
                        {"squad_lead_id": county.partner.pk},
                        content_type="application/json")  # fmt: skip
    assert again.status_code == 200
    assert TeamMember.objects.get(partner=b).leader.partner_id == county.partner.pk
    not_a_squad = captain.put(f"/api/teams/{team.pk}/members/{b.pk}/squad",
                              {"squad_lead_id": b.pk}, content_type="application/json")  # fmt: skip
    assert not_a_squad.status_code == 400
    month = captain.get(f"/api/teams/{team.pk}/month").json()
    assert {m["partner_id"] for m in month} == {county.partner.pk, a.pk, b.pk}


def test_a_new_partner_lands_in_the_team_of_the_countys_rule(county):
    actions_teams.set_team_rule(actor=county.team_lead, team_id=county.team.pk,
                                station_id=county.station.pk)  # fmt: skip
    (newcomer,) = factories.partners(county, 1)
    assert TeamMember.objects.get(partner=newcomer).team == county.team


def test_a_team_lead_referral_joins_the_enrolment_queue(county):
    answer = client(county.team_lead).post(
        "/api/referrals",
        {"name": "王推荐", "mobile": "13700000077", "id_number": "522731199001010014",
         "station_id": county.station.pk, "grid_codes": ["522731001001001"], "note": "好骑手"},
        content_type="application/json",
    )  # fmt: skip
    assert answer.status_code == 201, answer.content
    application = Application.objects.get(pk=answer.json()["application_id"])
    assert application.status == "submitted"
    step = ApplicationStep.objects.get(application=application)
    assert step.actor == county.team_lead and step.note == "好骑手"


def test_the_inbox_counts_unread_and_marks_read(county):
    user = county.partner_user
    actions_inbox.notify(user, "activity_place", "有空位了", "/activities/")
    actions_inbox.notify(user, "squad_moved", "换了分队", "/teams/")
    me = client(user)
    assert me.get("/api/inbox/unread").json()["total"] == 2
    items = me.get("/api/inbox").json()["items"]
    assert me.post("/api/inbox/read", {"notice_ids": [items[0]["id"]]},
                   content_type="application/json").json() == {"changed": 1}  # fmt: skip
    assert me.get("/api/inbox/unread").json()["notices"] == 1
    assert client(county.operator).get("/api/inbox/unread").json()["total"] == 0
    assert ledger.balance(county.partner) == 0


def _asked_unread(captured) -> bool:
    return any("services_notice" in query["sql"] for query in captured.captured_queries)


def test_the_unread_badge_costs_nothing_on_a_fragment_and_shows_on_a_page(
    county, django_assert_max_num_queries
):
    actions_inbox.notify(county.partner_user, "activity_place", "有空位了", "/activities/")
    me = client(county.partner_user)
    with django_assert_max_num_queries(100) as fragment:
        assert me.get("/apply/grids/").status_code == 200
    assert not _asked_unread(fragment)
    with django_assert_max_num_queries(100) as page:
        home = me.get("/").content.decode()
    assert _asked_unread(page)
    assert '<span class="inbox-badge" id="inbox-unread">1</span>' in home


def test_one_message_is_marked_read_on_the_page_and_through_the_api(county):
    user = county.partner_user
    first = actions_inbox.notify(user, "activity_place", "有空位了", "/activities/")
    second = actions_inbox.notify(user, "squad_moved", "换了分队", "/teams/")
    me = client(user)
    page = me.get("/inbox/").content.decode()
    assert page.count("svc-unread") == 2 and "inbox-read-all" in page  # showing is not reading
    assert me.post("/inbox/read/", {"source": "notice", "id": first.pk}).status_code == 302
    assert me.get("/api/inbox/unread").json()["notices"] == 1
    assert me.get("/inbox/").content.decode().count("svc-unread") == 1

    answer = me.post(f"/api/inbox/notice/{second.pk}/read")
    assert answer.status_code == 200 and answer.json() == {"changed": 1}
    assert me.post(f"/api/inbox/notice/{second.pk}/read").json() == {"changed": 0}
    assert me.get("/api/inbox/unread").json()["total"] == 0

    # Someone else's message is not found, and stays unread.
    theirs = actions_inbox.notify(county.operator, "rules", "新规则")
    refused = me.post(f"/api/inbox/notice/{theirs.pk}/read")
    assert refused.status_code == 404 and refused.json()["code"] == "services.not_found"
    assert me.post(f"/api/inbox/case/{theirs.pk}/read").status_code == 404
    me.post("/inbox/read/", {"source": "notice", "id": theirs.pk})
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_administrator_names_the_county_whose_rules_and_shop_they_change(county):
    """The administrator serves every county: the page opens on one (the first) with a choice
    of the others, the API takes the county's code, and a change lands in that county only.
    Anyone else naming another county still changes and sees their own."""
    from gridbee.geo.tests import layers
    from gridbee.people.tests.county import OTHER_COUNTY

    admin = client(county.admin)
    assert admin.get("/api/county/rules").json()["code"] == "services.county_required"
    answer = admin.patch(f"/api/county/rules?county={OTHER_COUNTY}", {"check_in_points": 7},
                         content_type="application/json")  # fmt: skip
    assert answer.status_code == 200, answer.content
    assert ledger.rules_for(OTHER_COUNTY).check_in_points == 7
    assert ledger.rules_for(layers.COUNTY).check_in_points == 1
    made = admin.post(f"/api/county/shop/items?county={OTHER_COUNTY}",
                      {"name": "雨衣", "price": 30}, content_type="application/json")  # fmt: skip
    assert made.status_code == 201 and Item.objects.get(name="雨衣").county_id == OTHER_COUNTY
    listed = admin.get(f"/api/county/shop/items?county={layers.COUNTY}").json()
    assert "雨衣" not in {i["name"] for i in listed}

    page = admin.get("/review/rules/")
    assert page.status_code == 200 and page.context["chosen"] == layers.COUNTY
    saved = admin.post(
        f"/review/rules/?county={OTHER_COUNTY}",
        {"form": "rules", **rule_form(OTHER_COUNTY), "check_in_points": "9"},
    )
    assert saved.status_code == 302 and saved["Location"].endswith(f"?county={OTHER_COUNTY}")
    assert ledger.rules_for(OTHER_COUNTY).check_in_points == 9
    page = admin.get(f"/review/rules/?county={OTHER_COUNTY}")
    assert [i.name for i in page.context["items"]] == ["雨衣"]
    assert {c.field for c in page.context["history"]} == {"check_in_points", "name", "price"}

    reviewer = client(county.reviewer)
    page = reviewer.get(f"/review/rules/?county={OTHER_COUNTY}")
    assert page.context["chosen"] == "" and not page.context["items"].filter(name="雨衣")
    own = {name: value for name, _label, value in page.context["fields"]}
    assert own["check_in_points"] == 1
    reviewer.patch(f"/api/county/rules?county={OTHER_COUNTY}", {"check_in_points": 3},
                   content_type="application/json")  # fmt: skip
    assert ledger.rules_for(layers.COUNTY).check_in_points == 3
    assert ledger.rules_for(OTHER_COUNTY).check_in_points == 9


def rule_form(county: str) -> dict:
    """The rules form as the page fills it in (a checkbox sends "on" only when ticked)."""
    rules = ledger.rules_for(county)
    values = {name: getattr(rules, name) for name in actions_rules.RULE_FIELDS}
    return {name: "on" if value is True else str(value) for name, value in values.items()
            if value is not False}  # fmt: skip
