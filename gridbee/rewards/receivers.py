"""What rewards does when the closed loop moves (registered with cases.effects, applied after
the step, exactly once): points for a verified case's reporters, and a watch on false
reports."""

from gridbee.cases import effects
from gridbee.cases.choices import CaseEventKind as K

from .actions import earning


@effects.on(K.VERIFY_PASS)
def points_for_verified_reports(event) -> None:
    earning.case_verified(event.case)  # 核查通过: points for the reporters, once each


@effects.on(K.REJECT)
def watch_false_reports(event) -> None:
    earning.report_rejected(event.case, event.case.reject_reason)  # counts false reports only
