"""The live stream of one alert's console page: counts and sightings as they change."""

from gridbee.core import live
from gridbee.core.errors import DomainError

from .. import queries
from ..actions import alert_topic


def _alert_topics(user, alert_id) -> list[str]:
    if not user.is_authenticated:
        return []
    try:
        alert = queries.staff_alert(user, alert_id)
    except DomainError:
        return []
    return [alert_topic(alert.pk)]


async def live_alert(request, alert_id: int):
    return await live.stream(
        request, lambda user: _alert_topics(user, alert_id), refused=404, anonymous=None
    )
