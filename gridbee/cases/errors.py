from django.utils.translation import gettext_lazy as _

from gridbee.core.errors import ErrorCode


class CaseError(ErrorCode):
    NOT_FOUND = ("cases.not_found", 404, _("Not found."))
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
