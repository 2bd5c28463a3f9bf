"""Read models: what services hand to the renderers (plain data, no session attached)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any


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
class DueToday:
    """What `due-today` shows: the follow-ups due by end of today, overdue first."""

    as_of: date
    tasks: list[TaskView]
    total: int
    overdue: int
    owner: str | None


@dataclass(frozen=True)
class FunnelStage:
    """One row of the funnel."""

    key: str
    name: str
    entered: int
    current: int
    current_value_minor: int
    converted: int
    conversion_rate: Decimal | None
    median_days: Decimal | None


@dataclass(frozen=True)
class Funnel:
    """The funnel of one pipeline over a window, in one currency."""

    pipeline: str
    currency: str
    since: date | None
    until: date | None
    owner: str | None
    stages: list[FunnelStage]
    won_count: int
    won_value_minor: int
    lost_count: int
    lost_value_minor: int
    win_rate: Decimal | None
    left_out: dict[str, int]  # other currencies → number of deals left out
