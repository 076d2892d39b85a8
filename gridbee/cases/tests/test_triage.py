"""Operators correct what intake decided: merge duplicates, split what is not, raise urgency."""

import pytest

from gridbee.cases import actions
from gridbee.cases.models import Case, Report
from gridbee.core.errors import DomainError
from gridbee.geo.tests import layers
from gridbee.reports.actions import Sender, submit_report
from gridbee.reports.tests import images


def report(county, key, dy=0.0, category="overflowing_bins"):
    answer, _ = submit_report(
        Sender.of_partner(county.partner), idempotency_key=key, category_code=category,
        lat=layers.Y0 + 0.005 + dy, lon=layers.X0 + 0.005, photos=[images.jpeg(160, 120)],
    )  # fmt: skip
    return answer


def test_merging_moves_the_reports_and_keeps_the_earliest_first_report(county):
    a, b = report(county, "a"), report(county, "b", dy=0.01)
    target = actions.merge_cases(a["case"]["id"], [b["case"]["id"]], actor=county.operator)
    assert target.report_count == 2 and target.first_report_id == a["report_id"]
    source = Case.objects.get(pk=b["case"]["id"])
    assert source.status == "merged" and source.merged_into == target
    assert Report.objects.get(pk=b["report_id"]).is_first is False
    assert [e.kind for e in target.events.all()] == ["opened", "merged"]


def test_splitting_opens_a_new_case_whose_earliest_report_is_first(county):
    a, b = report(county, "a"), report(county, "b")
    assert a["case"]["id"] == b["case"]["id"]
    new = actions.split_case(a["case"]["id"], [b["report_id"]], actor=county.operator)
    assert new.report_count == 1 and new.first_report_id == b["report_id"]
    assert Report.objects.get(pk=b["report_id"]).is_first is True
    assert Case.objects.get(pk=a["case"]["id"]).report_count == 1


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda c, a, b: actions.merge_cases(a, [a], actor=c.operator), "cases.merge_mismatch"),
        (lambda c, a, b: actions.merge_cases(a, [b], actor=c.reviewer), "auth.forbidden"),
        (lambda c, a, b: actions.merge_cases(a, [b], actor=c.far_reviewer), "cases.not_found"),
        (lambda c, a, b: actions.split_case(a, [], actor=c.operator), "cases.split_invalid"),
    ],
)
def test_wrong_corrections_are_refused_and_change_nothing(county, make, code):
    a, b = report(county, "a"), report(county, "b", dy=0.01, category="illegal_ads")
    before = list(Case.objects.order_by("pk").values_list("pk", "status", "report_count"))
    with pytest.raises(DomainError) as caught:
        make(county, a["case"]["id"], b["case"]["id"])
    assert caught.value.code == code
    assert list(Case.objects.order_by("pk").values_list("pk", "status", "report_count")) == before


def test_an_operator_raises_a_case_to_emergency_on_the_timeline(county):
    a = report(county, "a")
    case = actions.mark_emergency(a["case"]["id"], actor=county.operator, note="老人被困")
    assert case.urgency == "emergency"
    event = case.events.last()
    assert (event.kind, event.actor_role, event.note) == (
        "marked_emergency",
        "operator",
        "老人被困",
    )
