"""双人复核: whoever approves a cash reward cannot also mark it paid, where the county's rules
say so (the default). Marking paid stays all or nothing, and the refusal names the rewards."""

import pytest
from django.test import Client
from django.urls import reverse

from gridbee.people.choices import Role
from gridbee.people.demo import DEMO_ACCOUNTS
from gridbee.people.models import User
from gridbee.people.tests import county as county_module
from gridbee.reports.actions import ensure_default_categories
from gridbee.rewards.actions import cash
from gridbee.rewards.choices import CashRewardStatus as S
from gridbee.rewards.models import CashReward, EarningRules
from gridbee.site.demo import create_demo_city

from .matrix_cash import proposed, second_reviewer


@pytest.fixture
def county(db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    ensure_default_categories()
    return county_module.build()


def api(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def decide_by_api(user, reward) -> None:
    response = api(user).post(
        f"/api/cash-rewards/{reward.pk}/decide", {"approve": True}, content_type="application/json"
    )
    assert response.status_code == 200, response.content


def pay_by_api(user, rewards, reference="ZZ-1"):
    body = {"reward_ids": [r.pk for r in rewards], "reference": reference}
    return api(user).post("/api/cash-payouts/paid", body, content_type="application/json")


def statuses() -> dict[int, str]:
    return dict(CashReward.objects.values_list("pk", "status"))


def test_the_approver_cannot_mark_a_reward_paid_and_nothing_of_the_batch_is(county):
    mine = proposed(county, "mine")
    also_mine = proposed(county, "also", at=(0.005, 0.008))
    theirs = proposed(county, "theirs", at=(0.005, 0.011))
    for reward in (mine, also_mine):
        decide_by_api(county.reviewer, reward)
    decide_by_api(second_reviewer(county), theirs)
    before = statuses()

    response = pay_by_api(county.reviewer, [theirs, mine, also_mine])
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "rewards.same_approver"
    assert body["details"] == {"reward_ids": [mine.pk, also_mine.pk]}
    assert f"#{mine.pk}, #{also_mine.pk}" in body["message"]
    assert "另一人" in body["message"] and "未标记" in body["message"]
    assert statuses() == before  # all or nothing: the colleague's reward was not paid either

    assert pay_by_api(county.reviewer, [theirs]).status_code == 200
    assert pay_by_api(second_reviewer(county), [mine, also_mine]).status_code == 200
    assert set(statuses().values()) == {S.PAID}
    paid_by = dict(CashReward.objects.values_list("pk", "paid_by"))
    assert paid_by == {
        theirs.pk: county.reviewer.pk,
        mine.pk: second_reviewer(county).pk,
        also_mine.pk: second_reviewer(county).pk,
    }


def test_the_administrator_is_held_to_it_too(county):
    reward = proposed(county)
    cash.decide(reward.pk, True, "", actor=county.admin)
    assert pay_by_api(county.admin, [reward]).json()["code"] == "rewards.same_approver"
    assert pay_by_api(county.reviewer, [reward]).status_code == 200


def test_a_county_may_let_one_person_approve_and_pay(county):
    assert EarningRules().separate_cash_approval_and_payment is True  # on by default
    EarningRules.objects.create(
        county_id=county_module.layers.COUNTY, separate_cash_approval_and_payment=False
    )
    reward = proposed(county)
    decide_by_api(county.reviewer, reward)
    assert pay_by_api(county.reviewer, [reward]).status_code == 200


def test_the_payout_page_leaves_the_approvers_own_rewards_to_a_colleague(client, county):
    mine = proposed(county, "mine")
    theirs = proposed(county, "theirs", at=(0.005, 0.008))
    client.force_login(county.reviewer)
    client.post(reverse("cash-decide", args=[mine.pk]), {"decision": "approve"})
    cash.decide(theirs.pk, True, "", actor=second_reviewer(county))

    page = client.get("/review/payouts/")
    rows = {row["reward"].pk: row["left_to_another"] for row in page.context["rows"]}
    assert rows == {mine.pk: True, theirs.pk: False}
    html = page.content.decode()
    assert f'name="reward" value="{mine.pk}">' in html  # not ticked
    assert f'name="reward" value="{theirs.pk}" checked>' in html

    both = {"reward": [mine.pk, theirs.pk], "reference": "ZZ-9"}
    response = client.post(reverse("cash-paid"), both, follow=True)
    [message] = [str(m) for m in response.context["messages"]]
    assert f"#{mine.pk}" in message and f"#{theirs.pk}" not in message and "另一人" in message
    assert set(statuses().values()) == {S.APPROVED}

    client.post(reverse("cash-paid"), {"reward": [theirs.pk], "reference": "ZZ-9"})
    client.force_login(second_reviewer(county))
    client.post(reverse("cash-paid"), {"reward": [mine.pk], "reference": "ZZ-9"})
    assert set(statuses().values()) == {S.PAID}


def test_the_demo_reviewer_can_pay_the_demo_approved_rewards(db):
    create_demo_city()
    reviewer = User.objects.get(
        mobile=next(a["mobile"] for a in DEMO_ACCOUNTS if a["role"] == Role.REVIEWER)
    )
    due = list(CashReward.objects.filter(status=S.APPROVED))
    assert len(due) == 2
    assert pay_by_api(reviewer, due, "DEMO-1").status_code == 200
