"""Numbers callers send, each kind defined once: the API declares its fields with these types
(pydantic refuses a bad one before the view runs: 400 invalid_input naming the field), and
pages and actions that receive a number another way check it with `checked()` against the same
type, which refuses with the same code. NaN and infinities are never a number here.

Coordinates: the types refuse what is no finite number; their range is documented here but
checked where they become WGS-84 (gridbee.geo.routing.to_wgs84), for every caller alike, with
the domain's own code (geo.coordinates_out_of_range)."""

from functools import cache
from typing import Annotated, Any

from pydantic import Field, TypeAdapter, ValidationError

from .errors import CommonError, DomainError

# A phone that cannot place itself within 100 km does not know where it is; iOS says so with
# a negative accuracy.
MAX_ACCURACY_M = 100_000

Latitude = Annotated[
    float,
    Field(
        allow_inf_nan=False,
        description="Latitude in the declared coordinate system",
        json_schema_extra={"minimum": -90, "maximum": 90},
    ),
]
Longitude = Annotated[
    float,
    Field(
        allow_inf_nan=False,
        description="Longitude in the declared coordinate system",
        json_schema_extra={"minimum": -180, "maximum": 180},
    ),
]
AccuracyM = Annotated[
    float,
    Field(
        ge=0,
        le=MAX_ACCURACY_M,
        allow_inf_nan=False,
        description="How far off the phone says its position may be, in metres",
    ),
]


@cache
def _adapter(kind: Any) -> TypeAdapter:
    return TypeAdapter(kind)


def checked(value: Any, kind: Any, *, field: str) -> Any:
    """The value as `kind` (a number from a string too; None stays None), or DomainError
    invalid_input naming the field."""
    if value is None:
        return None
    try:
        return _adapter(kind).validate_python(value)
    except ValidationError as exc:
        problem = exc.errors()[0]["msg"]
        raise DomainError(CommonError.INVALID_INPUT, field=field, problem=problem) from None


def from_form(raw: str | None, kind: Any, *, field: str) -> Any:
    """A form field's text as `kind`; blank is None."""
    raw = (raw or "").strip()
    return checked(raw, kind, field=field) if raw else None
