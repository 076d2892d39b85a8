"""Rows of the API role matrix (people/tests/test_api_matrix.py) for the cash operations:
the same Op shape, merged into its OPS; PATH_PARAMETERS maps our placeholders to the schema's.
Also the builders the cash tests share: a verified report, a proposed and an approved reward,
made through the real intake, workflow and actions."""

from gridbee.cases import workflow
from gridbee.cases.actions import mark_emergency
from gridbee.cases.models import Report
from gridbee.geo.tests import layers
from gridbee.people.choices import Role
from gridbee.people.models import User
from gridbee.people.tests import county as county_module
from gridbee.people.tests.matrix_base import LOGGED_IN, Op, only
from gridbee.reports.actions import Sender, ensure_default_categories, submit_report
from gridbee.reports.tests import images
from gridbee.rewards.actions import cash

# The steps that bring a fresh case to verification, and to closure where a reward may be
# proposed (逐级核实审批后). An emergency is handled on the scene: the responder arrives first.
ON_SCENE = {"lat": layers.Y0 + 0.005, "lon": layers.X0 + 0.005, "accuracy_m": 8.0}
TO_HANDLED = [
    ("accept", "operator", {}),
    ("dispatch", "operator", {"department_code": "cgj"}),
    ("sign", "department_user", {}),
    ("arrive", "department_user", ON_SCENE),
    ("handle", "department_user", {"note": "已清运", "photos": "photo"}),
]
TO_CLOSED = [*TO_HANDLED, ("verify_pass", "operator", {})]
SECOND_REVIEWER = "13900000026"


def reports_of_a_case(
    county, key: str, *, count=1, steps=TO_CLOSED, at=(0.005, 0.005), emergency=True
):
    """A case opened by `count` reports of the county's partner (the first is 首报), raised to
    an emergency unless told otherwise (by default a county's cash grades are for the first
    report of an emergency), moved along `steps`; returns its reports, the first report first."""
    ensure_default_categories()
    sender = Sender.of_partner(county.partner)
    lat, lon = layers.Y0 + at[0], layers.X0 + at[1]
    ids = [
        submit_report(
            sender, idempotency_key=f"{key}-{n}", category_code="overflowing_bins",
            lat=lat, lon=lon, photos=[images.jpeg(320, 240)],
        )[0]["report_id"]
        for n in range(count)
    ]  # fmt: skip
    reports = list(Report.objects.filter(pk__in=ids).order_by("-is_first", "pk"))
    if emergency:
        mark_emergency(reports[0].case_id, actor=county.operator, note="有人受伤")
    for action, who, extra in steps:
        if extra.get("photos") == "photo":
            extra = {**extra, "photos": [images.jpeg(320, 240)]}
        workflow.act(reports[0].case_id, action, actor=getattr(county, who), **extra)
    return reports


def proposed(county, key: str = "cash", grade: int = 2, **options):
    report = reports_of_a_case(county, key, **options)[0]
    return cash.propose(report.pk, grade, "首报, 及时发现", actor=county.operator)


def second_reviewer(county):
    """Another reviewer of the county. Whoever approves a cash reward may not also mark it paid
    (the county's rule, on by default): this one approves, the county's reviewer pays."""
    return User.objects.filter(mobile=SECOND_REVIEWER).first() or county_module.staff(
        SECOND_REVIEWER, Role.REVIEWER, "吴审核", region_id=layers.COUNTY
    )


def approved(county, key: str = "cash-ok", grade: int = 2, **options):
    reward = proposed(county, key, grade, **options)
    return cash.decide(reward.pk, True, "", actor=second_reviewer(county))


def _report(c) -> None:
    c.cash_report = reports_of_a_case(c, "m-cash")[0].pk


def _proposed(c) -> None:
    c.cash_reward = proposed(c, "m-cash").pk


def _approved(c) -> None:
    c.cash_approved = approved(c, "m-cash").pk


STAFF = ["operator", "reviewer", "admin"]
PAYERS = ["reviewer", "admin"]
OPS = {
    "cash_propose": Op(
        "POST",
        "/api/cash-rewards",
        only(201, ["operator", "admin"]),
        body=lambda c: {"report_id": c.cash_report, "grade": 2, "reason": "应急首报"},
        prepare=_report,
    ),
    "cash_list": Op(
        "GET", "/api/cash-rewards?status=proposed", only(200, [*STAFF, "far_reviewer"]),
        prepare=_proposed,
    ),
    "cash_reward": Op(
        "GET", "/api/cash-rewards/{cash_reward}",
        {**only(200, STAFF), "far_reviewer": 404}, prepare=_proposed,
    ),
    "cash_decide": Op(
        "POST", "/api/cash-rewards/{cash_reward}/decide",
        {**only(200, PAYERS), "far_reviewer": 404},
        body={"approve": False, "note": "价值不足"}, prepare=_proposed,
    ),
    "cash_payouts": Op(
        "GET", "/api/cash-payouts", only(200, [*PAYERS, "far_reviewer"]), prepare=_approved
    ),
    "cash_export": Op(
        "GET", "/api/cash-payouts/export?format=xlsx", only(200, [*PAYERS, "far_reviewer"]),
        prepare=_approved,
    ),
    "cash_export_csv": Op(
        "GET", "/api/cash-payouts/export?format=csv", only(200, [*PAYERS, "far_reviewer"]),
        prepare=_approved,
    ),
    "cash_paid": Op(
        "POST", "/api/cash-payouts/paid", {**only(200, PAYERS), "far_reviewer": 404},
        body=lambda c: {"reward_ids": [c.cash_approved], "reference": "ZZ2026-0001"},
        prepare=_approved,
    ),
    "my_cash": Op("GET", "/api/me/cash-rewards", only(200, LOGGED_IN), prepare=_approved),
}  # fmt: skip
PATH_PARAMETERS: dict[str, str] = {"{cash_reward}": "{reward_id}"}
