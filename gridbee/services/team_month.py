"""The team page's month: each member's reports, alert answers and activities this month."""

import datetime

from django.db.models import Count, Q
from django.utils import timezone

from gridbee.people.models import TeamMember
from gridbee.rewards.choices import EntryKind


def month_start() -> datetime.datetime:
    today = timezone.localdate()
    start = datetime.datetime.combine(today.replace(day=1), datetime.time())
    return timezone.make_aware(start)


def members_this_month(team) -> list[dict]:
    since = month_start()
    members = (
        TeamMember.objects.filter(team=team)
        .select_related("partner", "leader")
        .annotate(
            n_reports=Count(
                "partner__reports",
                filter=Q(partner__reports__received_at__gte=since),
                distinct=True,
            ),
            n_alerts=Count(
                "partner__points_entries",
                filter=Q(
                    partner__points_entries__kind=EntryKind.ALERT,
                    partner__points_entries__created_at__gte=since,
                ),
                distinct=True,
            ),
            n_activities=Count(
                "partner__activity_signups",
                filter=Q(partner__activity_signups__checked_in_at__gte=since),
                distinct=True,
            ),
        )
        .order_by("role", "leader_id", "partner__name")
    )
    return [
        {
            "partner_id": m.partner_id,
            "name": m.partner.name,
            "role": m.role,
            "squad_lead_id": m.leader.partner_id if m.leader_id else None,
            "reports": m.n_reports,
            "alert_answers": m.n_alerts,
            "activities": m.n_activities,
        }
        for m in members
    ]
