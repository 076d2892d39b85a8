"""Teams in the app (三级体系: 队长 → 分队长 → 队员): the captain names sub-captains, each
leading a squad, and moves members between squads; a newly approved partner lands in a team by
the county's rule; a team lead refers a worker, whose application joins the enrolment queue."""

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from gridbee.core.authz import Perm, require
from gridbee.core.errors import DomainError
from gridbee.people import actions as people_actions
from gridbee.people.choices import ApplicationAction, Role, TeamRole
from gridbee.people.models import ApplicationStep, Partner, Team, TeamMember

from .actions_inbox import notify
from .errors import ServicesError
from .models import TeamRule
from .queries import get_visible, in_county


def teams_to_manage(actor):
    """A captain runs their own teams; the administrator, any."""
    require(actor, Perm.TEAMS_MANAGE)
    teams = Team.objects.all()
    return teams if actor.role == Role.ADMIN else teams.filter(captain=actor)


def _member(team: Team, partner_id) -> TeamMember:
    member = (
        TeamMember.objects.select_for_update()
        .filter(team=team, partner_id=partner_id)
        .select_related("partner__user")
        .first()
    )
    if member is None:
        raise DomainError(ServicesError.NOT_IN_TEAM)
    return member


def name_sub_captain(team_id, partner_id, *, actor) -> TeamMember:
    """A member becomes a sub-captain (分队长): a new squad, led by them, empty at first."""
    with transaction.atomic():
        team = get_visible(teams_to_manage(actor), team_id)
        member = _member(team, partner_id)
        if member.role != TeamRole.SUB_CAPTAIN:
            member.role, member.leader = TeamRole.SUB_CAPTAIN, None
            member.save(update_fields=["role", "leader"])
            notify(member.partner.user, "squad_lead",
                   _("You are now a sub-captain in %(team)s.") % {"team": team.name},
                   "/teams/")  # fmt: skip
    return member


def step_down(team_id, partner_id, *, actor) -> TeamMember:
    """A sub-captain becomes a member again; their squad's members are left without one
    until the captain moves them."""
    with transaction.atomic():
        team = get_visible(teams_to_manage(actor), team_id)
        member = _member(team, partner_id)
        if member.role == TeamRole.SUB_CAPTAIN:
            member.followers.update(leader=None)
            member.role = TeamRole.MEMBER
            member.save(update_fields=["role"])
    return member


def move_member(team_id, partner_id, squad_lead_id, *, actor) -> TeamMember:
    """Put a member in the squad led by the partner `squad_lead_id` (None: no squad)."""
    with transaction.atomic():
        team = get_visible(teams_to_manage(actor), team_id)
        member = _member(team, partner_id)
        if member.role == TeamRole.SUB_CAPTAIN:
            raise DomainError(ServicesError.NOT_A_SQUAD)
        leader = None
        if squad_lead_id not in (None, ""):
            leader = TeamMember.objects.filter(
                team=team, partner_id=squad_lead_id, role=TeamRole.SUB_CAPTAIN
            ).first()
            if leader is None:
                raise DomainError(ServicesError.NOT_A_SQUAD)
        if member.leader_id != (leader.pk if leader else None):
            member.leader = leader
            member.save(update_fields=["leader"])
            if leader is not None:
                notify(member.partner.user, "squad_moved",
                       _("You are now in the squad of %(lead)s.") % {"lead": leader.partner.name},
                       "/teams/")  # fmt: skip
    return member


# --- where a new partner lands ----------------------------------------------------------------


def set_team_rule(*, actor, team_id, station_id=None, industry_id=None) -> TeamRule:
    """The county's rule: partners of this station (or industry; neither: everyone else) join
    this team. Set by the county reviewer or a captain for their own team."""
    if actor.role == Role.TEAM_LEAD:
        team = get_visible(teams_to_manage(actor), team_id)
    else:
        require(actor, Perm.PARTNERS_MANAGE)
        team = get_visible(in_county(Team.objects.all(), actor), team_id)
    with transaction.atomic():
        rule, _created = TeamRule.objects.update_or_create(
            county_id=team.county_id, station_id=station_id or None,
            industry_id=industry_id or None, defaults={"team": team},
        )  # fmt: skip
    return rule


def rule_for(partner: Partner) -> TeamRule | None:
    rules = TeamRule.objects.filter(county_id=partner.county_id).filter(
        Q(station_id=partner.station_id)
        | Q(station__isnull=True, industry_id=partner.industry_id)
        | Q(station__isnull=True, industry__isnull=True)
    )
    ranked = sorted(rules, key=lambda r: (r.station_id is None, r.industry_id is None))
    return ranked[0] if ranked else None


def place_new_partner(partner: Partner) -> TeamMember | None:
    """Called as a partner is enrolled (people's ENROLLED hook, in its transaction)."""
    rule = rule_for(partner)
    if rule is None or TeamMember.objects.filter(partner=partner).exists():
        return None
    return TeamMember.objects.create(team=rule.team, partner=partner, role=TeamRole.MEMBER)


# --- a team lead refers a worker --------------------------------------------------------------


def refer(*, actor, note: str = "", **application):
    """队长推荐: the worker's application, submitted by the team lead (who holds the papers),
    waits in the station's queue like any other, its first step naming who referred it."""
    require(actor, Perm.TEAMS_MANAGE)
    # The worker has chosen no password: the account starts with none usable.
    created = people_actions.submit_application(
        accepted_rules=True, password_hash=make_password(None), **application
    )
    ApplicationStep.objects.filter(application=created, action=ApplicationAction.SUBMIT).update(
        actor=actor, actor_role=actor.role, note=(note or _("Referred by the team lead"))[:500]
    )
    return created
