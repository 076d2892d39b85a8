"""People pages. Views are thin: parse, call an action or a scoped query, render."""

from .enrolment import application_decide, application_queue, application_status, apply, apply_grids
from .me import me, me_card, me_grids
from .partners import partner_change, partner_detail, partner_list
from .public import verify_certificate
from .teams import team_detail, team_list

__all__ = [
    "application_decide",
    "application_queue",
    "application_status",
    "apply",
    "apply_grids",
    "me",
    "me_card",
    "me_grids",
    "partner_change",
    "partner_detail",
    "partner_list",
    "team_detail",
    "team_list",
    "verify_certificate",
]
