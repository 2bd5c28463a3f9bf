"""Read models of the manager's reports: funnel, KPIs, forecast, reps, products, lost reasons,
stages and the dashboard."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


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
class SalesVelocity:
    """Money the pipeline brings in per day: open deals × average won value × win rate ÷ the
    average cycle of the deals won (in days), computed from the unrounded factors."""

    per_day_minor: int | None  # None when nothing was won, or every win took 0 days
    open_opportunities: int
    avg_won_value_minor: int | None
    win_rate: Decimal | None
    avg_cycle_days: Decimal | None


@dataclass(frozen=True)
class KpiGroup:
    """One group's line of `report kpis --by …` (group None: the deals with nothing to group
    by): the whole's figures over the group's deals."""

    group: str | None
    deals_created: int
    won: int
    lost: int
    win_rate: Decimal | None
    won_value_minor: int
    avg_won_value_minor: int | None
    median_cycle_days: Decimal | None
    open_deals: int
    pipeline_value_minor: int


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
    lead_velocity: Decimal | None  # percent: the last complete period against the one before
    sales_velocity: SalesVelocity
    periods: list[KpiPeriod]
    by: str | None = None  # `--by`: what `groups` split the deals by
    groups: list[KpiGroup] | None = None


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
    avg_won_value_minor: int | None
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
class GroupRow:
    """One team's, manager's or office's line of `report reps --by …` (None: reps in none)."""

    group: str | None
    open: int
    won: int
    lost: int
    win_rate: Decimal | None
    won_value_minor: int
    avg_won_value_minor: int | None
    median_cycle_days: Decimal | None
    activities: int
    overdue: int


@dataclass(frozen=True)
class RepGroups:
    """`report reps --by team|manager|office`, best won value first."""

    window: ReportWindow
    as_of: date
    by: str
    groups: list[GroupRow]


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
