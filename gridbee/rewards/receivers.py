"""What rewards does when the closed loop moves (registered with cases.effects, applied after
the step, exactly once): points for a verified case's reporters, unpaid cash rewards back to
review when a case is reopened or sent back for rework, and a watch on false reports."""

from gridbee.cases import effects
from gridbee.cases.choices import CaseEventKind as K

from .actions import cash, earning


@effects.on(K.VERIFY_PASS)
def points_for_verified_reports(event) -> None:
    earning.case_verified(event.case)  # 核查通过: points for the reporters, once each


@effects.on(K.REJECT)
def watch_false_reports(event) -> None:
    earning.report_rejected(event.case, event.case.reject_reason)  # counts false reports only


@effects.on(K.VERIFY_FAIL, K.REOPEN)
def cash_back_to_review(event) -> None:
    cash.case_reopened(event.case, event.kind)  # 逐级核实: unpaid cash waits for the next check
