from django.utils.translation import gettext_lazy as _

from gridbee.core.errors import ErrorCode


class StatsError(ErrorCode):
    UNKNOWN_PERIOD = (
        "stats.unknown_period",
        400,
        _("Unknown period: use today, month, quarter, year or a range of dates."),
    )
    UNKNOWN_INDICATOR = ("stats.unknown_indicator", 404, _("No such indicator."))
    UNKNOWN_DIMENSION = (
        "stats.unknown_dimension",
        400,
        _("League tables rank departments, towns, communities, grids, categories or teams."),
    )
    NOT_YOURS = ("stats.not_yours", 403, _("These figures are outside what you may see."))
    RANGE_TOO_LONG = ("stats.range_too_long", 400, _("Choose a period of at most three years."))
