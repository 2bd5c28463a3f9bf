"""Read models of deals and pipelines: a deal's card, stage history, follow-ups and close
outcome, and a pipeline with its stages (plain data, no session attached)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class MoveView:
    """One line of a deal's stage history."""

    from_stage: str | None
    to_stage: str
    at: datetime
    by: str
    note: str | None
    forced: bool
    regression: bool


@dataclass(frozen=True)
class TaskView:
    """A follow-up, with enough of its deal to act on it."""

    id: int
    deal_id: int
    deal: str
    company: str | None
    stage: str
    text: str
    due: date
    owner: str
    repeat: str | None
    done_at: datetime | None
    overdue_days: int
    value_minor: int
    currency: str
    closed_as: str | None = None  # done | superseded | cancelled; None while open


def closed_as(done_at: datetime | None, stored: str | None) -> str | None:
    """How a follow-up ended: the stored `closed_as`, `done` for one finished before the column
    existed, None while open."""
    if done_at is None:
        return None
    return stored or "done"


def days_overdue(due: date, done_at: datetime | None, today: date) -> int:
    """Whole days an open follow-up is past its due day (0 when due today, ahead, or done)."""
    return max(0, (today - due).days) if done_at is None else 0


@dataclass(frozen=True)
class CloseView:
    """How a closed deal ended."""

    outcome: str
    amount_minor: int
    currency: str
    reason: str | None
    competitor: str | None
    note: str | None
    closed_on: date


@dataclass(frozen=True)
class DealView:
    """The deal card (`show`), and a row of `lead list` (without history)."""

    id: int
    title: str
    pipeline: str
    stage: str
    stage_name: str
    status: str
    value_minor: int
    currency: str
    probability: Decimal
    owner: str
    company: str | None
    contact: str | None
    email: str | None
    phone: str | None
    source: str | None
    close_by: date | None
    created_at: datetime
    updated_at: datetime
    stage_entered_at: datetime
    score: int
    lifecycle: str
    version: int
    history: list[MoveView] = field(default_factory=list)
    tasks: list[TaskView] = field(default_factory=list)
    activities: list[dict[str, Any]] = field(default_factory=list)
    quotes: list[dict[str, Any]] = field(default_factory=list)
    collateral: list[dict[str, Any]] = field(default_factory=list)
    close: CloseView | None = None


@dataclass(frozen=True)
class StageView:
    """A stage as shown by `pipeline show`."""

    key: str
    name: str
    kind: str
    position: int
    probability: Decimal
    rot_days: int | None
    min_score: int | None
    requires_quote: bool
    on_enter: list[dict[str, Any]]
    collateral: list[dict[str, Any]]


@dataclass(frozen=True)
class PipelineView:
    """A pipeline with its stages in order (open stages, then won, then lost)."""

    key: str
    is_default: bool
    mql: int | None
    sql: int | None
    stages: list[StageView]
    deals_open: int = 0
