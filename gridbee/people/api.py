"""The people API: tokens, enrolment, partners, teams, certificate checks. Handlers parse,
authorize, call an action or a scoped query, and present."""

from django.db.models import Prefetch
from ninja import Router, Status

from gridbee.core.authz import Access, Perm, needs
from gridbee.core.errors import CommonError, DomainError
from gridbee.core.schemas import ErrorOut

from . import actions, presenters
from .addresses import client_address
from .auth import LOGGED_IN
from .choices import ApplicationAction, PartnerAction
from .errors import PeopleError
from .models import Application, Certificate, Partner, TeamMember
from .queries import applications_for, get_visible, partner_of, partners_for, teams_for
from .schemas import (
    ApplicationCreatedOut,
    ApplicationIn,
    ApplicationOut,
    ApplicationStatusOut,
    BindingsIn,
    DecisionIn,
    MeOut,
    PartnerDetailOut,
    PartnerOut,
    StatusChangeIn,
    TeamOut,
    TokenIn,
    TokenOut,
    VerificationOut,
)

router = Router(tags=["people"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}

_PARTNER_RELATED = ["user", "industry", "station", "county", "certificate", "membership__team"]


def _partners(user):
    return partners_for(user).select_related(*_PARTNER_RELATED).prefetch_related("bindings__grid")


# --- tokens ---------------------------------------------------------------------------------


@router.post("/auth/token", response={200: TokenOut, **ERRORS, 429: ErrorOut}, auth=None)
@needs(Access.ANYONE)
def create_token(request, body: TokenIn):
    """Log in from a mobile client; send the token as `Authorization: Bearer <token>`."""
    raw, token = actions.issue_token(request, body.mobile, body.password)
    return {"token": raw, "expires_at": token.expires_at}


@router.delete("/auth/token", response={204: None, **ERRORS}, auth=LOGGED_IN)
@needs(Access.SIGNED_IN)
def delete_token(request):
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        actions.revoke_token(header[7:].strip())
    return Status(204, None)


# --- me -------------------------------------------------------------------------------------


@router.get("/me", response={200: MeOut, **ERRORS}, auth=LOGGED_IN)
@needs(Access.SIGNED_IN)
def me(request):
    user = request.user
    partner = partner_of(user)
    if partner is not None:
        partner = Partner.objects.select_related(*_PARTNER_RELATED).get(pk=partner.pk)
    return {
        "id": user.pk,
        "name": user.name,
        "mobile": user.mobile,
        "role": user.role,
        "region_code": user.region_id,
        "partner": presenters.partner_out(user, partner, events=True) if partner else None,
    }


@router.put("/me/grids", response={200: list[str], **ERRORS}, auth=LOGGED_IN)
@needs(Access.SIGNED_IN)
def bind_my_grids(request, body: BindingsIn):
    """Bind yourself to one or two grids near where you work (就近绑定)."""
    partner = partner_of(request.user)
    if partner is None:
        raise DomainError(CommonError.FORBIDDEN)
    bindings = actions.bind_grids(partner, body.grid_codes, actor=request.user)
    return [b.grid.code for b in bindings]


# --- enrolment ------------------------------------------------------------------------------


@router.post(
    "/enrolment/applications",
    response={201: ApplicationCreatedOut, **ERRORS, 429: ErrorOut},
    auth=None,
)
@needs(Access.ANYONE)
def apply(request, body: ApplicationIn):
    """Apply to become a partner (个人自愿). No account needed; keep the status token."""
    application = actions.submit_application(**body.dict(), address=client_address(request))
    return Status(201, application)


@router.get("/enrolment/status/{token}", response={200: ApplicationStatusOut, **ERRORS}, auth=None)
@needs(Access.ANYONE)
def application_status(request, token: str):
    """The applicant's own view, through the secret link given at application."""
    application = get_visible(Application.objects.select_related("station"), _pk_for_token(token))
    return {
        "id": application.pk,
        "status": application.status,
        "name": application.name,
        "station": application.station.name,
        "submitted_at": application.submitted_at,
        "steps": presenters.steps(application),
    }


def _pk_for_token(token: str):
    return Application.objects.filter(status_token=token).values_list("pk", flat=True).first()


def _applications(user):
    return (
        applications_for(user)
        .select_related("industry", "station")
        .prefetch_related("grids", "steps")
    )


@router.get(
    "/enrolment/applications", response={200: list[ApplicationOut], **ERRORS}, auth=LOGGED_IN
)
@needs(Perm.APPLICATIONS_VIEW)
def list_applications(request, status: str | None = None):
    applications = _applications(request.user)
    if status:
        applications = applications.filter(status=status)
    return [presenters.application_out(request.user, a) for a in applications[:200]]


@router.get(
    "/enrolment/applications/{application_id}",
    response={200: ApplicationOut, **ERRORS},
    auth=LOGGED_IN,
)
@needs(Perm.APPLICATIONS_VIEW)
def get_application(request, application_id: int):
    application = get_visible(_applications(request.user), application_id)
    return presenters.application_out(request.user, application)


def _decide(action: str):
    def handler(request, application_id: int, body: DecisionIn):
        actions.act_on_application(application_id, action, actor=request.user, note=body.note)
        application = get_visible(_applications(request.user), application_id)
        return presenters.application_out(request.user, application)

    handler.__name__ = f"{action}_application"
    handler.__doc__ = {
        ApplicationAction.RECOMMEND: "The station recommends its worker (行业推荐).",
        ApplicationAction.DECLINE: "The station declines, with a reason.",
        ApplicationAction.APPROVE: "The county approves (县级审核): account and certificate.",
        ApplicationAction.REJECT: "The county rejects, with a reason.",
    }[action]
    return handler


for _action in (
    ApplicationAction.RECOMMEND,
    ApplicationAction.DECLINE,
    ApplicationAction.APPROVE,
    ApplicationAction.REJECT,
):
    router.post(
        f"/enrolment/applications/{{application_id}}/{_action}",
        response={200: ApplicationOut, **ERRORS},
        auth=LOGGED_IN,
    )(needs(actions.enrolment.TRANSITIONS[_action].who)(_decide(_action)))


# --- partners -------------------------------------------------------------------------------


@router.get("/partners", response={200: list[PartnerOut], **ERRORS}, auth=LOGGED_IN)
@needs(Perm.PARTNERS_VIEW)
def list_partners(request, status: str | None = None):
    partners = _partners(request.user)
    if status:
        partners = partners.filter(status=status)
    return [presenters.partner_out(request.user, p) for p in partners[:500]]


@router.get("/partners/{partner_id}", response={200: PartnerDetailOut, **ERRORS}, auth=LOGGED_IN)
@needs(Perm.PARTNERS_VIEW)
def get_partner(request, partner_id: int):
    partner = get_visible(_partners(request.user).prefetch_related("events__actor"), partner_id)
    return presenters.partner_out(request.user, partner, events=True)


def _change(action: str):
    def handler(request, partner_id: int, body: StatusChangeIn):
        actions.change_partner_status(
            partner_id, action, actor=request.user, reason=body.reason, note=body.note
        )
        partner = get_visible(_partners(request.user).prefetch_related("events__actor"), partner_id)
        return presenters.partner_out(request.user, partner, events=True)

    handler.__name__ = f"{action}_partner"
    handler.__doc__ = f"{action.capitalize()} a partner, with a reason (动态进出)."
    return handler


for _action in (PartnerAction.SUSPEND, PartnerAction.REVOKE, PartnerAction.REINSTATE):
    router.post(
        f"/partners/{{partner_id}}/{_action}",
        response={200: PartnerDetailOut, **ERRORS},
        auth=LOGGED_IN,
    )(needs(Perm.PARTNERS_MANAGE)(_change(_action)))


# --- teams ----------------------------------------------------------------------------------


def _teams(user):
    members = TeamMember.objects.select_related("partner", "leader")
    return (
        teams_for(user)
        .select_related("captain")
        .prefetch_related(Prefetch("members", queryset=members))
    )


def _team_out(team) -> dict:
    return {
        "id": team.pk,
        "name": team.name,
        "county_code": team.county_id,
        "captain": team.captain.name if team.captain else None,
        "members": [
            {
                "partner_id": m.partner_id,
                "name": m.partner.name,
                "role": m.role,
                "leader_partner_id": m.leader.partner_id if m.leader else None,
                "status": m.partner.status,
            }
            for m in team.members.all()
        ],
    }


@router.get("/teams", response={200: list[TeamOut], **ERRORS}, auth=LOGGED_IN)
@needs(Perm.TEAMS_VIEW)
def list_teams(request):
    return [_team_out(t) for t in _teams(request.user)]


@router.get("/teams/{team_id}", response={200: TeamOut, **ERRORS}, auth=LOGGED_IN)
@needs(Perm.TEAMS_VIEW)
def get_team(request, team_id: int):
    return _team_out(get_visible(_teams(request.user), team_id))


# --- public certificate check ---------------------------------------------------------------


@router.get("/certificates/{token}", response={200: VerificationOut, 404: ErrorOut}, auth=None)
@needs(Access.ANYONE)
def verify_certificate(request, token: str):
    """What anyone scanning the QR code may know: masked name, industry, county, status."""
    certificate = (
        Certificate.objects.select_related("partner__industry", "partner__county")
        .filter(token=token)
        .first()
    )
    if certificate is None:
        raise DomainError(PeopleError.NOT_FOUND)
    return presenters.verification_out(certificate)
