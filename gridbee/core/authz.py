"""Who may do what, at the bottom of the layers so every app can ask: the roles, every
permission named once as <scope>:<resource>:<action>, which roles hold it, and `needs()`, with
which each API operation declares the one it needs (and gets it enforced). Where a permission
applies (which county, station, grid) is the business of each app's queries."""

import functools
from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _

from .errors import CommonError, DomainError


class Role(models.TextChoices):
    PARTNER = "partner", _("Partner")
    TEAM_LEAD = "team_lead", _("Team lead")
    STATION = "station", _("Station")
    OPERATOR = "operator", _("Grid operator")
    DEPARTMENT = "department", _("Department handler")
    REVIEWER = "reviewer", _("County reviewer")
    ADMIN = "admin", _("Administrator")
    MEDIATOR = "mediator", _("Mediator")  # 调解员, of a mediation organisation
    PLATFORM = "platform", _("Platform company")  # 平台企业's account: a party to disputes


class Perm(StrEnum):
    APPLICATIONS_VIEW = "people:applications:view"
    APPLICATIONS_RECOMMEND = "people:applications:recommend"  # 行业推荐
    APPLICATIONS_REVIEW = "people:applications:review"  # 县级审核
    PARTNERS_VIEW = "people:partners:view"
    PARTNERS_MANAGE = "people:partners:manage"  # 动态进出
    TEAMS_VIEW = "people:teams:view"
    BINDINGS_OWN = "people:bindings:own"  # a partner binds their own grids
    CASES_VIEW = "cases:cases:view"
    CASES_TRIAGE = "cases:cases:triage"  # 平急分流, accept, dispatch, verify, merge, split
    CASES_HANDLE = "cases:cases:handle"  # a department signs for, handles, hands back
    CASES_SUPERVISE = "cases:cases:supervise"  # 督办: the area's escalated and overdue cases
    POINTS_VIEW = "rewards:points:view"  # a county's ledgers, statements, rankings
    POINTS_ADJUST = "rewards:points:adjust"  # corrections to a partner's points
    SHOP_MANAGE = "rewards:shop:manage"  # items, stock, orders of the county's shop
    SHOP_HAND_OVER = "rewards:shop:hand_over"  # a station hands over what was redeemed
    CASH_VIEW = "rewards:cash:view"  # the area's cash rewards: for who proposes, decides, pays
    CASH_PROPOSE = "rewards:cash:propose"  # 奖补: proposed at verification
    CASH_DECIDE = "rewards:cash:decide"  # approved or refused by the county
    CASH_PAY = "rewards:cash:pay"  # payout lists, marked paid
    CLAIMS_RECORD = "claims:claims:record"  # 诉求: oral claims, filing, assigning, archiving
    CLAIMS_ANSWER = "claims:claims:answer"  # a responsible body handles and answers a claim
    MEDIATIONS_MANAGE = "claims:mediations:manage"  # accept, refuse, assign a mediator, refer
    MEDIATIONS_MEDIATE = "claims:mediations:mediate"  # sessions, agreements, extensions
    MEDIATIONS_RESPOND = "claims:mediations:respond"  # the employer or platform as a party
    ALERTS_MANAGE = "alerts:alerts:manage"  # 预警: publish, follow, mark sightings, close
    RULES_MANAGE = "rewards:rules:manage"  # the county's earning rules, cash grades, window
    TEAMS_MANAGE = "people:teams:manage"  # a captain's squads, sub-captains and members
    STATIONS_MANAGE = "services:stations:manage"  # 驿站: the county's, or a station's own
    ACTIVITIES_MANAGE = "services:activities:manage"  # publishing activities, check-in codes
    STATS_VIEW = "stats:dashboards:view"  # indicators, league tables, heat map (统计)
    STATS_EXPORT = "stats:cases:export"  # case lists as CSV/XLSX, league tables as XLSX


ROLE_PERMS: dict[str, frozenset[Perm]] = {
    Role.PARTNER: frozenset({Perm.BINDINGS_OWN}),
    Role.TEAM_LEAD: frozenset({Perm.PARTNERS_VIEW, Perm.TEAMS_VIEW, Perm.TEAMS_MANAGE}),
    Role.STATION: frozenset(
        {
            Perm.APPLICATIONS_VIEW,
            Perm.APPLICATIONS_RECOMMEND,
            Perm.PARTNERS_VIEW,
            Perm.SHOP_HAND_OVER,
            Perm.STATIONS_MANAGE,
        }
    ),
    Role.OPERATOR: frozenset(
        {
            Perm.PARTNERS_VIEW,
            Perm.TEAMS_VIEW,
            Perm.CASES_VIEW,
            Perm.CASES_TRIAGE,
            Perm.CASH_VIEW,
            Perm.CASH_PROPOSE,
            Perm.CLAIMS_RECORD,
            Perm.MEDIATIONS_MANAGE,
            Perm.ALERTS_MANAGE,
            Perm.STATIONS_MANAGE,
            Perm.ACTIVITIES_MANAGE,
            Perm.STATS_VIEW,
            Perm.STATS_EXPORT,
        }
    ),
    # Alerts: only the county's police (its linkage channel 警情) publish missing-person alerts;
    # the alerts' queries scope every other department out.
    Role.DEPARTMENT: frozenset(
        {
            Perm.CASES_VIEW,
            Perm.CASES_HANDLE,
            Perm.CLAIMS_ANSWER,
            Perm.ALERTS_MANAGE,
            Perm.STATS_VIEW,
        }
    ),
    Role.REVIEWER: frozenset(
        {
            Perm.APPLICATIONS_VIEW,
            Perm.APPLICATIONS_REVIEW,
            Perm.PARTNERS_VIEW,
            Perm.PARTNERS_MANAGE,
            Perm.TEAMS_VIEW,
            Perm.CASES_VIEW,
            Perm.CASES_SUPERVISE,
            Perm.POINTS_VIEW,
            Perm.POINTS_ADJUST,
            Perm.SHOP_MANAGE,
            Perm.CASH_VIEW,
            Perm.CASH_DECIDE,
            Perm.CASH_PAY,
            Perm.CLAIMS_RECORD,
            Perm.MEDIATIONS_MANAGE,
            Perm.RULES_MANAGE,
            Perm.STATS_VIEW,
            Perm.STATS_EXPORT,
        }
    ),
    Role.ADMIN: frozenset(Perm),
    Role.MEDIATOR: frozenset({Perm.MEDIATIONS_MANAGE, Perm.MEDIATIONS_MEDIATE}),
    Role.PLATFORM: frozenset({Perm.CLAIMS_ANSWER, Perm.MEDIATIONS_RESPOND}),
}


# A sub-captain (分队长) is a partner chosen to lead a squad: as a partner they report, as a
# lead they see their squad, whatever their account's role.
SQUAD_LEAD_PERMS = frozenset({Perm.PARTNERS_VIEW, Perm.TEAMS_VIEW})


def has_perm(user, perm: Perm) -> bool:
    if not (user and user.is_authenticated and user.is_active):
        return False
    if perm in ROLE_PERMS.get(user.role, frozenset()):
        return True
    return perm in SQUAD_LEAD_PERMS and user.leads_a_squad


def require(user, perm: Perm) -> None:
    if not has_perm(user, perm):
        raise DomainError(CommonError.FORBIDDEN)


class Access(StrEnum):
    """What an operation needs when it is not one permission: its own rows decide."""

    ANYONE = "anyone"  # public (a certificate check, the categories)
    SIGNED_IN = "signed_in"  # any account, for what is its own (my reports, my messages)
    BY_STEP = "by_step"  # the case kind's step table says who (workflow.act)


def needs(access: Perm | Access):
    """Declare what an API operation needs, directly under its @router decorator; a
    permission is checked before the operation runs, so the declared one is the one enforced
    (the role matrix holds them together). `request.user` is who the operation's auth let in:
    the token's user (TokenAuth sets it) or the session's. functools.wraps leaves the
    operation's signature and names to Ninja (inspect.signature follows __wrapped__)."""
    if not isinstance(access, (Perm, Access)):
        raise TypeError(f"needs() takes a Perm or an Access, not {access!r}")

    def declare(view):
        @functools.wraps(view)
        def checked(request, *args, **kwargs):
            # The operation's auth already refuses anonymous callers; an operation whose auth
            # was left off must not run for them on the strength of its declaration.
            if access != Access.ANYONE and not request.user.is_authenticated:
                raise DomainError(CommonError.NOT_AUTHENTICATED)
            if isinstance(access, Perm):
                require(request.user, access)
            return view(request, *args, **kwargs)

        checked.access = access
        return checked

    return declare
