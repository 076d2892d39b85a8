from django.utils.translation import gettext_lazy as _

from gridbee.core.errors import ErrorCode


class AlertError(ErrorCode):
    NOT_FOUND = ("alerts.not_found", 404, _("Not found."))
    NO_PHOTO = ("alerts.no_photo", 400, _("Add one to three photos of the person."))
    TOO_MANY_PHOTOS = ("alerts.too_many_photos", 400, _("At most three photos per alert."))
    EXPIRY_REQUIRED = (
        "alerts.expiry_invalid",
        400,
        _("Set when the alert ends: in the future, at most 24 hours from now."),
    )
    LAST_SEEN_INVALID = (
        "alerts.last_seen_invalid",
        400,
        _("The time last seen cannot be in the future or more than 3 days ago."),
    )
    STAGES_INVALID = (
        "alerts.stages_invalid",
        400,
        _(
            "Radius stages start at 0 minutes, grow in time and radius (100 m to 50 km), "
            "at most 8; only the last may be the whole county."
        ),
    )
    TEXT_INVALID = (
        "alerts.text_invalid",
        400,
        _("Name (at most 50), description (1 to 1,000) and contact line (at most 100) needed."),
    )
    OUTSIDE_COUNTY = (
        "alerts.outside_county",
        403,
        _("This place is in a county you do not serve: its own centre publishes there."),
    )
    NOT_ACTIVE = ("alerts.not_active", 409, _("This alert has ended."))
    BAD_OUTCOME = ("alerts.bad_outcome", 400, _("Close as found, cancelled or false alarm."))
    NOT_TOLD = ("alerts.not_told", 404, _("Not found."))
    NOT_A_PARTNER = (
        "alerts.not_a_partner",
        403,
        _("Only active partners answer alerts."),
    )
    IDEMPOTENCY_KEY_REQUIRED = (
        "alerts.idempotency_key_required",
        400,
        _("The app must send an Idempotency-Key header so a retry cannot send twice."),
    )
    IDEMPOTENCY_KEY_REUSED = (
        "alerts.idempotency_key_reused",
        422,
        _("This Idempotency-Key was already used for a different sighting."),
    )
    SIGHTING_NOT_FOUND = ("alerts.sighting_not_found", 404, _("Not found."))
    NO_CONSENT = (
        "alerts.no_consent",
        400,
        _("Your position is kept only if you agree to it."),
    )
