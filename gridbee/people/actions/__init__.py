"""Every write of the people domain: enrolment, partners' status and bindings, tokens,
administrators, the purge of personal data past its retention."""

from .accounts import create_administrator
from .auth import end_logins, issue_token, revoke_token
from .enrolment import act_on_application, submit_application
from .orgs import ensure_default_industries
from .partners import bind_grids, change_partner_status
from .retention import purge_application_id_numbers

__all__ = [
    "act_on_application",
    "bind_grids",
    "change_partner_status",
    "create_administrator",
    "end_logins",
    "ensure_default_industries",
    "issue_token",
    "purge_application_id_numbers",
    "revoke_token",
    "submit_application",
]
