"""What the people pages share: permission gates, labels, messages."""

from itertools import groupby

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridbee.geo.models import Grid
from gridbee.geo.queries import region_prefix

from ..choices import (
    ApplicationAction,
    PartnerAction,
    Role,
    StatusReason,
)
from ..errors import PeopleError

PAGE_SIZE = 30
# Past this many grids in a county the application form asks for typed codes instead of a list.
MAX_GRID_OPTIONS = 3_000

# Which field of the application form an action's refusal concerns: it is shown beside it.
APPLICATION_FIELDS = {
    PeopleError.INVALID_MOBILE: "mobile",
    PeopleError.DUPLICATE_APPLICATION: "mobile",
    PeopleError.INVALID_ID_NUMBER: "id_number",
    PeopleError.WEAK_PASSWORD: "password",
    PeopleError.UNKNOWN_STATION: "station",
    PeopleError.UNKNOWN_GRID: "grid_codes",
    PeopleError.TOO_MANY_GRIDS: "grid_codes",
    PeopleError.NO_GRID: "grid_codes",
    PeopleError.RULES_NOT_ACCEPTED: "accepted_rules",
}

# What the buttons say (the choices' labels say what was done: "Recommended").
BUTTONS = {
    ApplicationAction.RECOMMEND: gettext_lazy("Recommend"),
    ApplicationAction.DECLINE: gettext_lazy("Decline"),
    ApplicationAction.APPROVE: gettext_lazy("Approve"),
    ApplicationAction.REJECT: gettext_lazy("Reject"),
    PartnerAction.SUSPEND: gettext_lazy("Suspend"),
    PartnerAction.REVOKE: gettext_lazy("Revoke"),
    PartnerAction.REINSTATE: gettext_lazy("Reinstate"),
}


# --- helpers --------------------------------------------------------------------------------


def _label(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _role_label(role: str) -> str:
    return _("Applicant") if role == "applicant" else _label(Role, role)


def _labelled_steps(steps: list[dict]) -> list[dict]:
    return [
        {
            **s,
            "action_label": _label(ApplicationAction, s["action"]),
            "role_label": _role_label(s["actor_role"]),
        }
        for s in steps
    ]


def _labelled_events(events: list[dict]) -> list[dict]:
    return [
        {
            **e,
            "action_label": _label(PartnerAction, e["action"]),
            "reason_label": _label(StatusReason, e["reason"]) if e["reason"] else "",
        }
        for e in events
    ]


def _county_grids(county_code: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """A county's grids grouped by community, for a select. Grids are public (they are posted
    on the street); empty past MAX_GRID_OPTIONS, where the codes are typed instead."""
    rows = list(
        Grid.objects.filter(code__startswith=region_prefix(county_code))
        .order_by("code")
        .values_list("code", "name", "community__name")[: MAX_GRID_OPTIONS + 1]
    )
    if len(rows) > MAX_GRID_OPTIONS:
        return []
    return [
        (community, [(code, name) for code, name, _community in grids])
        for community, grids in groupby(rows, key=lambda row: row[2])
    ]
