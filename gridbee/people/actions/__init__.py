"""Every write of the people domain: enrolment, partners' status and bindings, tokens."""

from .auth import end_logins, issue_token, revoke_token
from .enrolment import act_on_application, submit_application
from .orgs import ensure_default_industries
from .partners import bind_grids, change_partner_status

__all__ = [
    "act_on_application",
    "bind_grids",
    "change_partner_status",
    "end_logins",
    "ensure_default_industries",
    "issue_token",
    "revoke_token",
    "submit_application",
]
