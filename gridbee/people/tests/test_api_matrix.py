"""Every API operation against every role: allowed where the table says so, and otherwise
refused with no side effect at all. A new operation fails the completeness test until it has
a row here."""

import functools
import io

import pytest
from django.test import Client
from ninja.utils import normalize_path

from gridbee.alerts.tests import matrix_alerts
from gridbee.api import api
from gridbee.cases import workflow
from gridbee.cases.kinds import REPORTER
from gridbee.cases.models import Case, CaseEvent, Photo
from gridbee.cases.tests import matrix_linkage
from gridbee.claims.tests import matrix_claims
from gridbee.core.authz import Access, Perm, has_perm
from gridbee.geo.tests import layers
from gridbee.people import actions
from gridbee.people.models import (
    ApiToken,
    Application,
    ApplicationStep,
    GridBinding,
    Partner,
    PartnerEvent,
    User,
)
from gridbee.reports.actions import Sender, ensure_default_categories, submit_report
from gridbee.reports.tests import images
from gridbee.rewards.models import (
    CashReward,
    Item,
    MonthlyStatement,
    Order,
    PointsAccount,
    PointsEntry,
)
from gridbee.rewards.tests import matrix_cash, matrix_points, matrix_shop
from gridbee.services.tests import matrix_services
from gridbee.stats.tests import matrix_stats

from . import county as fixture
from .matrix_base import EVERYONE, FAR, LOGGED_IN, ROLES, Op, only

REWARDS_MATRICES = (
    matrix_points,
    matrix_shop,
    matrix_cash,
    matrix_claims,
    matrix_alerts,
    matrix_linkage,
    matrix_services,
    matrix_stats,
)


@functools.cache
def photo() -> bytes:
    return images.jpeg(320, 240)


def categories(county) -> None:
    ensure_default_categories()


def cases(county) -> None:
    """Two cases of one category (to merge), the first with two reports (to split)."""
    categories(county)
    partner = Sender.of_partner(county.partner)
    places = [(layers.Y0 + 0.005, layers.X0 + 0.005)] * 2 + [(layers.Y0 + 0.015, layers.X0 + 0.005)]
    answers = [
        submit_report(
            partner,
            idempotency_key=f"m{n}",
            category_code="overflowing_bins",
            lat=lat,
            lon=lon,
            photos=[photo()],
        )[0]
        for n, (lat, lon) in enumerate(places)
    ]
    county.case = answers[0]["case"]["id"]
    county.second_report = answers[1]["report_id"]
    county.other_case = answers[2]["case"]["id"]
    county.photo = Photo.objects.filter(report_id=answers[0]["report_id"]).get().pk


def signed_case(county) -> None:
    """A case dispatched to the county's 城管 and signed for: the department's to handle."""
    cases(county)
    for action, extra in (("accept", {}), ("dispatch", {"department_code": "cgj"})):
        workflow.act(county.case, action, actor=county.operator, **extra)
    workflow.act(county.case, "sign", actor=county.department_user)


def handled_case(county) -> None:
    """A case reported by a second partner and handled: the fixture's partner, bound to its
    grid, may photograph the result (众包核查)."""
    categories(county)
    application = county.submitted
    actions.act_on_application(application.pk, "recommend", actor=county.station_user)
    actions.act_on_application(application.pk, "approve", actor=county.reviewer)
    application.refresh_from_db()
    answer, _ = submit_report(
        Sender.of_partner(application.partner), idempotency_key="crowd",
        category_code="overflowing_bins", lat=layers.Y0 + 0.005, lon=layers.X0 + 0.005,
        photos=[photo()],
    )  # fmt: skip
    county.handled_case = answer["case"]["id"]
    for action, actor, extra in (
        ("accept", county.operator, {}), ("dispatch", county.operator, {"department_code": "cgj"}),
        ("sign", county.department_user, {}),
        ("handle", county.department_user, {"note": "已清运", "photos": [photo()]}),
    ):  # fmt: skip
        workflow.act(county.handled_case, action, actor=actor, **extra)


OPS = {
    "health": Op("GET", "/api/health", only(200, EVERYONE)),
    "locate": Op(
        "GET",
        f"/api/geo/locate?lat={layers.Y0 + 0.005}&lon={layers.X0 + 0.005}",
        only(200, EVERYONE),
    ),
    "grids": Op(
        "GET",
        f"/api/geo/grids?bbox={layers.X0},{layers.Y0},{layers.X0 + 0.01},{layers.Y0 + 0.01}",
        only(200, EVERYONE),
    ),
    "token": Op(
        "POST",
        "/api/auth/token",
        only(200, EVERYONE),
        body={"mobile": "13700000000", "password": fixture.PASSWORD},
    ),
    "logout": Op("DELETE", "/api/auth/token", only(204, LOGGED_IN)),
    "me": Op("GET", "/api/me", only(200, LOGGED_IN)),
    "bind": Op("PUT", "/api/me/grids", {"partner": 200}, body={"grid_codes": [fixture.GRID_2]}),
    "apply": Op(
        "POST",
        "/api/enrolment/applications",
        only(201, EVERYONE),
        body={
            "name": "新申请",
            "mobile": "13700000009",
            "id_number": "52273119950505001X",
            "password": fixture.PASSWORD,
            "station_id": "{station}",
            "work_area": "城南",
            "grid_codes": [fixture.GRID_1],
            "accepted_rules": True,
        },
    ),
    "status": Op("GET", "/api/enrolment/status/{status_token}", only(200, EVERYONE)),
    "applications": Op(
        "GET", "/api/enrolment/applications", only(200, ["station", "reviewer", "admin", *FAR])
    ),
    "application": Op(
        "GET",
        "/api/enrolment/applications/{submitted}",
        {**only(200, ["station", "reviewer", "admin"]), **only(404, FAR)},
    ),
    "recommend": Op(
        "POST",
        "/api/enrolment/applications/{submitted}/recommend",
        {**only(200, ["station", "admin"]), "far_station": 404},
        body={"note": ""},
    ),
    "decline": Op(
        "POST",
        "/api/enrolment/applications/{submitted}/decline",
        {**only(200, ["station", "admin"]), "far_station": 404},
        body={"note": "不是本站员工"},
    ),
    "approve": Op(
        "POST",
        "/api/enrolment/applications/{recommended}/approve",
        {**only(200, ["reviewer", "admin"]), "far_reviewer": 404},
        body={"note": ""},
    ),
    "reject": Op(
        "POST",
        "/api/enrolment/applications/{recommended}/reject",
        {**only(200, ["reviewer", "admin"]), "far_reviewer": 404},
        body={"note": "材料不全"},
    ),
    "partners": Op(
        "GET",
        "/api/partners",
        only(200, ["partner", "team_lead", "station", "operator", "reviewer", "admin", *FAR]),
    ),
    "partner": Op(
        "GET",
        "/api/partners/{partner}",
        {
            **only(200, ["partner", "team_lead", "station", "operator", "reviewer", "admin"]),
            **only(404, FAR),
        },
    ),
    "suspend": Op(
        "POST",
        "/api/partners/{partner}/suspend",
        {**only(200, ["reviewer", "admin"]), "far_reviewer": 404},
        body={"reason": "inactivity", "note": ""},
    ),
    "revoke": Op(
        "POST",
        "/api/partners/{partner}/revoke",
        {**only(200, ["reviewer", "admin"]), "far_reviewer": 404},
        body={"reason": "false_reports", "note": "三次虚假上报"},
    ),
    "reinstate": Op(
        "POST",
        "/api/partners/{partner}/reinstate",
        {**only(200, ["reviewer", "admin"]), "far_reviewer": 404},
        body={"reason": "reviewed", "note": ""},
        prepare=lambda c: actions.change_partner_status(
            c.partner.pk, "suspend", actor=c.reviewer, reason="inactivity"
        ),
    ),
    "teams": Op(
        "GET",
        "/api/teams",
        only(200, ["partner", "team_lead", "operator", "reviewer", "admin", "far_reviewer"]),
    ),
    "team": Op(
        "GET",
        "/api/teams/{team}",
        {
            **only(200, ["partner", "team_lead", "operator", "reviewer", "admin"]),
            "far_reviewer": 404,
        },
    ),
    "verify": Op("GET", "/api/certificates/{certificate}", only(200, EVERYONE)),
    "report": Op(
        "POST",
        "/api/reports",
        {"partner": 201},
        multipart=True,
        prepare=categories,
        body=lambda c: {
            "category": "overflowing_bins",
            "lat": layers.Y0 + 0.005,
            "lon": layers.X0 + 0.005,
            "photos": [io.BytesIO(photo())],
        },
    ),
    "my_reports": Op("GET", "/api/reports/mine", only(200, LOGGED_IN)),
    "categories": Op("GET", "/api/categories", only(200, EVERYONE), prepare=categories),
    "photo": Op(
        "GET",
        "/api/photos/{photo}",
        {
            **only(200, ["partner", "operator", "reviewer", "admin"]),
            **only(404, ["team_lead", "station", "department", *FAR]),
        },
        prepare=cases,
    ),
    "emergencies": Op(
        "GET",
        "/api/cases/emergencies",
        only(200, ["operator", "department", "reviewer", "admin", "far_reviewer"]),
    ),
    "case": Op(
        "GET",
        "/api/cases/{case}",
        {
            **only(200, ["operator", "reviewer", "admin"]),
            **only(404, ["department", "far_reviewer"]),
        },
        prepare=cases,
    ),
    "emergency": Op(
        "POST",
        "/api/cases/{case}/emergency",
        only(200, ["operator", "admin"]),
        body={"note": "有人被困"},
        prepare=cases,
    ),
    "merge": Op(
        "POST",
        "/api/cases/{case}/merge",
        only(200, ["operator", "admin"]),
        body=lambda c: {"source_ids": [c.other_case], "note": ""},
        prepare=cases,
    ),
    "split": Op(
        "POST",
        "/api/cases/{case}/split",
        only(200, ["operator", "admin"]),
        body=lambda c: {"report_ids": [c.second_report], "note": ""},
        prepare=cases,
    ),
    "step": Op("POST", "/api/cases/{case}/steps/accept",
               {**only(200, ["operator", "admin"]),
                **only(404, ["partner", "team_lead", "station", "department", *FAR])},
               body={"note": "", "version": 0}, prepare=cases),
    "handle": Op("POST", "/api/cases/{case}/handle",
                 {**only(200, ["department", "admin"]),
                  **only(404, ["partner", "team_lead", "station", *FAR])},
                 multipart=True, prepare=signed_case,
                 body=lambda c: {"note": "已清运", "photos": [io.BytesIO(photo())]}),
    "timeline": Op("GET", "/api/cases/{case}/timeline",
                   {**only(200, ["partner", "operator", "reviewer", "admin"]),
                    **only(404, ["team_lead", "station", "department", *FAR])},
                   prepare=cases),
    "messages": Op("GET", "/api/messages", only(200, LOGGED_IN)),
    "escalations": Op("GET", "/api/cases/escalations",
                      only(200, ["reviewer", "admin", "far_reviewer"]), prepare=cases),
    "crowd_offers": Op("GET", "/api/crowd-checks/offers", {"partner": 200},
                       prepare=handled_case),
    "crowd_check": Op("POST", "/api/cases/{handled_case}/crowd-check", {"partner": 201},
                      multipart=True, prepare=handled_case,
                      body=lambda c: {"lat": layers.Y0 + 0.005, "lon": layers.X0 + 0.005,
                                      "photo": io.BytesIO(photo())}),
}  # fmt: skip
# Each part of rewards lists its operations in a module of its own (see rewards/tests/).
for _part in REWARDS_MATRICES:
    OPS.update(_part.OPS)


def snapshot():
    return {
        "applications": sorted(Application.objects.values_list("id", "status")),
        "steps": ApplicationStep.objects.count(),
        "partners": sorted(Partner.objects.values_list("id", "status")),
        "events": PartnerEvent.objects.count(),
        "bindings": sorted(GridBinding.objects.values_list("partner_id", "grid_id")),
        "users": User.objects.count(),
        "cases": sorted(Case.objects.values_list("id", "status", "version", "urgency")),
        "case_events": CaseEvent.objects.count(),
        "tokens": ApiToken.objects.count(),
        "points": sorted(PointsEntry.objects.values_list("partner_id", "amount", "kind")),
        "accounts": sorted(PointsAccount.objects.values_list("partner_id", "balance")),
        "orders": sorted(Order.objects.values_list("id", "status")),
        "stock": sorted(Item.objects.values_list("id", "stock", "active")),
        "cash": sorted(CashReward.objects.values_list("id", "status", "paid_reference")),
        "statements": MonthlyStatement.objects.count(),
    }


def client_for(county, role: str) -> Client:
    client = Client()
    if role != "anonymous":
        user = county.users[role]
        user.refresh_from_db()  # a prepare step may have ended their logins (a suspension)
        client.force_login(user)
    return client


class _Places(dict):
    """Placeholder values read from the county when a path or body names them."""

    def __init__(self, county):
        super().__init__()
        self.county = county

    def __missing__(self, name):
        c = self.county
        values = {
            "submitted": lambda: c.submitted.pk,
            "recommended": lambda: c.recommended.pk,
            "partner": lambda: c.partner.pk,
            "team": lambda: c.team.pk,
            "certificate": lambda: c.partner.certificate.token,
            "status_token": lambda: c.submitted.status_token,
            "station": lambda: c.station.pk,
        }
        return values[name]() if name in values else getattr(c, name)


def fill(text: str, county) -> str:
    return text.format_map(_Places(county))


def call(client: Client, op: Op, county):
    body = op.body(county) if callable(op.body) else op.body
    if isinstance(body, dict):
        body = {k: fill(v, county) if isinstance(v, str) else v for k, v in body.items()}
    if body and "station_id" in body:
        body["station_id"] = int(body["station_id"])
    method = getattr(client, op.method.lower())
    if op.multipart:
        return method(fill(op.path, county), body, headers={"Idempotency-Key": "matrix"})
    if body is None:
        return method(fill(op.path, county))
    return method(fill(op.path, county), body, content_type="application/json")


CASES = [(name, role) for name in OPS for role in ROLES]


@pytest.mark.parametrize(("name", "role"), CASES, ids=[f"{n}-{r}" for n, r in CASES])
def test_every_operation_for_every_role(county, name, role):
    op = OPS[name]
    if op.prepare:
        op.prepare(county)
    before = snapshot()
    response = call(client_for(county, role), op, county)
    expected = op.expected(role)
    assert response.status_code == expected, response.content
    if expected >= 400:
        assert response.json()["code"], "every refusal carries a stable error code"
        assert snapshot() == before, "a refused request changed something"


def test_scoped_lists_hold_only_what_the_caller_may_see(county):
    far = client_for(county, "far_reviewer")
    assert far.get("/api/enrolment/applications").json() == []
    assert far.get("/api/partners").json() == []
    assert far.get("/api/teams").json() == []
    near = client_for(county, "reviewer")
    assert {a["id"] for a in near.get("/api/enrolment/applications").json()} == {
        county.submitted.pk,
        county.recommended.pk,
        county.partner.pk and Application.objects.get(partner=county.partner).pk,
    }


PATH_PARAMETERS = {
    "{submitted}": "{application_id}",
    "{recommended}": "{application_id}",
    "{partner}": "{partner_id}",
    "{team}": "{team_id}",
    "{certificate}": "{token}",
    "{status_token}": "{token}",
    "{case}": "{case_id}",
    "{photo}": "{photo_id}",
    "{handled_case}": "{case_id}",
    "/steps/accept": "/steps/{action}",
}
for _part in REWARDS_MATRICES:
    PATH_PARAMETERS.update(getattr(_part, "PATH_PARAMETERS", {}))


def schema_key(op: Op) -> tuple[str, str]:
    """The operation a row calls, as the OpenAPI schema names it: (method, path)."""
    path = op.path.split("?")[0]
    for ours, theirs in PATH_PARAMETERS.items():
        path = path.replace(ours, theirs)
    return op.method, path


def test_the_matrix_covers_every_operation_of_the_api():
    schema = api.get_openapi_schema()
    documented = {
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method in operations
    }
    assert documented == {schema_key(op) for op in OPS.values()}


def api_operations():
    """(method, path, view) for every operation of the API, the view being the function its
    router registered. The schema binds the routers; then api._routers (kept by Ninja for
    this) lists every router, nested ones too, with its whole prefix."""
    paths = api.get_openapi_schema()["paths"]
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            full = normalize_path("/".join(("/api", prefix, path)))
            assert full in paths, full
            for operation in path_view.operations:
                for method in operation.methods:
                    yield method, full, operation.view_func


def needed(access, op: Op):
    """The permission a row's caller needs: the declared one, or for BY_STEP the one the step
    table gives the row's step (the last part of its path); None when no permission decides."""
    if access == Access.BY_STEP:
        steps = op.steps if op.steps is not None else workflow.STEPS
        who = steps[op.path.split("?")[0].rsplit("/", 1)[-1]].who
        return None if who == REPORTER else who
    return access if isinstance(access, Perm) else None


def disagreements(access, op: Op, county) -> list[str]:
    """Where a row of the matrix contradicts what its operation declares. A declared Perm is
    checked before the handler runs: a logged-in role without it gets 403, nothing else; a
    role holding it is never refused for want of it (other answers stay the handler's: 200,
    or 404 where its rows are out of the caller's reach). A step's permission is checked after
    the case is found among those the caller may see: without it, 403 or 404 ("not yours").
    Only ANYONE is open to anonymous callers."""
    found = []
    if (op.expected("anonymous") == 401) == (access == Access.ANYONE):
        found.append(f"anonymous {op.expected('anonymous')} but declared {access}")
    perm = needed(access, op)
    for role in LOGGED_IN:
        expected = op.expected(role)
        if perm is None:
            if expected == 401:
                found.append(f"{role} logged in but {expected}")
        elif has_perm(county.users[role], perm):
            if expected == 403:
                found.append(f"{role} holds {perm.value} but 403")
        elif expected not in ({403, 404} if access == Access.BY_STEP else {403}):
            found.append(f"{role} lacks {perm.value} but {expected}")
    return found


def test_every_operation_declares_what_it_needs_and_the_matrix_agrees(county):
    """Each operation declares one Perm or Access (@needs, directly under its @router
    decorator), and every row of the matrix for it answers as the declaration says; the
    matrix above checks the rows against the real answers, so declared = enforced."""
    rows = {}
    for name, op in OPS.items():
        rows.setdefault(schema_key(op), []).append(name)
    problems, seen = [], 0
    for method, path, view in api_operations():
        seen += 1
        access = getattr(view, "access", None)
        if access is None:
            problems.append(f"{method} {path}: no @needs(...) under its @router decorator")
            continue
        if hasattr(getattr(view, "__wrapped__", None), "access"):
            problems.append(f"{method} {path}: more than one @needs(...)")
        for name in rows.get((method, path), []):
            found = disagreements(access, OPS[name], county)
            problems += [f"{method} {path} ({name}): {d}" for d in found]
    assert seen == len(rows), "every operation of the schema was walked"
    assert not problems, "\n".join(problems)
