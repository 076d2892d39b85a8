"""Printable PDFs with Chinese text: a claim's or mediation's case file (案卷: parties, facts,
timeline, minutes, agreement) and the pre-filled arbitration application (仲裁申请书).

ReportLab draws them with its built-in CID font STSong-Light (Adobe's Simplified Chinese
font): the PDF names the font and the reader supplies it (every PDF reader ships the Adobe
Asian fonts or a substitute), so nothing is downloaded or bundled and it works offline from a
fresh clone; the text stays text (searchable, extractable)."""

import io
from xml.sax.saxutils import escape

from django.utils import timezone, translation
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from gridbee.cases.choices import CaseEventKind, CaseKind, CaseStatus, Rating
from gridbee.people.validators import mask_mobile

from . import limitation
from .choices import ClaimType, Performance
from .guidance import PAYMENT_ORDER
from .models import Claim, Mediation
from .presenters import reason_label

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
BODY = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=16, wordWrap="CJK")
TITLE = ParagraphStyle("title", parent=BODY, fontSize=18, leading=26, alignment=1)
HEADING = ParagraphStyle("heading", parent=BODY, fontSize=13, leading=20, spaceBefore=8)


def _p(text, style=BODY) -> Paragraph:
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "—"


def _build(title: str, blocks: list) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, title=title,
        topMargin=18 * mm, bottomMargin=18 * mm, author="GridBee",
    )  # fmt: skip
    doc.build([_p(title, TITLE), Spacer(1, 6 * mm), *blocks])
    return buffer.getvalue()


def _claimants(claim: Claim) -> str:
    rows = []
    for party in claim.parties.select_related("user").order_by("id"):
        mark = "（代表）" if party.representative else ""
        rows.append(f"{party.user.name}{mark} {mask_mobile(party.user.mobile)}")
    return "、".join(rows)


def _claim_blocks(claim: Claim) -> list:
    blocks = [
        _p(f"诉求编号：{claim.serial}"),
        _p(f"申请人：{_claimants(claim)}"),
        _p(f"被申请人（用人单位或平台）：{claim.respondent_name}"),
        _p(f"类型：{ClaimType(claim.type).label}"),
        _p(f"金额：{claim.amount} 元" if claim.amount is not None else "金额：—"),
        _p(f"知道权利受侵害之日：{claim.known_on:%Y-%m-%d}"),
        _p("来源：口头申请，当场记录" if claim.oral else "来源：本人在线提交"),
    ]
    warn = limitation.warning(claim.type, claim.known_on, claim.job_ended_on)
    if warn is not None:
        blocks.append(_p(f"时效提示：{warn.level.label}（{warn.ends_on:%Y-%m-%d}）"))
    blocks += [_p("事实经过", HEADING), _p(claim.facts)]
    aid = list(claim.legal_aid.select_related("body__department"))
    if aid:
        blocks.append(_p("法律援助", HEADING))
        blocks += [_p(f"{_when(a.at)} 转介 {a.body.department.name} {a.note}") for a in aid]
    return blocks


def _timeline(case) -> list:
    blocks = [_p("办理过程", HEADING)]
    for event in case.events.select_related("actor").order_by("at", "id"):
        label = CaseEventKind(event.kind).label if event.kind in CaseEventKind.values else ""
        who = event.actor.name if event.actor_id else "系统"
        said = "，".join(filter(None, [reason_label(case, event.kind, event.reason), event.note]))
        note = f"：{said}" if said else ""
        blocks.append(_p(f"{_when(event.at)} {label}（{who}）{note}"))
    return blocks


def _mediation_blocks(mediation: Mediation) -> list:
    case = mediation.case
    blocks = [
        _p("调解", HEADING),
        _p(f"调解编号：{mediation.serial}"),
        _p(f"调解组织：{case.department.name if case.department_id else '—'}"),
        _p(f"调解员：{mediation.mediator.name if mediation.mediator_id else '—'}"),
        _p(f"状态：{CaseStatus(case.status).label}"),
        _p(f"受理时间：{_when(mediation.accepted_at)}；办结期限：{_when(case.step_deadline_at)}"),
    ]
    if mediation.extension_days:
        blocks.append(_p(f"经双方同意延长调解期限 {mediation.extension_days} 日"))
    sessions = list(mediation.sessions.select_related("mediator"))
    if sessions:
        blocks.append(_p("调解笔录", HEADING))
        for n, session in enumerate(sessions, 1):
            blocks.append(_p(f"第{n}次 {_when(session.at)}（{session.mediator.name}）"))
            blocks.append(_p(session.minutes))
    if mediation.agreement:
        blocks += [_p("调解协议", HEADING), _p(mediation.agreement)]
        blocks.append(_p(f"申请人确认：{_when(mediation.claimant_confirmed_at)}"))
        blocks.append(_p(f"被申请人确认：{_when(mediation.respondent_confirmed_at)}"))
    if mediation.performance:
        blocks.append(_p(f"履行情况：{Performance(mediation.performance).label}"))
        if mediation.performance != Performance.PERFORMED and mediation.claim.type == "pay":
            blocks.append(_p(PAYMENT_ORDER))
    if case.rating:
        blocks.append(_p(f"回访满意度：{Rating(case.rating).label}"))
    return blocks


def case_file(case) -> bytes:
    """The case file of a claim (with its mediation) or of a mediation."""
    with translation.override("zh-hans"):
        if case.kind == CaseKind.CLAIM:
            claim = case.claim
            mediation = Mediation.objects.filter(claim=claim).select_related("case").first()
        else:
            mediation = case.mediation
            claim = mediation.claim
        status = CaseStatus(claim.case.status).label
        blocks = [*_claim_blocks(claim), _p(f"诉求状态：{status}"), *_timeline(claim.case)]
        if claim.case.rating:
            blocks.append(_p(f"回访满意度：{Rating(claim.case.rating).label}"))
        if mediation is not None:
            blocks += _mediation_blocks(mediation) + _timeline(mediation.case)
        blocks += [Spacer(1, 8 * mm), _p(f"打印时间：{_when(timezone.now())}（蜂格）")]
        return _build("劳动者诉求与调解案卷", blocks)


def arbitration_application(mediation: Mediation) -> bytes:
    """The arbitration application (劳动人事争议仲裁申请书) pre-filled from the claim and the
    mediation, for the claimant to sign and file with the county's arbitration commission."""
    claim = mediation.claim
    county = claim.case.county.name
    with translation.override("zh-hans"):
        amount = f"支付{ClaimType(claim.type).label}人民币{claim.amount}元" if claim.amount else ""
        blocks = [
            _p("申请人", HEADING),
            *[_p(_applicant(party.user)) for party in claim.parties.select_related("user")],
            _p("被申请人", HEADING),
            _p(f"名称：{claim.respondent_name}"),
            _p("仲裁请求", HEADING),
            _p(f"1. 请求裁决被申请人{amount or ClaimType(claim.type).label + '事项依法处理'}；"),
            _p("2. 本案仲裁费用依法由被申请人承担。"),
            _p("事实和理由", HEADING),
            _p(claim.facts),
            _p(
                f"申请人于{claim.known_on:%Y年%m月%d日}知道权利受侵害。"
                f"经{mediation.case.department.name}调解（调解编号 {mediation.serial}），"
                f"自受理之日起期满未达成调解协议。依据《中华人民共和国劳动争议调解仲裁法》"
                f"第十四条、第二十八条，特提出仲裁申请。"
            ),
            Spacer(1, 8 * mm),
            _p("此致"),
            _p(f"{county}劳动人事争议仲裁委员会"),
            Spacer(1, 10 * mm),
            _p("申请人（签名）：　　　　　　　　　　"),
            _p(f"日期：{timezone.localdate():%Y年%m月%d日}"),
        ]
        return _build("劳动人事争议仲裁申请书", blocks)


def _applicant(user) -> str:
    partner = getattr(user, "partner", None)
    id_number = partner.id_number if partner is not None else ""
    return f"姓名：{user.name}　公民身份号码：{id_number}　联系电话：{user.mobile}"
