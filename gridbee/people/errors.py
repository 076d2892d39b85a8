from django.utils.translation import gettext_lazy as _

from gridbee.core.errors import ErrorCode


class PeopleError(ErrorCode):
    BAD_CREDENTIALS = ("auth.bad_credentials", 401, _("Wrong mobile number or password."))
    THROTTLED = (
        "auth.throttled",
        429,
        _("Too many failed attempts. Wait a quarter of an hour and try again."),
    )
    NOT_FOUND = ("people.not_found", 404, _("Not found."))
    INVALID_MOBILE = (
        "people.invalid_mobile",
        400,
        _("Enter a mainland mobile number of 11 digits, e.g. 13812345678."),
    )
    INVALID_ID_NUMBER = (
        "people.invalid_id_number",
        400,
        _("Enter a valid 18-character ID card number."),
    )
    RULES_NOT_ACCEPTED = (
        "people.rules_not_accepted",
        400,
        _("Please read and accept the three rules (三个不准) to apply."),
    )
    DUPLICATE_APPLICATION = (
        "people.duplicate_application",
        409,
        _("This mobile number already has an application in progress or an account."),
    )
    UNKNOWN_STATION = ("people.unknown_station", 400, _("Choose a station from the list."))
    UNKNOWN_GRID = ("people.unknown_grid", 400, _("One of the chosen grids does not exist here."))
    TOO_MANY_GRIDS = (
        "people.too_many_grids",
        400,
        _("A partner is bound to one or two grids, not more."),
    )
    NO_GRID = ("people.no_grid", 400, _("Choose one or two grids near where you work."))
    REASON_REQUIRED = ("people.reason_required", 400, _("Please give a reason."))
    INVALID_TRANSITION = (
        "people.invalid_transition",
        409,
        _("This cannot be done in the current state; reload to see what changed."),
    )
    PARTNER_INACTIVE = (
        "people.partner_inactive",
        403,
        _("Your partner status is suspended or revoked; this is not available."),
    )
    WEAK_PASSWORD = ("people.weak_password", 400, _("Choose a longer, less common password."))
