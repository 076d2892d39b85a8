"""What follows claim and mediation steps beyond the engine's messages (effects.py)."""

from gridbee.cases import effects
from gridbee.cases.choices import CaseEventKind as K
from gridbee.cases.models import Message
from gridbee.core.notify import notify

from .choices import ClaimType, Performance
from .guidance import PAYMENT_ORDER
from .models import Mediation


@effects.on(K.PERFORM)
def payment_order_guidance(event) -> None:
    """An unpaid-pay agreement not honoured: the claimants get the payment-order guidance."""
    mediation = Mediation.objects.filter(case_id=event.case_id).select_related("claim").first()
    if mediation is None or mediation.claim.type != ClaimType.PAY:
        return
    if mediation.performance == Performance.PERFORMED:
        return
    text = str(PAYMENT_ORDER)[:500]
    for party in mediation.claim.parties.select_related("user"):
        Message.objects.create(recipient=party.user, case=event.case, kind=K.PERFORM, text=text)
        notify(party.user.mobile, text)
