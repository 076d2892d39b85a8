"""How much of a person each viewer sees: only what their work needs, masked otherwise."""

from gridbee.core.authz import Perm, has_perm

from .choices import Role
from .models import Application, Partner
from .validators import mask_id_number, mask_mobile


def application_contact(viewer, application: Application) -> dict:
    # The county reviewer checks identity (县级审核); the station knows its own staff already.
    full = viewer.role in (Role.REVIEWER, Role.ADMIN)
    return {
        "mobile": application.mobile if full else mask_mobile(application.mobile),
        "id_number": application.id_number if full else mask_id_number(application.id_number),
    }


def partner_contact(viewer, partner: Partner) -> dict:
    # Reviewers and team leads call their partners; nobody but the county needs the ID number.
    full_mobile = (
        partner.user_id == viewer.pk
        or viewer.role in (Role.TEAM_LEAD, Role.ADMIN)
        or (has_perm(viewer, Perm.PARTNERS_MANAGE))
    )
    return {
        "mobile": partner.user.mobile if full_mobile else mask_mobile(partner.user.mobile),
        "id_number": mask_id_number(partner.id_number),
    }
