"""Every read of people data, scoped to what the caller may see. "Not found" and "not yours"
answer the same: a caller cannot learn that something exists outside their scope."""

from django.db.models import Q, QuerySet

from gridbee.core import queries as core_queries
from gridbee.core.authz import Perm, has_perm
from gridbee.geo.queries import region_prefix

from .choices import Role, TeamRole
from .errors import PeopleError
from .models import Application, Partner, Team

EVERYWHERE = ""


def region_scope(user) -> str | None:
    """The code prefix of the region a staff member answers for: EVERYWHERE for the
    administrator, None when the account has no region at all (it then sees nothing)."""
    if user.role == Role.ADMIN:
        return EVERYWHERE
    if user.role == Role.STATION:
        region = user.station.county_id if user.station_id else None
    elif user.role == Role.DEPARTMENT:
        region = user.department.county_id if user.department_id else None
    else:
        region = user.region_id
    return region_prefix(region) if region else None


def partner_of(user) -> Partner | None:
    if not (user and user.is_authenticated):
        return None
    try:
        return user.partner
    except Partner.DoesNotExist:
        return None


def applications_for(user) -> QuerySet[Application]:
    if not has_perm(user, Perm.APPLICATIONS_VIEW):
        return Application.objects.none()
    if user.role == Role.STATION:
        return (
            Application.objects.filter(station_id=user.station_id)
            if user.station_id
            else (Application.objects.none())
        )
    return in_region(Application.objects.all(), region_scope(user))


def partners_for(user) -> QuerySet[Partner]:
    if not has_perm(user, Perm.PARTNERS_VIEW):
        return Partner.objects.none()
    partners = Partner.objects.select_related("industry", "station", "county")
    if user.role == Role.STATION:
        return partners.filter(station_id=user.station_id) if user.station_id else partners.none()
    if user.role in (Role.TEAM_LEAD, Role.PARTNER):  # a partner here leads a squad
        return partners.filter(_led_by(user))
    if user.role == Role.OPERATOR and not user.region_id:
        # An operator scoped to a set of grids sees the partners bound to them.
        return partners.filter(bindings__grid__in=user.grids.all()).distinct()
    prefix = region_scope(user)
    if prefix is None:
        return partners.none()
    if prefix == EVERYWHERE:
        return partners
    # A town's operator sees the partners bound to grids in the town; a county's, all of its.
    return partners.filter(
        Q(county__code__startswith=prefix) | Q(bindings__grid__code__startswith=prefix)
    ).distinct()


def _led_by(user) -> Q:
    """A captain leads the whole team; a sub-captain, the members who follow them."""
    return (
        Q(membership__team__captain=user)
        | Q(membership__leader__partner__user=user)
        | Q(user=user, membership__role=TeamRole.SUB_CAPTAIN)
    )


def teams_for(user) -> QuerySet[Team]:
    if not has_perm(user, Perm.TEAMS_VIEW):
        return Team.objects.none()
    if user.role in (Role.TEAM_LEAD, Role.PARTNER):
        return Team.objects.filter(
            Q(captain=user) | Q(members__partner__user=user, members__role=TeamRole.SUB_CAPTAIN)
        ).distinct()
    return in_region(Team.objects.all(), region_scope(user))


def in_region(queryset: QuerySet, prefix: str | None, field: str = "county__code") -> QuerySet:
    """What of `queryset` lies in the region `prefix` (from region_scope): none for None."""
    if prefix is None:
        return queryset.none()
    if prefix == EVERYWHERE:
        return queryset
    return queryset.filter(**{f"{field}__startswith": prefix})


def get_visible(queryset: QuerySet, pk):
    """One object of a scoped queryset, or NOT_FOUND for missing and not-yours alike."""
    return core_queries.get_visible(queryset, pk, PeopleError.NOT_FOUND)
