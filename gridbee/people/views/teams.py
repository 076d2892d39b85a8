"""Teams (三级体系) for leads, operators and reviewers."""

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import render

from gridbee.core.authz import Perm, has_perm
from gridbee.core.errors import DomainError
from gridbee.core.pages import needs

from ..choices import (
    PartnerStatus,
    TeamRole,
)
from ..models import TeamMember
from ..queries import get_visible, teams_for
from ._common import (
    _label,
)

# --- teams (leads, operators, reviewers) ----------------------------------------------------


def _teams(user):
    members = TeamMember.objects.select_related("partner", "leader").order_by("id")
    return (
        teams_for(user)
        .select_related("captain", "county")
        .prefetch_related(Prefetch("members", queryset=members))
    )


def _member(member: TeamMember) -> dict:
    return {
        "partner_id": member.partner_id,
        "name": member.partner.name,
        "status": member.partner.status,
        "status_label": _label(PartnerStatus, member.partner.status),
    }


@needs(Perm.TEAMS_VIEW)
def team_list(request):
    teams = [{"team": team, "size": len(team.members.all())} for team in _teams(request.user)]
    return render(request, "people/team_list.html", {"teams": teams})


@needs(Perm.TEAMS_VIEW)
def team_detail(request, pk: int):
    """三级体系: the captain, each sub-captain with their members, and members not yet
    assigned to a sub-captain."""
    try:
        team = get_visible(_teams(request.user), pk)
    except DomainError as exc:
        raise Http404(exc.message) from None
    members = list(team.members.all())
    sub_captains = [m for m in members if m.role == TeamRole.SUB_CAPTAIN]
    led = {m.pk for m in sub_captains}
    squads = [
        {"leader": _member(s), "members": [_member(m) for m in members if m.leader_id == s.pk]}
        for s in sub_captains
    ]
    unassigned = [
        _member(m) for m in members if m.role != TeamRole.SUB_CAPTAIN and m.leader_id not in led
    ]
    context = {
        "team": team,
        "squads": squads,
        "unassigned": unassigned,
        "size": len(members),
        "can_see_partners": has_perm(request.user, Perm.PARTNERS_VIEW),
    }
    return render(request, "people/team_detail.html", context)
