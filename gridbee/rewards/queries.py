"""Reads of points, statements, rankings and suspension proposals, scoped to the caller: a
partner sees their own; the county's staff with POINTS_VIEW see their county's; everybody
else nothing. "Not found" and "not yours" answer the same."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from gridbee.core.authz import Perm, has_perm
from gridbee.core.errors import CommonError, DomainError
from gridbee.core.queries import get_visible
from gridbee.geo.queries import region_prefix
from gridbee.people.choices import Role
from gridbee.people.models import Partner, Team
from gridbee.people.queries import in_region, partner_of, region_scope, teams_for

from . import ledger, rankings, statements
from .actions import earning
from .errors import RewardsError
from .models import MonthlyStatement, PointsEntry, SuspensionProposal


def my_partner(user) -> Partner:
    """The caller as a partner, or FORBIDDEN for anyone else (staff have no points card)."""
    partner = partner_of(user)
    if partner is None:
        raise DomainError(CommonError.FORBIDDEN)
    return partner


def history(partner) -> QuerySet[PointsEntry]:
    """A partner's ledger, newest first (in the order the covering index holds it)."""
    return PointsEntry.objects.filter(partner=partner).order_by("-day", "-id")


def _county_prefix(user, perm: Perm) -> str | None:
    """The region code prefix whose partners' points `user` may see, None for nothing."""
    if not has_perm(user, perm):
        return None
    return region_scope(user)


def points_partners_for(user) -> QuerySet[Partner]:
    """Partners whose ledger and statements the caller (staff with POINTS_VIEW) may read."""
    partners = Partner.objects.select_related("station", "county", "user")
    return in_region(partners, _county_prefix(user, Perm.POINTS_VIEW))


def visible_partner(user, partner_id) -> Partner:
    return get_visible(points_partners_for(user), partner_id, RewardsError.NOT_FOUND)


def statements_for(user) -> QuerySet[MonthlyStatement]:
    """Own statements for a partner; the county's for staff with POINTS_VIEW."""
    statements = MonthlyStatement.objects.select_related("partner")
    partner = partner_of(user)
    if partner is not None and not has_perm(user, Perm.POINTS_VIEW):
        return statements.filter(partner=partner)
    return in_region(statements, _county_prefix(user, Perm.POINTS_VIEW))


def proposals_for(user) -> QuerySet[SuspensionProposal]:
    """Suspension proposals of the county, for who decides on partners (PARTNERS_MANAGE)."""
    proposals = SuspensionProposal.objects.select_related("partner", "partner__station")
    return in_region(proposals, _county_prefix(user, Perm.PARTNERS_MANAGE))


def ranking_region(user, county: str | None = None) -> str:
    """The region code prefix of a county ranking the caller asked for: a partner's own
    county; for staff with POINTS_VIEW a county inside their scope (by default their own, or
    everything for an administrator without one). NOT_FOUND outside, FORBIDDEN for others."""
    partner = partner_of(user)
    if has_perm(user, Perm.POINTS_VIEW):
        scope = region_scope(user)
        if scope is None:
            raise DomainError(RewardsError.NOT_FOUND)
        if not county:
            return region_prefix(user.region_id) if user.region_id else scope
        prefix = region_prefix(county) if county.isdigit() and len(county) == 12 else None
        if prefix is None or not prefix.startswith(scope):
            raise DomainError(RewardsError.NOT_FOUND)
        return prefix
    if partner is not None:
        if county and county != partner.county_id:
            raise DomainError(RewardsError.NOT_FOUND)
        return region_prefix(partner.county_id)
    raise DomainError(CommonError.FORBIDDEN)


def teams_ranked_for(user) -> QuerySet[Team]:
    """Teams whose ranking the caller may see: their own team (a partner), the teams they
    lead (captains, sub-captains), every team of the county (staff with POINTS_VIEW)."""
    if has_perm(user, Perm.POINTS_VIEW):
        return in_region(Team.objects.all(), region_scope(user))
    partner = partner_of(user)
    mine = Q(members__partner=partner) if partner is not None else Q(pk__in=[])
    led = teams_for(user).values("pk") if user.is_authenticated else []
    return Team.objects.filter(mine | Q(pk__in=led)).distinct()


def may_rank_teams(user) -> bool:
    return (
        has_perm(user, Perm.POINTS_VIEW)
        or partner_of(user) is not None
        or (user.is_authenticated and user.role == Role.TEAM_LEAD)
    )


def visible_team(user, team_id) -> Team:
    if not may_rank_teams(user):
        raise DomainError(CommonError.FORBIDDEN)
    return get_visible(teams_ranked_for(user), team_id, RewardsError.NOT_FOUND)


def sees_full_names(user) -> bool:
    """County staff see partners' names in rankings; partners see them masked (but their own)."""
    return user.is_authenticated and user.role != Role.PARTNER


def points_card(partner: Partner) -> dict:
    """积分卡: balance, today's check-in, this month's statement so far, and the partner's
    rank this month (by points) in their county and their team (None when unranked)."""
    today = timezone.localdate()
    period = rankings.period_of("month", today)
    membership = Team.objects.filter(members__partner=partner).first()

    def rank(rows):
        row = rankings.rank_of(rows, partner.pk)
        return None if row is None else {**row, "of": len(rows)}

    county_rows = rankings.ranking(period, region=region_prefix(partner.county_id))
    return {
        "balance": ledger.balance(partner),
        "checked_in_today": PointsEntry.objects.filter(
            key=earning.check_in_key(partner, today)
        ).exists(),
        "this_month": statements.compute(partner, period.start),
        "county_rank": rank(county_rows),
        "team": membership,
        "team_rank": rank(rankings.ranking(period, team=membership)) if membership else None,
    }
