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
    # The points shop (积分超市).
    NOT_A_PARTNER = ("rewards.not_a_partner", 403, _("Only partners can redeem points."))
    ITEM_UNAVAILABLE = ("rewards.item_unavailable", 409, _("This item is no longer offered."))
    IDEMPOTENCY_KEY_REQUIRED = (
        "rewards.idempotency_key_required",
        400,
        _("Send an Idempotency-Key header with each redemption."),
    )
    # 422 as the IETF Idempotency-Key draft asks for a key sent again with another request.
    KEY_REUSED = (
        "rewards.idempotency_key_reused",
        422,
        _("This Idempotency-Key was already used for another item."),
    )
    ALREADY_HANDED_OVER = (
        "rewards.already_handed_over",
        409,
        _("This order has already been handed over."),
    )
    ORDER_CANCELLED = ("rewards.order_cancelled", 409, _("This order was cancelled."))
    # 奖补 (cash rewards)
    INVALID_GRADE = ("rewards.invalid_grade", 400, _("Choose a grade from 1 to 4."))
    ALREADY_PROPOSED = (
        "rewards.already_proposed",
        409,
        _("A cash reward has already been proposed for this report."),
    )
    CASE_NOT_VERIFIED = (
        "rewards.case_not_verified",
        409,
        _(
            "Cash rewards follow verification: propose or approve one once the case has "
            "passed verification and is closed."
        ),
    )
    REPORTER_NOT_ACTIVE = (
        "rewards.reporter_not_active",
        409,
        _("Only reports of an active partner can be rewarded."),
    )
    ALREADY_DECIDED = (
        "rewards.already_decided",
        409,
        _("This cash reward has already been decided."),
    )
    NOT_APPROVED = ("rewards.not_approved", 409, _("Only approved cash rewards can be paid."))
    NOT_FOR_CASH = (
        "rewards.not_for_cash",
        409,
        _(
            "By the county's rule, cash rewards are for the first report of an emergency; "
            "ordinary reports and later reports of an emergency earn points."
        ),
    )
    HELD = (
        "rewards.held",
        409,
        _(
            "Some of these rewards are held and cannot be paid now: the partner is suspended "
            "or revoked, or the case is open again."
        ),
    )
    SAME_APPROVER = (
        "rewards.same_approver",
        403,
        _("Whoever approved a cash reward cannot also mark it paid: another person must."),
    )
    REFERENCE_REQUIRED = (
        "rewards.reference_required",
        400,
        _("Enter the payment reference (a transfer or voucher number)."),
    )
    NOTHING_SELECTED = ("rewards.nothing_selected", 400, _("Choose at least one reward."))
    INVALID_MONTH = ("rewards.invalid_month", 400, _("Give the month as YYYY-MM."))
    # Rankings, statements and suspension proposals.
    INVALID_PERIOD = (
        "rewards.invalid_period",
        400,
        _("Give the period as YYYY (a year), YYYY-Qn (a quarter) or YYYY-MM (a month)."),
    )
    PROPOSAL_DECIDED = (
        "rewards.proposal_decided",
        409,
        _("This proposal has already been dealt with."),
    )
