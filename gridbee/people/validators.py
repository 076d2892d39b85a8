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
