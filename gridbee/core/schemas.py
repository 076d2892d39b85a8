from typing import Any

from ninja import Schema


class ErrorOut(Schema):
    """Every error answer: a stable code to switch on and a message for people."""

    code: str
    message: str
    details: Any | None = None
