from django.db import models
from django.utils.translation import gettext_lazy as _


class ClaimType(models.TextChoices):
    """What a partner's claim (诉求) is about."""

    PAY = "pay", _("Unpaid or withheld pay")  # 欠薪、克扣
    PENALTY = "penalty", _("Platform penalties and algorithm rules")  # 罚款、算法规则
    REST = "rest", _("Rest and working hours")  # 休息、工时
    INJURY = "injury", _("Occupational injury")  # 职业伤害
    INSURANCE = "insurance", _("Accident insurance")  # 意外险
    CHILDCARE = "childcare", _("Childcare")  # 小候鸟
    HOUSING = "housing", _("Housing")  # 住房
    OTHER = "other", _("Other")


# The claims that can go to labour-dispute mediation (人社厅发〔2024〕4号: pay, rewards and
# penalties, rest, occupational injury).
MEDIABLE = frozenset({ClaimType.PAY, ClaimType.PENALTY, ClaimType.REST, ClaimType.INJURY})

# Working days a responsible body has to handle and answer a claim, per type.
ANSWER_DAYS = {
    ClaimType.PAY: 5,
    ClaimType.PENALTY: 7,
    ClaimType.REST: 7,
    ClaimType.INJURY: 10,
    ClaimType.INSURANCE: 10,
    ClaimType.CHILDCARE: 10,
    ClaimType.HOUSING: 15,
    ClaimType.OTHER: 10,
}


class BodyType(models.TextChoices):
    """Who answers claims in the county (责任主体)."""

    LABOUR_BUREAU = "labour_bureau", _("Labour bureau")  # 人社局
    UNION = "union", _("Trade union")  # 工会
    PLATFORM = "platform", _("Platform company")  # 平台企业
    STREET = "street", _("Street or town")  # 街道、乡镇
    MEDIATION = "mediation", _("Mediation organisation")  # 劳动争议调解组织
    LEGAL_AID = "legal_aid", _("Legal aid centre")  # 法律援助中心


class ClaimRefusal(models.TextChoices):
    NOT_OURS = "not_ours", _("Not a matter for this county")
    DUPLICATE = "duplicate", _("Already raised")
    INSUFFICIENT = "insufficient", _("Not enough to go on")
    COURT = "court", _("Already before arbitration or a court")
    OTHER = "other", _("Other")


class MediationRefusal(models.TextChoices):
    NOT_LABOUR = "not_labour", _("Not a labour dispute")
    ARBITRATION = "arbitration", _("Already before arbitration or a court")
    WITHDRAWN = "withdrawn", _("Withdrawn by the applicant")
    OTHER = "other", _("Other")


class Performance(models.TextChoices):
    """How the agreement was honoured (履行回访)."""

    PERFORMED = "performed", _("Performed")
    PARTLY = "partly", _("Partly performed")
    NOT_PERFORMED = "not_performed", _("Not performed")


class Limitation(models.TextChoices):
    """Where the one-year time limit (仲裁时效, art. 27) stands."""

    NEAR = "near", _("The one-year time limit is near")
    PAST = "past", _("The one-year time limit has passed")
