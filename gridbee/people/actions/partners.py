"""A partner's standing (动态进出) and grid bindings (就近绑定)."""

from django.db import transaction

from gridbee.core import machine
from gridbee.core.authz import Perm, has_perm
from gridbee.core.errors import CommonError, DomainError
from gridbee.core.machine import Transition

from ..choices import PartnerAction, PartnerStatus, StatusReason
from ..errors import PeopleError
from ..models import GridBinding, Partner, PartnerEvent
from ..queries import get_visible, partners_for
from .auth import end_logins
from .enrolment import REFUSALS, grids_in

P = PartnerStatus


R = StatusReason
# Why someone leaves (a breach of the 三个不准, inactivity, their own wish) and why they return.
LEAVING = (R.FALSE_REPORTS, R.LEAKED_INFORMATION, R.PRIVATE_GAIN, R.INACTIVITY, R.OWN_REQUEST,
           R.OTHER)  # fmt: skip
RETURNING = (R.REVIEWED, R.OWN_REQUEST, R.OTHER)


MANAGE = Perm.PARTNERS_MANAGE
TRANSITIONS = {
    PartnerAction.SUSPEND: Transition((P.ACTIVE,), P.SUSPENDED, MANAGE, reasons=LEAVING),
    PartnerAction.REVOKE: Transition((P.ACTIVE, P.SUSPENDED), P.REVOKED, MANAGE, reasons=LEAVING),
    PartnerAction.REINSTATE: Transition((P.SUSPENDED, P.REVOKED), P.ACTIVE, MANAGE,
                                        reasons=RETURNING),
}  # fmt: skip


def change_partner_status(
    partner_id, action: str, *, actor, reason: str, note: str = ""
) -> Partner:
    """Suspend, revoke or reinstate, always with a reason; the history keeps every step.
    Suspending or revoking ends the partner's sessions and API tokens at once (they may log in
    again to see their standing, but every partner step checks Partner.can_act)."""
    change = machine.transition(TRANSITIONS, action, REFUSALS)
    with transaction.atomic():
        visible = get_visible(partners_for(actor), partner_id)
        partner = Partner.objects.select_for_update().get(pk=visible.pk)
        if not has_perm(actor, change.who):
            raise DomainError(CommonError.FORBIDDEN)
        if reason not in change.reasons:  # a reason first, whatever the standing (动态进出)
            raise DomainError(PeopleError.REASON_REQUIRED)
        machine.check(change, partner.status, REFUSALS, reason=reason)
        partner.status = change.target
        partner.save(update_fields=["status"])
        PartnerEvent.objects.create(
            partner=partner, action=action, reason=reason, note=(note or "").strip(), actor=actor
        )
        if change.target != P.ACTIVE:
            end_logins(partner.user_id)
    return partner


def bind_grids(partner: Partner, grid_codes: list[str], *, actor) -> list[GridBinding]:
    """Replace the partner's bindings with one or two grids of their county."""
    if not partner.can_act:
        raise DomainError(PeopleError.PARTNER_INACTIVE)
    if not grid_codes:
        raise DomainError(PeopleError.NO_GRID)
    grids = grids_in(partner.county_id, grid_codes)
    with transaction.atomic():
        # The lock makes two concurrent requests replace the bindings one after the other.
        Partner.objects.select_for_update().filter(pk=partner.pk).first()
        GridBinding.objects.filter(partner=partner).delete()
        return GridBinding.objects.bulk_create(
            GridBinding(partner=partner, grid=grid) for grid in grids
        )
