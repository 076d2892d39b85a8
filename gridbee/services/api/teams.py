"""Teams in the app over JSON: squads and sub-captains, moving members, where new partners
land, referrals into the enrolment queue, and the team's month."""

from ninja import Router, Status

from gridbee.core.authz import Perm, needs
from gridbee.core.schemas import ErrorOut, Id
from gridbee.people.auth import LOGGED_IN
from gridbee.people.queries import get_visible as get_visible_team
from gridbee.people.queries import teams_for

from .. import actions_teams as actions
from ..schemas import MemberMonthOut, PartnerRef, ReferralIn, ReferralOut, SquadIn, TeamRuleIn
from ..team_month import members_this_month

router = Router(tags=["services"])
ERRORS = dict.fromkeys((400, 401, 403, 404, 409, 429), ErrorOut)


@router.get(
    "/teams/{team_id}/month", response={200: list[MemberMonthOut], **ERRORS}, auth=LOGGED_IN
)
@needs(Perm.TEAMS_VIEW)
def team_month(request, team_id: Id):
    """Each member's reports, alert answers and activities this month."""
    return members_this_month(get_visible_team(teams_for(request.user), team_id))


@router.post("/teams/{team_id}/sub-captains", response={200: dict, **ERRORS}, auth=LOGGED_IN)
@needs(Perm.TEAMS_MANAGE)
def name_sub_captain(request, team_id: Id, body: PartnerRef):
    """The captain names a member sub-captain: a new squad, led by them."""
    member = actions.name_sub_captain(team_id, body.partner_id, actor=request.user)
    return {"partner_id": member.partner_id, "role": member.role}


@router.delete(
    "/teams/{team_id}/sub-captains/{partner_id}", response={200: dict, **ERRORS}, auth=LOGGED_IN
)
@needs(Perm.TEAMS_MANAGE)
def step_down(request, team_id: Id, partner_id: Id):
    member = actions.step_down(team_id, partner_id, actor=request.user)
    return {"partner_id": member.partner_id, "role": member.role}


@router.put(
    "/teams/{team_id}/members/{partner_id}/squad", response={200: dict, **ERRORS}, auth=LOGGED_IN
)
@needs(Perm.TEAMS_MANAGE)
def move_member(request, team_id: Id, partner_id: Id, body: SquadIn):
    """Move a member into the squad of the sub-captain `squad_lead_id` (null: no squad)."""
    member = actions.move_member(team_id, partner_id, body.squad_lead_id, actor=request.user)
    return {"partner_id": member.partner_id, "squad_lead_id": body.squad_lead_id}


@router.put("/teams/{team_id}/rule", response={200: dict, **ERRORS}, auth=LOGGED_IN)
@needs(Perm.TEAMS_MANAGE)
def set_rule(request, team_id: Id, body: TeamRuleIn):
    """Newly approved partners of this station (or industry; neither: any) join this team."""
    rule = actions.set_team_rule(
        actor=request.user, team_id=team_id, station_id=body.station_id,
        industry_id=body.industry_id,
    )  # fmt: skip
    return {"team_id": rule.team_id, "station_id": rule.station_id,
            "industry_id": rule.industry_id}  # fmt: skip


@router.post("/referrals", response={201: ReferralOut, **ERRORS}, auth=LOGGED_IN)
@needs(Perm.TEAMS_MANAGE)
def refer(request, body: ReferralIn):
    """队长推荐: a worker's application, referred by the team lead, joins the station's queue."""
    application = actions.refer(actor=request.user, **body.dict())
    return Status(201, {"application_id": application.pk, "status": application.status})
