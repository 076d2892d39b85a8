"""The measures and indicators a county starts with (a data migration installs them; the admin
edits them). Plain data: the migration reads it with its historical models.

应结案 (cases due to be closed) are the cases whose handling came to its end in the period:
closed, overdue in handling, or put on hold (缓办), dated by the first of these; 结案 and 按期结案
among them are dated the same way, so a rate never exceeds 100% and a case closed in June after
it fell due in May raises May's figure (the day is summed again)."""

IN_HAND = ["dispatched", "signed", "on_scene"]
DUE = {"event": ["verify_pass", "escalate", "hold"]}
# An escalation before dispatch is the dispatcher's lateness, not a case due to be closed.
DUE_WHERE = {"from": ["handled", *IN_HAND]}
CLOSED = {"event": "verify_pass"}
HANDLED_ON_TIME = {"event": "handle", "which": "last", "on_time": True}
CLAIM = "claim"
REPORT = "report"

MEASURES = [
    # code, name, fields
    ("opened", "上报数", {"event": ["@opened"]}),
    ("accepted", "立案数", {"event": ["accept"]}),
    ("accepted_on_time", "按时立案数", {"event": ["accept"], "where": {"on_time": True}}),
    ("dispatched", "派遣数", {"event": ["dispatch"]}),
    ("dispatched_right", "准确派遣数", {"event": ["dispatch"], "excludes": [{"event": "return"}]}),
    ("dispatched_extended", "延期数",
     {"event": ["dispatch"], "requires": [{"event": "approve_extension"}]}),
    ("due", "应结案数", {"event": DUE["event"], "where": DUE_WHERE}),
    ("due_closed", "结案数", {"event": DUE["event"], "where": DUE_WHERE, "requires": [CLOSED]}),
    ("due_closed_on_time", "按期结案数",
     {"event": DUE["event"], "where": DUE_WHERE, "requires": [CLOSED, HANDLED_ON_TIME]}),
    ("due_held", "缓办数",
     {"event": DUE["event"], "where": DUE_WHERE, "requires": [{"event": "hold"}]}),
    ("handled", "处置数", {"event": ["handle"]}),
    ("handled_reworked", "返工数", {"event": ["handle"], "requires": [{"event": "verify_fail"}]}),
    ("overdue", "超期数", {"event": ["escalate"]}),
    ("handling_time", "处置时长", {"event": ["verify_pass"], "value_from": "dispatch"}),
    ("rated", "评价数", {"event": ["rate"], "which": "last"}),
    ("satisfied", "满意数",
     {"event": ["rate"], "which": "last",
      "requires": [{"event": "rate", "which": "last", "reason_in": ["satisfied", "fairly"]}]}),
    ("responded_on_time", "按时响应数",
     {"event": ["accept", "reject"], "where": {"on_time": True}}),
    ("reports", "上报条数", {"per": "report", "event": ["@report"]}),
    ("first_reports", "首报数", {"per": "report", "event": ["@report"], "first_report_only": True}),
    ("valid_reports", "有效上报数",
     {"per": "report", "event": ["@report"], "requires": [{"event": "accept"}]}),
]  # fmt: skip

ALL = ["day", "month", "quarter", "year"]
INDICATORS = [
    # code, name, unit, numerator, denominator, fields
    ("reported", "上报数", "count", "opened", None, {"kind": REPORT}),
    ("accepted", "立案数", "count", "accepted", None, {"kind": REPORT, "league": True}),
    ("dispatched", "派遣数", "count", "dispatched", None, {"kind": REPORT}),
    ("dispatch_accuracy", "准确派遣率", "percent", "dispatched_right", "dispatched",
     {"kind": REPORT, "league": True}),
    ("accept_on_time", "按时立案率", "percent", "accepted_on_time", "accepted", {"kind": REPORT}),
    ("due", "应结案数", "count", "due", None, {"kind": REPORT, "league": True}),
    ("closed", "结案数", "count", "due_closed", None, {"kind": REPORT}),
    ("close_rate", "结案率", "percent", "due_closed", "due",
     {"kind": REPORT, "league": True, "subtract": "due_held"}),
    ("closed_on_time", "按期结案数", "count", "due_closed_on_time", None, {"kind": REPORT}),
    ("on_time_rate", "按期结案率", "percent", "due_closed_on_time", "due",
     {"kind": REPORT, "league": True, "subtract": "due_held"}),
    ("reworked", "返工数", "count", "handled_reworked", None, {"kind": REPORT}),
    ("rework_rate", "返工率", "percent", "handled_reworked", "handled",
     {"kind": REPORT, "league": True, "better": "low"}),
    ("extension_rate", "延期率", "percent", "dispatched_extended", "dispatched",
     {"kind": REPORT, "league": True, "better": "low"}),
    ("overdue", "超期数", "count", "overdue", None, {"kind": REPORT, "better": "low"}),
    ("handling_hours", "平均处置时长", "hours", "handling_time", None,
     {"kind": REPORT, "better": "low", "days": "working", "league": True}),
    ("satisfaction", "满意率", "percent", "satisfied", "rated", {"kind": REPORT, "league": True}),
    ("first_reports", "首报数", "count", "first_reports", None,
     {"kind": REPORT, "partner": True, "overview": False}),
    ("valid_report_rate", "有效上报率", "percent", "valid_reports", "reports",
     {"kind": REPORT, "partner": True, "overview": False}),
    ("partner_reports", "上报条数", "count", "reports", None,
     {"kind": REPORT, "partner": True, "overview": False}),
    # 12345 接诉即办's 三率 for a partner's own claims (issue 15): the same measures, kind "claim".
    ("claim_response_rate", "响应率", "percent", "responded_on_time", "opened", {"kind": CLAIM}),
    ("claim_resolution_rate", "解决率", "percent", "due_closed", "due", {"kind": CLAIM}),
    ("claim_satisfaction", "满意率（诉求）", "percent", "satisfied", "rated", {"kind": CLAIM}),
]  # fmt: skip


def install(Measure, Indicator) -> None:
    for code, name, fields in MEASURES:
        Measure.objects.update_or_create(code=code, defaults={"name": name, **fields})
    measures = {m.code: m for m in Measure.objects.all()}
    for sort, (code, name, unit, num, den, fields) in enumerate(INDICATORS):
        fields = dict(fields)
        subtract = fields.pop("subtract", None)
        Indicator.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "unit": unit,
                "numerator": measures[num],
                "denominator": measures[den] if den else None,
                "subtract": measures[subtract] if subtract else None,
                "periods": ALL,
                "sort": sort * 10,
                **fields,
            },
        )
