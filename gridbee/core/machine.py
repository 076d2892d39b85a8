"""One shape for every state machine (a case's steps, an enrolment application, a partner's
standing): a table of named transitions, each saying from which states it starts, where it
leads, who may take it and what it needs; and one check that refuses a transition the table
does not allow, with the owner's own error codes."""

from collections.abc import Mapping
from dataclasses import dataclass

from .errors import DomainError, ErrorCode


@dataclass(frozen=True)
class Transition:
    sources: tuple[str, ...]
    target: str | None  # None: the state stays
    who: object  # a Perm, or a marker its owner checks (a case's reporters)
    note: bool = False  # a note is required
    reasons: tuple[str, ...] = ()  # one of these reasons is required
    photos: bool = False  # photos are required (a handling result)
    location: bool = False  # where the actor stands is required (lat, lon, accuracy)


@dataclass(frozen=True)
class Refusals:
    """The owner's error codes for what the table does not allow."""

    invalid: ErrorCode  # no such transition, or not from this state
    note_required: ErrorCode
    reason_required: ErrorCode


def transition(table: Mapping[str, Transition], action: str, refusals: Refusals) -> Transition:
    found = table.get(action)
    if found is None:
        raise DomainError(refusals.invalid)
    return found


def check(
    step: Transition, state: str, refusals: Refusals, *, note: str = "", reason: str = ""
) -> None:
    """Refuse the step from this state, or without the note or reason it needs."""
    if state not in step.sources:
        raise DomainError(refusals.invalid)
    if step.note and not (note or "").strip():
        raise DomainError(refusals.note_required)
    if step.reasons and reason not in step.reasons:
        raise DomainError(refusals.reason_required)
