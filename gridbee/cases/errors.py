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
