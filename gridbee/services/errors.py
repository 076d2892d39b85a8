from django.utils.translation import gettext_lazy as _

from gridbee.core.errors import ErrorCode


class ServicesError(ErrorCode):
    NOT_FOUND = ("services.not_found", 404, _("Not found."))
    NOT_A_PARTNER = ("services.not_a_partner", 403, _("Only partners can do this."))
    PARTNER_INACTIVE = (
        "services.partner_inactive",
        403,
        _("Your partner status is suspended or revoked."),
    )
    NO_COUNTY = (
        "services.no_county",
        400,
        _("Your account is not tied to one county: do this with a county's account."),
    )
    COUNTY_REQUIRED = (
        "services.county_required",
        400,
        _("Choose the county this is for."),
    )
    UNKNOWN_SERVICE = ("services.unknown_service", 400, _("Choose services from the list."))
    BAD_HOURS = (
        "services.bad_hours",
        400,
        _("Opening hours are written like 08:00-12:00,14:00-20:00 (empty: closed)."),
    )
    IMPORT_REFUSED = (
        "services.import_refused",
        400,
        _("Some rows are wrong; nothing was imported. Correct them and import again."),
    )
    BAD_FILE = ("services.bad_file", 400, _("This file cannot be read as CSV or GeoJSON."))
    NOTE_REQUIRED = ("services.note_required", 400, _("Please say what is wrong."))
    BAD_TIMES = (
        "services.bad_times",
        400,
        _("The activity must end after it starts, and sign-up must close before the end."),
    )
    SIGNUP_CLOSED = ("services.signup_closed", 409, _("Sign-up for this activity is not open."))
    ACTIVITY_CANCELLED = ("services.activity_cancelled", 409, _("This activity was cancelled."))
    NOT_SIGNED_UP = ("services.not_signed_up", 409, _("You have no place at this activity."))
    ALREADY_CHECKED_IN = ("services.already_checked_in", 409, _("You are already checked in."))
    NOT_CHECKED_IN = ("services.not_checked_in", 409, _("Check in first."))
    CODE_INVALID = (
        "services.code_invalid",
        400,
        _("This check-in code is not valid or has expired. Scan the code shown now."),
    )
    TOO_FAR = (
        "services.too_far",
        400,
        _("You are not at the activity's place. Move closer and try again."),
    )
    POSITION_TOO_VAGUE = (
        "services.position_too_vague",
        400,
        _("Your phone's position is too imprecise here; ask the organiser to scan your card."),
    )
    NOT_NOW = ("services.not_now", 409, _("Check-in is open from 30 minutes before the start."))
    BAD_VALUE = ("services.bad_value", 400, _("This value is not allowed."))
    NOT_IN_TEAM = ("services.not_in_team", 400, _("This partner is not in your team."))
    NOT_A_SQUAD = ("services.not_a_squad", 400, _("Choose a squad of this team."))
