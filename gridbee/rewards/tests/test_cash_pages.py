"""The cash reward pages: the proposal on the operator's case page, the reviewer's queue, the
payout page and the partner's own list."""

from django.urls import reverse

from gridbee.geo.tests import layers
from gridbee.rewards.actions import cash
from gridbee.rewards.choices import CashRewardStatus as S
from gridbee.rewards.models import CashReward, EarningRules

from .matrix_cash import TO_HANDLED, approved, proposed, reports_of_a_case


def login(client, user):
    client.force_login(user)
    return client


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_the_case_page_offers_the_operator_a_proposal(client, county):
    report = reports_of_a_case(county, "a", emergency=True)[0]
    html = login(client, county.operator).get(f"/console/cases/{report.case_id}/").content.decode()
    assert 'data-action="cash-propose"' in html
    assert f'<option value="{report.pk}">★' in html  # the emergency's 首报, flagged first
    assert "¥200.00" in html and "¥50.00" in html


def test_no_proposal_on_a_case_still_in_hand_nor_for_a_reviewer(client, county):
    open_report = reports_of_a_case(county, "o", steps=TO_HANDLED[:2])[0]
    html = login(client, county.operator).get(f"/console/cases/{open_report.case_id}/")
    assert 'id="cash-rewards"' not in html.content.decode()
    closed = reports_of_a_case(county, "c", at=(0.005, 0.008))[0]
    html = login(client, county.reviewer).get(f"/console/cases/{closed.case_id}/")
    assert 'data-action="cash-propose"' not in html.content.decode()


def test_proposing_from_the_case_page(client, county):
    report = reports_of_a_case(county, "p")[0]
    url = reverse("cash-propose", args=[report.case_id])
    login(client, county.operator)
    response = client.post(url, {"report": report.pk, "grade": "2", "reason": "及时"}, follow=True)
    reward = CashReward.objects.get(report=report)
    assert (reward.grade, reward.amount_fen, reward.status) == (2, 10000, S.PROPOSED)
    html = response.content.decode()
    assert f'data-cash-reward="{reward.pk}"' in html and "刘网格" in html
    again = client.post(url, {"report": report.pk, "grade": "3", "reason": "再"}, follow=True)
    assert messages_of(again) and CashReward.objects.get(report=report).grade == 2
    other = reports_of_a_case(county, "q", at=(0.005, 0.008))[0]
    assert client.post(url, {"report": other.pk, "grade": "1", "reason": "x"}).status_code == 404
    assert not CashReward.objects.filter(report=other).exists()


def test_the_reviewer_decides_in_the_queue(client, county):
    EarningRules.objects.create(county_id=layers.COUNTY, cash_for="any_verified")
    urgent = proposed(county, "u", emergency=True, at=(0.005, 0.008))
    plain = proposed(county, "p", emergency=False)
    response = login(client, county.reviewer).get("/review/cash/")
    assert response.status_code == 200
    assert [r["reward"].pk for r in response.context["rows"]] == [urgent.pk, plain.pk]
    assert {t["value"]: t["count"] for t in response.context["tabs"]}["proposed"] == 2
    html = response.content.decode()
    assert html.count('data-action="approve"') == 2 and html.count('data-action="refuse"') == 2
    url = reverse("cash-decide", args=[plain.pk])
    response = client.post(url, {"decision": "refuse", "note": ""}, follow=True)
    assert messages_of(response) and CashReward.objects.get(pk=plain.pk).status == S.PROPOSED
    client.post(url, {"decision": "refuse", "note": "日常巡查"})
    client.post(reverse("cash-decide", args=[urgent.pk]), {"decision": "approve"})
    statuses = dict(CashReward.objects.values_list("pk", "status"))
    assert statuses == {plain.pk: S.REFUSED, urgent.pk: S.APPROVED}


def test_who_sees_the_queue(client, county):
    reward = proposed(county)
    html = login(client, county.operator).get("/review/cash/").content.decode()
    assert f'data-cash-reward="{reward.pk}"' in html and 'data-action="approve"' not in html
    login(client, county.far_reviewer)
    assert client.get("/review/cash/").context["rows"] == []
    decide = reverse("cash-decide", args=[reward.pk])
    assert client.post(decide, {"decision": "approve"}).status_code == 404
    assert login(client, county.partner_user).get("/review/cash/").status_code == 403
    assert login(client, county.operator).post(decide, {"decision": "approve"}).status_code == 403
    assert CashReward.objects.get(pk=reward.pk).status == S.PROPOSED


def test_the_payout_page_exports_and_marks_paid(client, county):
    one = approved(county, "1")
    two = approved(county, "2", grade=4, at=(0.005, 0.008))
    response = login(client, county.reviewer).get("/review/payouts/")
    html = response.content.decode()
    assert "¥300.00" in html and county.partner_user.mobile in html
    assert 'data-export="xlsx"' in html and 'data-export="csv"' in html
    xlsx = client.get(response.context["xlsx_url"])
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    csv = client.get(response.context["csv_url"])
    assert csv.content.startswith(b"\xef\xbb\xbf")
    response = client.post("/review/payouts/paid/", {"reward": [one.pk, two.pk], "reference": ""})
    assert CashReward.objects.filter(status=S.PAID).count() == 0
    client.post("/review/payouts/paid/", {"reward": [one.pk, two.pk], "reference": "ZZ-7"})
    assert set(CashReward.objects.values_list("status", "paid_reference")) == {(S.PAID, "ZZ-7")}
    assert client.get("/review/payouts/").context["rows"] == []
    assert login(client, county.operator).get("/review/payouts/").status_code == 403


def test_the_partner_sees_their_approved_and_paid_rewards(client, county):
    waiting = proposed(county, "w")
    paid = approved(county, "p", at=(0.005, 0.008))
    cash.mark_paid([paid.pk], "WX-1", actor=county.reviewer)
    due = approved(county, "d", grade=1, at=(0.005, 0.011))
    response = login(client, county.partner_user).get("/me/rewards/cash/")
    assert [r["reward"].pk for r in response.context["rows"]] == [due.pk, paid.pk]
    html = response.content.decode()
    assert f'data-cash-reward="{waiting.pk}"' not in html
    assert "WX-1" in html and "¥50.00" in html and "¥100.00" in html


def test_the_home_pages_link_the_queue(client, county):
    for user in (county.reviewer, county.operator):
        assert reverse("cash-queue") in login(client, user).get("/").content.decode()
