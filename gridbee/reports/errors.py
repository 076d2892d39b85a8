from django.utils.translation import gettext_lazy as _

from gridbee.core.errors import ErrorCode


class ReportError(ErrorCode):
    IDEMPOTENCY_KEY_REQUIRED = (
        "reports.idempotency_key_required",
        400,
        _("The app must send an Idempotency-Key header so a retry cannot report twice."),
    )
    TOO_MANY_PHOTOS = ("reports.too_many_photos", 400, _("At most three photos per report."))
    UPLOAD_TOO_LARGE = (
        "reports.upload_too_large",
        413,
        _("The upload is too large (at most 40 MB in all)."),
    )
    UNKNOWN_CATEGORY = ("reports.unknown_category", 400, _("Choose a category from the list."))
    TEXT_TOO_LONG = (
        "reports.text_too_long",
        400,
        _("The text is too long (at most 500 characters)."),
    )
    OUTSIDE_AREA = (
        "reports.outside_area",
        400,
        _("This place is outside the area GridBee serves here."),
    )
    PHOTO_NOT_FOUND = ("reports.photo_not_found", 404, _("Not found."))
    CALLBACK_INVALID = (
        "reports.callback_invalid",
        400,
        _("The callback number has 6 to 20 digits (a mobile or a landline)."),
    )
    # 422 as the IETF Idempotency-Key draft asks: the request is well-formed, but its key
    # already stands for another one.
    IDEMPOTENCY_KEY_REUSED = (
        "reports.idempotency_key_reused",
        422,
        _(
            "This Idempotency-Key was already used for a different report "
            "(another place, text, category or photo). Send a new report with a new key."
        ),
    )
