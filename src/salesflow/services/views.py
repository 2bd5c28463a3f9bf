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
    rotting: int | None = None  # the owner's open deals rotting (None: not counted)
    no_next_step: int | None = None  # the owner's open deals with no open follow-up


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
    stays: int = 0  # finished stays the median rests on
    p90_days: Decimal | None = None  # their 90th percentile (nearest rank)


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


@dataclass(frozen=True)
class CadenceView:
    """A cadence as `cadence list` shows it."""

    name: str
    description: str | None
    steps: list[dict[str, Any]]
    running: int  # deals it is running on now


@dataclass(frozen=True)
class CadenceRunView:
    """A cadence started on (or stopped on) a deal, with the follow-ups it made or removed."""

    run_id: int
    cadence: str
    deal_id: int
    deal: str
    started_on: date
    stopped_at: datetime | None
    stop_reason: str | None
    tasks: list[TaskView]  # started: the follow-ups made; stopped: those removed
    kept: int = 0  # stopped: follow-ups already done, kept on the deal


@dataclass(frozen=True)
class RottingDeal:
    """An open deal idle longer than its stage's `rot_days`."""

    deal_id: int
    deal: str
    company: str | None
    stage: str
    owner: str
    idle_days: int
    rot_days: int
    last_touch: datetime


@dataclass(frozen=True)
class StaleDeal:
    """An open deal with no open follow-up: nobody has planned its next step."""

    deal_id: int
    deal: str
    company: str | None
    stage: str
    owner: str


@dataclass(frozen=True)
class Stale:
    """What `stale` shows: rotting deals (most idle first) and deals with no next step."""

    as_of: date
    rotting: list[RottingDeal]
    no_next_step: list[StaleDeal]
    rotting_total: int
    no_next_step_total: int


@dataclass(frozen=True)
class AgendaDay:
    """One day of the agenda and its open follow-ups."""

    day: date
    tasks: list[TaskView]


@dataclass(frozen=True)
class Agenda:
    """Open follow-ups for the coming days, overdue ones first as their own group."""

    as_of: date
    through: date
    owner: str | None
    overdue: list[TaskView]
    days: list[AgendaDay]


@dataclass(frozen=True)
class EmailDraft:
    """A rendered email, written to the outbox (and maybe sent)."""

    deal_id: int
    template: str
    to: str
    subject: str
    path: str
    sent: bool
    activity_id: int
    message_id: str


# --- reports (`salesflow report …`) --------------------------------------------------------


@dataclass(frozen=True)
class ReportWindow:
    """What every report was asked for: pipeline, currency, window, owner, period length."""

    pipeline: str
    currency: str
    since: date | None
    until: date | None
    owner: str | None
    period: str
    left_out: dict[str, int]  # other currencies → number of deals left out


@dataclass(frozen=True)
class KpiPeriod:
    """One month or quarter of `report kpis`: deals created, won and lost in it."""

    period: str
    start: date
    end: date
    created: int
    won: int
    lost: int
    win_rate: Decimal | None
    won_value_minor: int


@dataclass(frozen=True)
class Kpis:
    """`report kpis`: the headline figures of a window (see CONTRACT.md, "Reports")."""

    window: ReportWindow
    deals_created: int
    won: int
    lost: int
    win_rate: Decimal | None
    won_value_minor: int
    lost_value_minor: int
    value_win_rate: Decimal | None
    avg_won_value_minor: int | None
    arpu_minor: int | None
    arpu_companies: int  # distinct companies of the won deals that have one
    median_cycle_days: Decimal | None
    open_deals: int
    pipeline_value_minor: int
    weighted_pipeline_minor: int
    qualified_stage: str
    this_period: str
    qualified_this_period: int
    qualified_last_period: int
    lead_velocity: Decimal | None  # percent
    periods: list[KpiPeriod]


@dataclass(frozen=True)
class ForecastStage:
    """A stage's forecast category and the win rate measured from the pipeline's history."""

    key: str
    name: str
    probability: Decimal
    category: str  # commit | best_case | pipeline
    closed: int  # closed deals of the pipeline that passed through the stage
    won: int
    measured_rate: Decimal | None
    rate: Decimal  # what the forecast uses: measured, or the stage probability when too few
    source: str  # history | stage
    open_deals: int
    open_value_minor: int


@dataclass(frozen=True)
class ForecastPeriod:
    """The expected won value of one period: won so far plus the open deals due to close in it."""

    period: str  # `2026-11`, `2026-Q4`, `total`, `overdue` (close date passed) or `undated`
    start: date | None
    end: date | None
    deals: int  # open deals expected to close in it
    value_minor: int
    won_minor: int  # won in it so far
    weighted_minor: int
    commit_minor: int
    best_case_minor: int
    historical_minor: int
    p10_minor: int
    p50_minor: int
    p90_minor: int


@dataclass(frozen=True)
class Forecast:
    """`report forecast`."""

    window: ReportWindow
    as_of: date
    stages: list[ForecastStage]
    periods: list[ForecastPeriod]
    total: ForecastPeriod
    overdue: ForecastPeriod
    undated: ForecastPeriod
    seed: int
    trials: int
    min_history: int


@dataclass(frozen=True)
class RepRow:
    """One owner's line of `report reps`."""

    owner: str
    open: int
    won: int
    lost: int
    win_rate: Decimal | None
    won_value_minor: int
    median_cycle_days: Decimal | None
    activities: int
    overdue: int


@dataclass(frozen=True)
class Reps:
    """`report reps`, best won value first."""

    window: ReportWindow
    as_of: date
    reps: list[RepRow]


@dataclass(frozen=True)
class ProductRow:
    """One main product's line of `report products`."""

    sku: str | None
    name: str | None
    open: int
    won: int
    lost: int
    win_rate: Decimal | None
    won_value_minor: int
    avg_won_value_minor: int | None
    median_cycle_days: Decimal | None


@dataclass(frozen=True)
class Products:
    """`report products`, best won value first."""

    window: ReportWindow
    products: list[ProductRow]


@dataclass(frozen=True)
class LostCount:
    """How many deals (and how much value) were lost: from a stage, or to a competitor."""

    key: str | None
    name: str | None
    count: int
    value_minor: int


@dataclass(frozen=True)
class LostReason:
    """One lost reason: count, value, ranks, and the stages deals were lost from."""

    reason: str | None
    count: int
    value_minor: int
    share: Decimal | None  # of the lost deals
    count_rank: int
    value_rank: int
    stages: list[LostCount]


@dataclass(frozen=True)
class LostReport:
    """`report lost`: reasons ranked by count (then value), stages lost from, competitors."""

    window: ReportWindow
    count: int
    value_minor: int
    reasons: list[LostReason]
    stages: list[LostCount]
    competitors: list[LostCount]


@dataclass(frozen=True)
class StageStat:
    """One stage of `report stages`: time in stage, conversion, and deals lost from it."""

    key: str
    name: str
    entered: int
    current: int
    converted: int
    conversion_rate: Decimal | None
    median_days: Decimal | None
    p90_days: Decimal | None
    stays: int  # finished stays the times rest on
    lost: int
    lost_value_minor: int


@dataclass(frozen=True)
class StagesReport:
    """`report stages`, with the bottlenecks named."""

    window: ReportWindow
    stages: list[StageStat]
    loses_most: str | None  # key of the stage most deals were lost from
    waits_longest: str | None  # key of the stage with the longest median stay


@dataclass(frozen=True)
class Dashboard:
    """`report html`: the reports a manager looks at, for one pipeline, window and currency."""

    kpis: Kpis
    funnel: Funnel
    forecast: Forecast
    reps: Reps
    stages: StagesReport
    lost: LostReport
