from django.db import models
from django.utils.translation import gettext_lazy as _

from gridbee.core.authz import Role

__all__ = ["Role"]  # roles live with the permissions; people's choices name them too


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")  # 已提交, awaiting the station
    RECOMMENDED = "recommended", _("Recommended by the station")  # 行业推荐
    DECLINED = "declined", _("Declined by the station")
    APPROVED = "approved", _("Approved")  # 县级审核通过
    REJECTED = "rejected", _("Rejected")


class ApplicationAction(models.TextChoices):
    SUBMIT = "submit", _("Applied")
    RECOMMEND = "recommend", _("Recommended")
    DECLINE = "decline", _("Declined")
    APPROVE = "approve", _("Approved")
    REJECT = "reject", _("Rejected")


class PartnerStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    REVOKED = "revoked", _("Revoked")


class PartnerAction(models.TextChoices):
    ENROL = "enrol", _("Enrolled")
    SUSPEND = "suspend", _("Suspended")
    REVOKE = "revoke", _("Revoked")
    REINSTATE = "reinstate", _("Reinstated")


class StatusReason(models.TextChoices):
    """Why a partner was suspended, revoked or reinstated (动态进出)."""

    FALSE_REPORTS = "false_reports", _("False reports (negative list)")  # 不准虚假上报
    LEAKED_INFORMATION = "leaked_information", _("Leaked personal or case information")
    PRIVATE_GAIN = "private_gain", _("Used the identity for private gain")
    INACTIVITY = "inactivity", _("Inactive")
    OWN_REQUEST = "own_request", _("At own request")
    REVIEWED = "reviewed", _("Reviewed and cleared")
    OTHER = "other", _("Other")


class TeamRole(models.TextChoices):
    SUB_CAPTAIN = "sub_captain", _("Sub-captain")  # 分队长
    MEMBER = "member", _("Member")  # 成员
