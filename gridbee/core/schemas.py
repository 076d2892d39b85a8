from typing import Annotated, Any

from ninja import Schema
from pydantic import Field

# The largest id a database row can have (BigAutoField). A larger number sent as an id is
# refused as input: SQLite cannot even bind it in a list (`pk__in`), which was a 500.
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class ErrorOut(Schema):
    """Every error answer: a stable code to switch on and a message for people."""

    code: str
    message: str
    details: Any | None = None
