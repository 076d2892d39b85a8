"""Domain errors: each domain lists its error codes in one enum; one API handler maps them to
HTTP answers. A code is stable (clients switch on it); the message is for people, translated."""

from enum import Enum
from typing import Any

from django.utils.translation import gettext_lazy as _


class ErrorCode(Enum):
    """Members are (code, HTTP status, message). Subclass once per domain."""

    @property
    def code(self) -> str:
        return self.value[0]

    @property
    def status(self) -> int:
        return self.value[1]

    @property
    def message(self) -> str:
        return str(self.value[2])


class DomainError(Exception):
    def __init__(self, error: ErrorCode, message: str | None = None, **details: Any):
        self.error = error
        self.message = message or error.message
        self.details = details
        super().__init__(f"{error.code}: {self.message}")

    @property
    def code(self) -> str:
        return self.error.code

    @property
    def status(self) -> int:
        return self.error.status

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": str(self.message)}
        if self.details:
            body["details"] = self.details
        return body


class CommonError(ErrorCode):
    """Answers every domain gives alike."""

    INVALID_INPUT = ("invalid_input", 400, _("Some fields are missing or invalid."))
    NOT_AUTHENTICATED = ("auth.not_authenticated", 401, _("Please log in first."))
    FORBIDDEN = ("auth.forbidden", 403, _("Your role may not do this."))
