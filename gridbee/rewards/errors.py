from django.utils.translation import gettext_lazy as _

from gridbee.core.errors import ErrorCode


class RewardsError(ErrorCode):
    NOT_FOUND = ("rewards.not_found", 404, _("Not found."))
    NOT_ACTIVE = (
        "rewards.partner_not_active",
        403,
        _("Your partner status is suspended or revoked: you cannot earn or redeem points."),
    )
    INSUFFICIENT_POINTS = ("rewards.insufficient_points", 409, _("Not enough points."))
    OUT_OF_STOCK = ("rewards.out_of_stock", 409, _("This item is out of stock."))
    LIMIT_REACHED = (
        "rewards.limit_reached",
        409,
        _("You have already redeemed this item as often as allowed."),
    )
    WINDOW_CLOSED = (
        "rewards.window_closed",
        409,
        _("Points can be redeemed only during the redemption period."),
    )
    INVALID_AMOUNT = (
        "rewards.invalid_amount",
        400,
        _("The amount must be a whole number, not zero."),
    )
    NOTE_REQUIRED = ("rewards.note_required", 400, _("Please write why."))
