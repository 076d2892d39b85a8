"""The captain's squads page: name sub-captains, move members between squads, and the month's
reports, alert answers and activities of each member (team leads and sub-captains see it)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gridbee.core.authz import Perm, has_perm
from gridbee.core.errors import DomainError
from gridbee.core.pages import needs
from gridbee.people.choices import TeamRole
from gridbee.people.queries import get_visible as get_visible_team
from gridbee.people.queries import teams_for

from .. import actions_teams as actions
from ..team_month import members_this_month


@needs(Perm.TEAMS_VIEW)
def squads(request, pk: int):
    try:
        team = get_visible_team(teams_for(request.user), pk)
    except DomainError:
        raise Http404 from None
    can_manage = has_perm(request.user, Perm.TEAMS_MANAGE) and (
        team.captain_id == request.user.pk or request.user.role == "admin"
    )
    if request.method == "POST":
        if not can_manage:
            raise Http404
        partner_id = request.POST.get("partner_id")
        try:
            if request.POST.get("do") == "sub_captain":
                actions.name_sub_captain(pk, partner_id, actor=request.user)
            elif request.POST.get("do") == "step_down":
                actions.step_down(pk, partner_id, actor=request.user)
            else:
                actions.move_member(pk, partner_id, request.POST.get("squad") or None,
                                    actor=request.user)  # fmt: skip
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Saved."))
        return redirect("team-squads", pk=pk)
    members = members_this_month(team)
    leads = [m for m in members if m["role"] == TeamRole.SUB_CAPTAIN]
    return render(request, "services/squads.html", {
        "team": team, "members": members, "leads": leads, "can_manage": can_manage,
    })  # fmt: skip


@needs(Perm.TEAMS_VIEW)
def my_teams(request):
    teams = list(teams_for(request.user)[:20])
    if len(teams) == 1:
        return redirect("team-squads", pk=teams[0].pk)
    return render(request, "services/teams.html", {"teams": teams})
