import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def normalize_mobile(raw: str) -> str:
    """Accept what people type (spaces, dashes, +86) and keep the 11 digits."""
    digits = re.sub(r"[\s\-()]", "", raw or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    return digits


def validate_mobile(value: str) -> None:
    if not MOBILE_RE.match(value or ""):
        raise ValidationError(
            _("Enter a mainland mobile number of 11 digits, e.g. 13812345678."),
            code="invalid_mobile",
        )


def mask_mobile(value: str) -> str:
    return f"{value[:3]}****{value[-4:]}" if len(value) == 11 else "****"


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def validate_id_number(value: str) -> None:
    """An 18-character resident ID number (GB 11643) with a valid check character."""
    value = (value or "").upper()
    valid = len(value) == 18 and value[:17].isdigit() and (value[17].isdigit() or value[17] == "X")
    if valid:
        total = sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS, strict=True))
        valid = _ID_CHECK[total % 11] == value[17]
    if not valid:
        raise ValidationError(_("Enter a valid 18-character ID card number."), code="invalid_id")


def mask_id_number(value: str) -> str:
    return f"{value[:4]}{'*' * 10}{value[-4:]}" if len(value) == 18 else "****"


def mask_name(value: str) -> str:
    """李明 → 李*, 欧阳明月 → 欧**月: enough to recognise, not to identify."""
    if len(value) <= 1:
        return "*"
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]
