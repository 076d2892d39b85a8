from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Urgency(models.TextChoices):
    EMERGENCY = "emergency", _("Emergency")  # 应急治理
    ORDINARY = "ordinary", _("Ordinary")  # 普通治理


class CaseKind(models.TextChoices):
    """What a case is about; each kind is a table for the one closed loop (kinds.py)."""

    REPORT = "report", _("Photo report")  # 随手拍
    CLAIM = "claim", _("Partner's claim")  # 诉求
    MEDIATION = "mediation", _("Labour-dispute mediation")  # 劳动争议调解


class CaseStatus(models.TextChoices):
    """The closed loop (闭环). The transitions between them belong to the workflow."""

    REPORTED = "reported", _("Reported")  # 已上报
    ACCEPTED = "accepted", _("Accepted")  # 立案
    REJECTED = "rejected", _("Not accepted")  # 不予立案
    DISPATCHED = "dispatched", _("Dispatched")  # 派遣
    SIGNED = "signed", _("Signed for")  # 签收
    ON_SCENE = "on_scene", _("On the scene")  # 到场 (联勤快反: within 5 minutes)
    HANDLED = "handled", _("Handled")  # 处置完毕
    ON_HOLD = "on_hold", _("On hold")  # 缓办
    CLOSED = "closed", _("Closed")  # 结案
    MERGED = "merged", _("Merged into another case")
    # Kinds beyond photo reports (claims, mediations) end in states of their own.
    VISITED = "visited", _("Followed up")  # 已回访
    ARCHIVED = "archived", _("Archived")  # 已归档
    CONFIRMING = "confirming", _("Agreement awaiting confirmation")  # 协议待确认
    AGREED = "agreed", _("Agreement reached")  # 调解成功
    REFERRED = "referred", _("Referred to arbitration")  # 转仲裁


OPEN_STATUSES = (
    CaseStatus.REPORTED,
    CaseStatus.ACCEPTED,
    CaseStatus.DISPATCHED,
    CaseStatus.SIGNED,
    CaseStatus.ON_SCENE,
    CaseStatus.HANDLED,
    CaseStatus.ON_HOLD,
)


class CaseEventKind(models.TextChoices):
    OPENED = "opened", _("Opened by a report")
    JOINED = "joined", _("Another report joined")
    MARKED_EMERGENCY = "marked_emergency", _("Marked as an emergency")
    MERGED = "merged", _("Merged")
    SPLIT = "split", _("Split")
    ACCEPT = "accept", _("Accepted")  # 立案
    REJECT = "reject", _("Not accepted")  # 不予立案
    DISPATCH = "dispatch", _("Dispatched")  # 派遣
    RETURN = "return", _("Handed back by the department")  # 退回
    SIGN = "sign", _("Signed for")  # 签收
    ARRIVE = "arrive", _("Responder on the scene")  # 到场
    HANDLE = "handle", _("Handled")  # 处置完毕
    VERIFY_PASS = "verify_pass", _("Verified and closed")  # 核查通过, 结案
    VERIFY_FAIL = "verify_fail", _("Sent back for rework")  # 返工
    HOLD = "hold", _("Put on hold")  # 缓办
    RESUME = "resume", _("Resumed")
    REQUEST_EXTENSION = "request_extension", _("Extension requested")  # 延期申请
    APPROVE_EXTENSION = "approve_extension", _("Extension approved")
    REFUSE_EXTENSION = "refuse_extension", _("Extension refused")
    RATE = "rate", _("Rated by the reporter")
    REOPEN = "reopen", _("Reopened by the reporter")
    ESCALATE = "escalate", _("Overdue: escalated")
    CROWD_CHECK = "crowd_check", _("Checked by a partner passing by")  # 众包核查
    ARCHIVE = "archive", _("Archived")  # 归档
    SESSION = "session", _("Mediation session")  # 调解笔录
    EXTEND = "extend", _("Extended with both parties' consent")  # 延长调解期限
    AGREE = "agree", _("Agreement drawn up")  # 调解协议
    CONFIRM = "confirm", _("Agreement confirmed by the claimant")
    COUNTERSIGN = "countersign", _("Agreement confirmed by the other party")
    NO_AGREEMENT = "no_agreement", _("No agreement")  # 调解不成
    REFER = "refer", _("Referred to arbitration")  # 转仲裁
    PERFORM = "perform", _("Performance followed up")  # 履行回访
    LEGAL_AID = "legal_aid", _("Referred to legal aid")  # 法律援助
    REPRESENT = "represent", _("Representatives chosen")  # 推选代表
    LINKED = "linked", _("Dispatched to the linkage")  # 五情联动: a lead and supporting ones
    SUPPORT_SIGN = "support_sign", _("Signed for by a supporting department")
    SUPPORT_REPORT = "support_report", _("Reported by a supporting department")


class Channel(models.TextChoices):
    """The rapid-response linkage's channels (五情联动), each a department of the county."""

    POLICE = "police", pgettext_lazy("linkage", "Police")  # 警情
    PETITION = "petition", pgettext_lazy("linkage", "Petitions")  # 访情
    OPINION = "opinion", pgettext_lazy("linkage", "Public opinion")  # 舆情
    LITIGATION = "litigation", pgettext_lazy("linkage", "Litigation")  # 诉情
    COMMUNITY = "community", pgettext_lazy("linkage", "Community")  # 社情


class RejectReason(models.TextChoices):
    NOT_A_PROBLEM = "not_a_problem", _("Not a problem")
    DUPLICATE = "duplicate", _("Duplicate")
    OUTSIDE_REMIT = "outside_remit", _("Outside our remit")
    FALSE_REPORT = "false_report", _("False report")


class CrowdOutcome(models.TextChoices):
    """What the operator's verification made of a partner's check photo."""

    PASSED = "passed", _("Confirmed: fixed")
    FAILED = "failed", _("Confirmed: not fixed")


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")  # 满意
    FAIRLY = "fairly", _("Fairly satisfied")  # 基本满意
    DISSATISFIED = "dissatisfied", _("Dissatisfied")  # 不满意


class CategoryGroup(models.TextChoices):
    """The two halves of the digital urban management classification (数字化城市管理)."""

    EVENT = "event", _("Event")  # 事件
    COMPONENT = "component", _("Component")  # 部件


class ReportSource(models.TextChoices):
    APP = "app", _("Partner app")
    OPEN311 = "open311", _("Open311 client")
    HOTLINE = "hotline", _("Hotline (phoned in)")  # 24 h hotline, 专人专岗应哨
