"""The live streams (Server-Sent Events) of the case pages: the console's and the department's
queue, one case's page, and a person's own events. Each decides who may hear what before its
stream starts, and an open stream holds no database connection (see core.live.stream)."""

from gridbee.core import live
from gridbee.core.authz import Perm, has_perm
from gridbee.core.errors import DomainError
from gridbee.people.choices import Role

from .. import queries


def queue_topics(user) -> list[str]:
    """The topics carrying the events of the cases this user's queues may hold, and of no other
    (as queries.cases_for scopes them): a department hears what was sent to it, an operator
    bound to grids those grids, the staff of a town or community their area, county-wide
    staff their counties."""
    from gridbee.geo.choices import Level
    from gridbee.geo.models import Region
    from gridbee.people.queries import EVERYWHERE, region_scope

    if not has_perm(user, Perm.CASES_VIEW):
        return []
    if user.role == Role.DEPARTMENT:
        return [live.department_topic(user.department_id)] if user.department_id else []
    if user.role == Role.OPERATOR and not user.region_id:
        return [live.grid_topic(pk) for pk in user.grids.values_list("pk", flat=True)]
    prefix = region_scope(user)
    if prefix is None:
        return []
    if len(prefix) > 6:
        return [live.area_topic(prefix)]
    if len(prefix) == 6:
        return [live.county_topic(f"{prefix}000000")]
    counties = Region.objects.filter(level=Level.COUNTY)
    if prefix != EVERYWHERE:
        counties = counties.filter(code__startswith=prefix)
    return [live.county_topic(code) for code in counties.values_list("code", flat=True)[:500]]


def _case_topics(user, case_id) -> list[str]:
    if not user.is_authenticated:
        return []
    try:
        case = queries.timeline_case(user, case_id)
    except DomainError:
        return []
    return [live.case_topic(case.pk)]


def _own_topics(user) -> list[str]:
    return [live.user_topic(user.pk)] if user.is_authenticated else []


async def live_queue(request):
    return await live.stream(request, queue_topics, refused=403, anonymous=401)


async def live_case(request, case_id: int):
    return await live.stream(
        request, lambda user: _case_topics(user, case_id), refused=404, anonymous=None
    )


async def live_mine(request):
    return await live.stream(request, _own_topics, refused=401, anonymous=401)
