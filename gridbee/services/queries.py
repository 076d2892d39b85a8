"""Every read of services data, scoped to the caller. "Not found" and "not yours" answer alike."""

from django.db.models import QuerySet

from gridbee.cases.models import Message
from gridbee.core import queries as core_queries
from gridbee.core.authz import Perm, has_perm
from gridbee.core.errors import DomainError
from gridbee.geo.choices import Level
from gridbee.geo.models import Region
from gridbee.people.choices import Role
from gridbee.people.queries import partner_of

from .choices import SignupStatus
from .errors import ServicesError
from .models import Activity, Notice, RuleChange, ServicePoint, Signup

ALL = "*"


def county_of(user) -> str | None:
    """The county a user belongs to (ALL for the administrator, None for none)."""
    if not (user and user.is_authenticated):
        return None
    if user.role == Role.ADMIN:
        return ALL
    if user.role == Role.STATION:
        return user.station.county_id if user.station_id else None
    if user.role == Role.DEPARTMENT:
        return user.department.county_id if user.department_id else None
    partner = partner_of(user)
    if partner is not None:
        return partner.county_id
    return f"{user.region_id[:6]}000000" if user.region_id else None


def own_county(user, chosen: str | None = None) -> str:
    """The caller's county for a write. The administrator, who serves every county, names the
    one (`chosen`, a county's code; counties_to_choose lists them); anyone else's is their own
    whatever they name. Refused for an account tied to no county."""
    county = county_of(user)
    if county == ALL:
        chosen = str(chosen or "").strip()
        if not Region.objects.filter(code=chosen, level=Level.COUNTY).exists():
            raise DomainError(ServicesError.COUNTY_REQUIRED)
        return chosen
    if county is None:
        raise DomainError(ServicesError.NO_COUNTY)
    return county


def counties_to_choose(user) -> QuerySet[Region]:
    """The counties the caller picks from when they serve more than one (the administrator)."""
    if county_of(user) != ALL:
        return Region.objects.none()
    return Region.objects.filter(level=Level.COUNTY).order_by("code")


def in_county(
    queryset: QuerySet, user, field: str = "county_id", chosen: str | None = None
) -> QuerySet:
    """The rows of the caller's county; the administrator's, of every county or the one
    chosen. Anyone else's chosen county is ignored: theirs is their own."""
    county = county_of(user)
    if county is None:
        return queryset.none()
    if county == ALL:
        return queryset.filter(**{field: chosen}) if chosen else queryset
    return queryset.filter(**{field: county})


def get_visible(queryset: QuerySet, pk):
    return core_queries.get_visible(queryset, pk, ServicesError.NOT_FOUND)


# --- stations -----------------------------------------------------------------------------------


def stations_to_manage(user) -> QuerySet[ServicePoint]:
    """The county's stations for its operators; a company station's staff, their own."""
    if not has_perm(user, Perm.STATIONS_MANAGE):
        return ServicePoint.objects.none()
    if user.role == Role.STATION:
        return (
            ServicePoint.objects.filter(station_id=user.station_id)
            if user.station_id
            else (ServicePoint.objects.none())
        )
    return in_county(ServicePoint.objects.all(), user)


def stations_to_show() -> QuerySet[ServicePoint]:
    """Stations are public services: every signed-in caller sees the active ones."""
    return ServicePoint.objects.filter(active=True)


# --- activities ---------------------------------------------------------------------------------


def activities_for(user) -> QuerySet[Activity]:
    """Partners and staff see their county's activities; the administrator, all."""
    return in_county(Activity.objects.filter(cancelled=False), user)


def activities_to_manage(user) -> QuerySet[Activity]:
    if not has_perm(user, Perm.ACTIVITIES_MANAGE):
        return Activity.objects.none()
    return in_county(Activity.objects.all(), user)


def my_signups(partner) -> QuerySet[Signup]:
    return Signup.objects.filter(partner=partner).select_related("activity")


def confirmed(activity) -> QuerySet[Signup]:
    return activity.signups.filter(status=SignupStatus.CONFIRMED)


def credited(partner) -> QuerySet[Signup]:
    """The partner's volunteer-hour record (志愿服务记录): attendance credited as hours."""
    return (
        Signup.objects.filter(partner=partner, credited_minutes__gt=0)
        .select_related("activity", "activity__county")
        .order_by("activity__starts_at")
    )


# --- rules, inbox -------------------------------------------------------------------------------


def rule_history(user, county: str | None = None) -> QuerySet[RuleChange]:
    """The changes of the caller's county rules; the administrator's, of the county named."""
    if not has_perm(user, Perm.RULES_MANAGE):
        return RuleChange.objects.none()
    return in_county(RuleChange.objects.select_related("actor"), user, chosen=county)


def notices_for(user) -> QuerySet[Notice]:
    return Notice.objects.filter(recipient=user) if user.is_authenticated else Notice.objects.none()


def unread_counts(user) -> dict:
    """Unread case messages and notices: the header's badge."""
    if not user.is_authenticated:
        return {"messages": 0, "notices": 0, "total": 0}
    messages = Message.objects.filter(recipient=user, read_at__isnull=True).count()
    notices = Notice.objects.filter(recipient=user, read_at__isnull=True).count()
    return {"messages": messages, "notices": notices, "total": messages + notices}
