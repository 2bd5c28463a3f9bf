"""A deal's status, the kind of the stage it is in, and its close outcomes: when they agree.

A deal is `open` in an open stage with no close outcome standing (every earlier win or loss was
reopened); `won` (or `lost`) in its pipeline's won (or lost) stage with exactly one standing
outcome, a win (or a loss). Every writer keeps this (`moves` when it closes and reopens, the
imports when they bring history in) and `db check` looks for deals that break it.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum


class DealStatus(StrEnum):
    """Where a deal stands. A `StrEnum`: equal to its text, stored and shown as open/won/lost."""

    OPEN = "open"
    WON = "won"
    LOST = "lost"


class StageKind(StrEnum):
    """What a stage is: one of the open steps, or the won or lost outcome."""

    OPEN = "open"
    WON = "won"
    LOST = "lost"


STATUSES = tuple(DealStatus)  # a deal's status; a stage's kind is one of the same three
OUTCOMES = (DealStatus.WON, DealStatus.LOST)  # the two ways a deal closes


def state_problem(status: str, stage: str, stage_kind: str, standing: Sequence[str]) -> str | None:
    """Why a deal with this status, in `stage` (of kind `stage_kind`), with these outcomes still
    standing (`won`/`lost`, not reopened) is inconsistent, or None when it is not."""
    if status not in STATUSES:
        return f"status {status!r} is not open, won or lost"
    if stage_kind != status:
        what = "an open stage" if stage_kind == "open" else f"the {stage_kind} outcome"
        return f"status {status!r} but stage {stage!r} is {what}"
    if status == "open":
        if standing:
            return (
                f"status 'open' but a {standing[-1]} outcome still stands "
                "(a reopened deal's outcome has reopened_at)"
            )
        return None
    if not standing:
        return f"status {status!r} but no {status} outcome stands (none without reopened_at)"
    if len(standing) > 1:
        return f"status {status!r} but {len(standing)} outcomes stand; only the last one can"
    if standing[0] != status:
        return f"status {status!r} but the outcome that stands is {standing[0]!r}"
    return None
