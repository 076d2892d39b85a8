"""The demo county's claims and mediations: the county table of responsible bodies, claims in
every state of the loop, and two mediations, one agreed and one referred to arbitration, with
the demo mediator (13800000008) and the platform company's account (13800000009)."""

import datetime

from django.utils import timezone

from gridbee.cases.choices import CaseEventKind as K
from gridbee.cases.choices import CaseKind
from gridbee.cases.models import Case
from gridbee.core.authz import Role
from gridbee.people.demo import DEMO_ACCOUNTS, DEMO_COUNTY
from gridbee.people.models import Department, Partner, User

from . import actions
from .choices import BodyType
from .models import Body, Mediation

BODIES = {
    "rsj": BodyType.LABOUR_BUREAU,
    "zgh": BodyType.UNION,
    "ljjd": BodyType.STREET,
    "meituan": BodyType.PLATFORM,
    "ldtj": BodyType.MEDIATION,
    "flyz": BodyType.LEGAL_AID,
}
# type, facts, amount, respondent (a body's code, or a name), the steps after raising it
CLAIMS = [
    ("pay", "十一月配送工资2860元至今未发放，站点称平台结算延迟。", "2860", "meituan", []),
    ("penalty", "因暴雨超时被平台罚款200元，申诉被系统自动驳回。", "200", "meituan", ["accept"]),
    ("rest", "连续三周每天在线超过13小时，派单算法不给休息。", None, "meituan",
     ["accept", "dispatch:zgh"]),
    ("insurance", "送餐途中摔伤，意外险理赔被拒。", "4300", "某保险公司惠水营业部",
     ["accept", "dispatch:rsj", "handle"]),
    ("childcare", "暑假孩子无人照看，想了解小候鸟托管班。", None, "无",
     ["accept", "dispatch:ljjd", "handle", "rate"]),
    ("housing", "想申请新就业形态劳动者公租房。", None, "无",
     ["accept", "dispatch:ljjd", "handle", "rate", "archive"]),
    ("other", "询问个人所得税汇算问题。", None, "无", ["reject"]),
]  # fmt: skip
ANSWERS = {
    "zgh": "县总工会已约谈站点，安排每日不少于1小时的强制休息。",
    "rsj": "人社局已协调保险公司重新审核，理赔款将于十个工作日内到账。",
    "ljjd": "街道已登记，小候鸟托管班7月1日开班，请携带身份证到社区报名。",
}


def _account(role) -> User:
    mobile = next(a["mobile"] for a in DEMO_ACCOUNTS if a["role"] == role)
    return User.objects.get(mobile=mobile)


def create_demo_claims() -> int:
    """Once: the bodies, the claims and the mediations. Returns how many claims it raised."""
    for code, kind in BODIES.items():
        department = Department.objects.filter(county_id=DEMO_COUNTY, code=code).first()
        if department is not None:
            Body.objects.get_or_create(department=department, defaults={"type": kind})
    if Case.objects.filter(kind=CaseKind.CLAIM, county_id=DEMO_COUNTY).exists():
        return 0
    operator, reviewer = _account(Role.OPERATOR), _account(Role.REVIEWER)
    mediator, platform = _account(Role.MEDIATOR), _account(Role.PLATFORM)
    partners = list(
        Partner.objects.filter(county_id=DEMO_COUNTY, status="active")
        .select_related("user")
        .order_by("id")[:12]
    )
    if not partners:
        return 0
    demo_mobile = next(a["mobile"] for a in DEMO_ACCOUNTS if a["role"] == Role.PARTNER)
    partners.sort(key=lambda p: p.user.mobile != demo_mobile)  # the demo partner first
    today = timezone.localdate()
    raised = 0
    for n, (kind, facts, amount, respondent, steps) in enumerate(CLAIMS):
        user = partners[n % len(partners)].user
        claim, _ = actions.raise_claim(
            user,
            type=kind,
            facts=facts,
            amount=amount,
            respondent_code=respondent if respondent in BODIES else "",
            respondent_name="" if respondent in BODIES else respondent,
            known_on=today - datetime.timedelta(days=20 + 30 * n),
            idempotency_key=f"demo-claim-{n}",
        )
        raised += 1
        for step in steps:
            _step(claim, step, operator, user)
    _agreed_mediation(partners[0].user, operator, mediator, platform, today)
    _referred_mediation(partners[1 % len(partners)].user, reviewer, mediator, today)
    return raised


def _step(claim, step: str, operator, claimant) -> None:
    action, _, code = step.partition(":")
    case = claim.case_id
    if action == "dispatch":
        actions.act(operator, case, K.DISPATCH, department_code=code)
    elif action == "handle":
        claim.case.refresh_from_db()
        body = claim.case.department
        # The body's own account, or (none in the demo) the administrator records its answer.
        answerer = User.objects.filter(department=body).first()
        answerer = answerer or User.objects.filter(role=Role.ADMIN).first()
        note = ANSWERS.get(body.code, "已办结。")
        actions.act(answerer, case, K.HANDLE, note=note)
    elif action == "rate":
        actions.act(claimant, case, K.RATE, reason="satisfied")
    elif action == "reject":
        actions.act(operator, case, K.REJECT, reason="not_ours", note="税务问题请咨询12366。")
    else:
        actions.act(operator, case, action)


def _mediation_of(user, operator, kind, facts, amount, known_on, key) -> int:
    claim, _ = actions.raise_claim(
        user, type=kind, facts=facts, amount=amount, respondent_code="meituan",
        known_on=known_on, idempotency_key=key,
    )  # fmt: skip
    actions.act(operator, claim.case_id, K.ACCEPT)
    actions.act(operator, claim.case_id, K.DISPATCH, department_code="ldtj")
    return Mediation.objects.get(claim=claim).case_id


def _agreed_mediation(user, operator, mediator, platform, today) -> None:
    facts = "十月、十一月两个月跑单工资共6400元被站点以“押金”名义扣留。"
    known = today - datetime.timedelta(days=40)
    m = _mediation_of(user, operator, "pay", facts, "6400", known, "demo-mediation-agreed")
    actions.act(mediator, m, K.ACCEPT)
    actions.act(mediator, m, K.DISPATCH, extra={"mediator": mediator.pk})
    actions.act(
        mediator, m, K.SESSION, note="第一次调解：双方到场，站点承认扣留工资，对金额无异议。"
    )
    actions.act(
        mediator,
        m,
        K.AGREE,
        note="被申请人于本月25日前一次性支付申请人工资6400元，申请人放弃其他请求。",
    )
    actions.act(platform, m, K.COUNTERSIGN)
    actions.act(user, m, K.CONFIRM)
    actions.act(mediator, m, K.PERFORM, reason="performed")


def _referred_mediation(user, reviewer, mediator, today) -> None:
    facts = "送餐途中受伤停工一个月，平台不承认劳动关系，拒付误工费。"
    known = today - datetime.timedelta(days=320)  # the one-year limit is near: a warning
    m = _mediation_of(user, reviewer, "injury", facts, "5200", known, "demo-mediation-referred")
    actions.act(mediator, m, K.ACCEPT)
    actions.act(mediator, m, K.DISPATCH, extra={"mediator": mediator.pk})
    actions.act(mediator, m, K.SESSION, note="第一次调解：被申请人未到场。")
    # Its 15 days ran out without agreement: referred to arbitration (转仲裁).
    due = Case.objects.get(pk=m).step_deadline_at
    actions.refer_due(due + datetime.timedelta(minutes=1))
