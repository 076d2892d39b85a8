"""Texts the parties get at the ends of a mediation."""

from django.utils.translation import gettext_lazy as _

# 劳动争议调解仲裁法 art. 16: an agreement on unpaid pay, work-injury medical costs, economic
# compensation or damages that the employer does not honour may go to court for a payment order.
PAYMENT_ORDER = _(
    "The employer has not honoured an agreement on unpaid pay: with the agreement you may apply "
    "to the basic-level people's court for a payment order (支付令) under article 16 of the "
    "Labour Dispute Mediation and Arbitration Law. The court's filing office and legal aid "
    "(12348) help you prepare it."
)
