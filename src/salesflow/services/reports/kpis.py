"""`report kpis`: the headline figures of a pipeline over a window, computed in SQL.

- deals_created: deals created in the window;
- won, lost, win_rate (count), won_value, value_win_rate = won value / (won + lost value):
  outcomes that still stand, by close date in the window;
- avg_won_value = won value / won; arpu = won value / distinct won companies, over the won deals
  that have a company (a deal without one names no customer to divide by);
- median_cycle_days: median of whole days from the local creation day to the close date, over
  the deals won in the window;
- pipeline_value, weighted_pipeline: open deals now, at face value and × stage probability;
- lead_velocity: deals that became qualified leads (first reached the qualified stage or later)
  in the last complete period of the window (the last month or quarter that ended by the
  window's end and before today) vs the period before, as a percentage change: like with like,
  never a partial period against a whole one;
- sales_velocity: open deals × average won value × win rate ÷ average cycle of the deals won
  (whole days, as the median's), in money per day; each factor is shown, and the figure is
  computed from the unrounded ones.
Per period (`--period`): created, won, lost, win rate and won value, for the win rate over time.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from salesflow.clock import start_of_day_utc, today
from salesflow.db.reader import Reader
from salesflow.domain.deals import DealStatus
from salesflow.errors import InvalidInput
from salesflow.queries.created import created_by, created_by_period, deals_created
from salesflow.queries.cycles import cycle_days_total, days_value, median_cycle, median_cycle_by
from salesflow.queries.deal_groups import KPI_GROUPS, deal_group_sql
from salesflow.queries.filters import Where
from salesflow.queries.local_days import period_sql
from salesflow.queries.open_deals import open_by, open_by_stage
from salesflow.queries.outcomes import Outcome, outcomes_by, won_lost
from salesflow.queries.pipelines import StageRow
from salesflow.queries.qualified import qualified_in
from salesflow.services.reports.scope import (
    ReportScope,
    Scope,
    best_won_first,
    half_up,
    next_period,
    outcome_figures,
    period_first_day,
    period_key,
    period_start,
    periods_between,
    previous_period,
    ratio,
    resolve,
    weighted_minor,
    window_of,
)
from salesflow.services.reports.views import KpiGroup, KpiPeriod, Kpis, SalesVelocity


def qualified_stage(stages: list[StageRow]) -> StageRow:
    """The stage whose entry makes a lead qualified (`domain.stages.qualifying_index`)."""
    from salesflow.domain.stages import qualifying_index

    opened = [s for s in stages if s.is_open]
    return opened[qualifying_index([(s.key, s.min_score) for s in opened])]


def check_kpi_group(by: str | None) -> None:
    """`--by` of `report kpis`."""
    if by is not None and by not in KPI_GROUPS:
        names = ", ".join(KPI_GROUPS)
        raise InvalidInput(f"--by must be one of {names}, not {by!r}")


def build_kpis(*, reader: Reader, scope: ReportScope, by: str | None = None) -> Kpis:
    """The KPIs of a pipeline for a window, one owner or all, in one currency; with `by`, also
    the same figures per source, industry, country, product or team."""
    resolved = resolve(scope, reader=reader)
    kpis = kpis_of(resolved, reader=reader)
    if by is None:
        return kpis
    return replace(kpis, by=by, groups=kpi_groups(resolved, by, reader=reader))


def kpi_groups(scope: Scope, by: str, *, reader: Reader) -> list[KpiGroup]:
    """Created, won, lost, win rate, won value, average, cycle and open deals per group, best
    won value first, the deals with no group last."""
    where, group = scope.where, deal_group_sql(by)
    created = created_by(where, group, reader=reader)
    closed, _ = outcomes_by(where, group, reader=reader)
    opened = open_by(where, group, reader=reader)
    cycles = median_cycle_by(where, group, reader=reader)
    rows = []
    for key in {*created, *closed, *opened}:
        won = closed.get(key, {}).get(DealStatus.WON, Outcome())
        lost = closed.get(key, {}).get(DealStatus.LOST, Outcome())
        found = opened.get(key)
        rows.append(
            KpiGroup(
                group=None if key is None else str(key),
                deals_created=created.get(key, 0),
                **outcome_figures(won, lost),
                median_cycle_days=cycles.get(key),
                open_deals=found.count if found else 0,
                pipeline_value_minor=found.value_minor if found else 0,
            )
        )
    rows.sort(key=lambda r: best_won_first(r.group, r.won_value_minor, r.won))
    return rows


def kpis_of(scope: Scope, *, reader: Reader) -> Kpis:
    """The KPIs of an already resolved scope."""
    where, period = scope.where, scope.period
    won, lost = won_lost(where, reader=reader)
    open_deals = open_by_stage(where, reader=reader)

    qualified = qualified_stage(scope.stages)
    this_start = last_complete_period(scope.end_day, period)
    this_end, last_start = next_period(this_start, period), previous_period(this_start, period)
    this_n, last_n = qualified_in(
        where, qualified.position, (start_of_day_utc(this_start), start_of_day_utc(this_end)),
        start_of_day_utc(last_start), reader=reader,
    )  # fmt: skip
    velocity = None
    if last_n:
        velocity = (Decimal(100 * (this_n - last_n)) / Decimal(last_n)).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )

    open_count = sum(n for n, _ in open_deals.values())
    return Kpis(
        window=window_of(scope),
        deals_created=deals_created(where, reader=reader),
        won=won.count,
        lost=lost.count,
        win_rate=ratio(won.count, won.count + lost.count),
        won_value_minor=won.value_minor,
        lost_value_minor=lost.value_minor,
        value_win_rate=ratio(won.value_minor, won.value_minor + lost.value_minor),
        avg_won_value_minor=half_up(won.value_minor, won.count) if won.count else None,
        arpu_minor=half_up(won.company_value_minor, won.companies) if won.companies else None,
        arpu_companies=won.companies,
        median_cycle_days=median_cycle(where, reader=reader),
        open_deals=open_count,
        pipeline_value_minor=sum(v for _, v in open_deals.values()),
        weighted_pipeline_minor=weighted_minor(open_deals, scope.stages),
        qualified_stage=qualified.key,
        this_period=period_key(this_start, period),
        qualified_this_period=this_n,
        qualified_last_period=last_n,
        lead_velocity=velocity,
        sales_velocity=sales_velocity(open_count, won, lost, where, reader=reader),
        periods=kpi_periods(scope, reader=reader),
    )


def last_complete_period(end_day: date, period: str) -> date:
    """The first day of the last month or quarter that ended by `end_day` and before today."""
    start = period_start(end_day, period)
    while (last := next_period(start, period) - timedelta(days=1)) > end_day or last >= today():
        start = previous_period(start, period)
    return start


def sales_velocity(
    open_count: int, won: Outcome, lost: Outcome, where: Where, *, reader: Reader
) -> SalesVelocity:
    """Open deals × average won value × win rate ÷ average cycle, in minor units per day."""
    cycle_days, cycles = cycle_days_total(where, reader=reader)
    per_day = None
    if won.count and cycle_days:
        # open × (value / won) × (won / (won + lost)) ÷ (days / cycles), rounded once
        per_day = half_up(
            open_count * won.value_minor * cycles, (won.count + lost.count) * cycle_days
        )
    return SalesVelocity(
        per_day_minor=per_day,
        open_opportunities=open_count,
        avg_won_value_minor=half_up(won.value_minor, won.count) if won.count else None,
        win_rate=ratio(won.count, won.count + lost.count),
        avg_cycle_days=days_value(Decimal(cycle_days) / cycles) if cycles else None,
    )


def kpi_periods(scope: Scope, *, reader: Reader) -> list[KpiPeriod]:
    """Created, won, lost, win rate and won value per month or quarter of the window."""
    created = created_by_period(scope.where, scope.period, reader=reader)
    by_period = period_sql("c.closed_on", reader.dialect, scope.period)
    closed, _ = outcomes_by(scope.where, by_period, reader=reader)
    keys = set(created) | {str(k) for k in closed}
    if not keys:
        return []
    # from the window's start (else the first period with data) to its end (else the last one)
    first = scope.since or min(period_first_day(k) for k in keys)
    last = scope.until or max(period_first_day(k) for k in keys)
    rows = []
    for key, start, end in periods_between(first, last, scope.period):
        outcomes = closed.get(key, {})
        won = outcomes.get(DealStatus.WON, Outcome())
        lost = outcomes.get(DealStatus.LOST, Outcome())
        rows.append(KpiPeriod(period=key, start=start, end=end, created=created.get(key, 0),
                              won=won.count, lost=lost.count,
                              win_rate=ratio(won.count, won.count + lost.count),
                              won_value_minor=won.value_minor))  # fmt: skip
    return rows
