from django.utils.translation import gettext_lazy as _

from gridbee.core.errors import ErrorCode


class CaseError(ErrorCode):
    NOT_FOUND = ("cases.not_found", 404, _("Not found."))
    LINKAGE_INVALID = (
        "cases.linkage_invalid",
        400,
        _(
            "Linkage is for emergencies: choose a lead department and supporting ones of the"
            " county, each once."
        ),
    )
    NOT_THE_LEAD = (
        "cases.not_the_lead",
        403,
        _("Only the lead department takes this step; supporting ones sign and report apart."),
    )
    NOT_SUPPORTING = ("cases.not_supporting", 404, _("Not found."))
    NOT_OPEN = ("cases.not_open", 409, _("This case is no longer open."))
    MERGE_MISMATCH = (
        "cases.merge_mismatch",
        400,
        _("Only open cases of the same category and county can be merged."),
    )
    SPLIT_INVALID = (
        "cases.split_invalid",
        400,
        _("Choose some, not all, of this case's reports to split off."),
    )
    INVALID_TRANSITION = (
        "cases.invalid_transition",
        409,
        _("This step is not possible now: the case has moved on. Reload to see its state."),
    )
    STALE = (
        "cases.conflict",
        409,
        _("Someone else acted on this case at the same time. Reload and try again."),
    )
    NOTE_REQUIRED = ("cases.note_required", 400, _("Please write what happened or why."))
    REASON_REQUIRED = ("cases.reason_required", 400, _("Choose a reason."))
    DEPARTMENT_REQUIRED = ("cases.department_required", 400, _("Choose a department."))
    PHOTOS_REQUIRED = ("cases.photos_required", 400, _("Add one to three photos of the result."))
    NOT_THE_REPORTER = ("cases.not_the_reporter", 403, _("Only the reporters can do this."))
    REOPEN_TOO_LATE = (
        "cases.reopen_too_late",
        409,
        _("A case can be reopened only within 7 days of its closure."),
    )
    NO_PENDING_EXTENSION = ("cases.no_pending_extension", 409, _("No extension is waiting."))
    NOT_WAITING_FOR_CHECK = (
        "cases.not_waiting_for_check",
        409,
        _("This case is not waiting for verification now."),
    )
    ALREADY_CHECKED = (
        "cases.already_checked",
        409,
        _("Already checked: another partner's photo of this result arrived first. Thank you!"),
    )
    TOO_FAR_TO_CHECK = (
        "cases.too_far_to_check",
        400,
        _("You are %(distance)s m from the case; take the photo within %(radius)s m of it."),
    )
    LOCATION_REQUIRED = (
        "cases.location_required",
        400,
        _("Your location is needed: the photo counts only where it was taken. Allow location."),
    )
    # 到场 (联勤快反 1-3-5): the responder marks arrival where they stand.
    ARRIVAL_LOCATION_REQUIRED = (
        "cases.arrival_location_required",
        400,
        _("Your location is needed to mark the arrival: allow location and try again."),
    )
    LOCATION_INVALID = (
        "cases.location_invalid",
        400,
        _(
            "This location is not valid: latitude −90 to 90, longitude −180 to 180, and an "
            "accuracy in metres that is not negative."
        ),
    )
    ARRIVAL_REQUIRED = (
        "cases.arrival_required",
        409,
        _("An emergency is handled on the scene: mark the arrival first."),
    )


class EvidenceError(ErrorCode):
    """Who may bring evidence to a case (a report, a crowd-check photo) and what it needs. The
    codes keep the names the API has always answered with."""

    NO_PHOTO = ("reports.photo_required", 400, _("Add one to three photos."))
    NOT_A_PARTNER = ("reports.not_a_partner", 403, _("Only enrolled partners can report."))
    PARTNER_INACTIVE = (
        "reports.partner_inactive",
        403,
        _("Your partner status is suspended or revoked; you cannot report now."),
    )
