"""Demo accounts: one person per role, with fixed mobiles and one shared password, so a fresh
install (and the test suite) can log in as each role at once. Never for production use."""

from django.db import transaction

from .choices import Role
from .models import User

DEMO_PASSWORD = "gridbee2026"

# role, mobile, name. The 138 0000 00xx numbers are reserved for demos; keep them fixed.
DEMO_ACCOUNTS: list[dict[str, str]] = [
    {"role": Role.PARTNER, "mobile": "13800000001", "name": "李明"},  # 外卖骑手
    {"role": Role.TEAM_LEAD, "mobile": "13800000002", "name": "张强"},  # 分队长
    {"role": Role.STATION, "mobile": "13800000003", "name": "陈静"},  # 站点站长
    {"role": Role.OPERATOR, "mobile": "13800000004", "name": "刘芳"},  # 专职网格员
    {"role": Role.DEPARTMENT, "mobile": "13800000005", "name": "赵磊"},  # 城管局
    {"role": Role.REVIEWER, "mobile": "13800000006", "name": "周敏"},  # 县委社会工作部
    {"role": Role.ADMIN, "mobile": "13800000007", "name": "孙伟"},  # 系统管理员
]


@transaction.atomic
def create_demo_accounts() -> list[dict[str, str]]:
    """Create the demo accounts that are missing and return all of them with their password.

    Idempotent: an existing account is kept (its password too). Only its role and admin flags
    are put back to what the demo promises, so each demo mobile still opens its role's pages.
    """
    accounts = []
    for spec in DEMO_ACCOUNTS:
        role = Role(spec["role"])
        is_admin = role == Role.ADMIN
        user = User.objects.filter(mobile=spec["mobile"]).first()
        if user is None:
            user = User.objects.create_user(
                spec["mobile"],
                DEMO_PASSWORD,
                name=spec["name"],
                role=role,
                is_staff=is_admin,
                is_superuser=is_admin,
            )
        elif (user.role, user.is_staff, user.is_superuser) != (role, is_admin, is_admin):
            user.role, user.is_staff, user.is_superuser = role, is_admin, is_admin
            user.save(update_fields=["role", "is_staff", "is_superuser"])
        accounts.append(
            {
                "role": role.value,
                "mobile": user.mobile,
                "password": DEMO_PASSWORD,
                "name": user.name,
            }
        )
    return accounts
