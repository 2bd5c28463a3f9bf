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
  in the period holding the window's end vs the period before, as a percentage change.
Per period (`--period`): created, won, lost, win rate and won value, for the win rate over time.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from salesflow.clock import start_of_day_utc
from salesflow.models import Stage
from salesflow.services.reports.scope import (
    Scope,
    creation_days,
    day_diff_sql,
    days_value,
    half_up,
    median_sql,
    next_period,
    period_first_day,
    period_key,
    period_sql,
    period_start,
    periods_between,
    pick,
    previous_period,
    ratio,
    report_scope,
    typed_sql,
)
from salesflow.services.reports.views import KpiPeriod, Kpis, ReportWindow

if TYPE_CHECKING:
    from sqlmodel import Session

_CREATED = """
SELECT COUNT(*) FROM deals d
WHERE d.pipeline_id = :pipeline AND d.currency = :currency
  AND (:owner IS NULL OR lower(d.owner) = :owner)
  AND d.created_at >= :since AND d.created_at < :until
"""

# Outcomes that still stand (not undone by a reopen), dated in the window. A deal has at most
# one standing outcome, so sums need no DISTINCT.
CLOSED_IN_WINDOW = """
FROM close_outcomes c JOIN deals d ON d.id = c.deal_id
WHERE d.pipeline_id = :pipeline AND c.currency = :currency AND c.reopened_at IS NULL
  AND (:owner IS NULL OR lower(d.owner) = :owner)
  AND c.closed_on >= :since_day AND c.closed_on <= :until_day
"""

_CLOSED = (
    """
SELECT c.outcome, COUNT(*), COALESCE(SUM(c.amount_minor), 0),
       COUNT(DISTINCT d.company_id),
       COALESCE(SUM(CASE WHEN d.company_id IS NOT NULL THEN c.amount_minor END), 0)
"""
    + CLOSED_IN_WINDOW
    + "GROUP BY c.outcome"
)

_CYCLE = (
    "WITH cycle AS (SELECT {group} AS grp, {days} AS v "
    + CLOSED_IN_WINDOW
    + " AND c.outcome = 'won')"
)

_OPEN = """
SELECT stage_id, COUNT(*), COALESCE(SUM(value_minor), 0) FROM deals
WHERE pipeline_id = :pipeline AND status = 'open' AND currency = :currency
  AND (:owner IS NULL OR lower(owner) = :owner)
GROUP BY stage_id
"""

# The moment each deal first reached the qualified stage or later (or won without it).
_QUALIFIED = """
WITH q AS (
  SELECT m.deal_id, MIN(m.at) AS at
  FROM stage_moves m
  JOIN deals d ON d.id = m.deal_id
  JOIN stages st ON st.id = m.to_stage_id
  WHERE d.pipeline_id = :pipeline AND d.currency = :currency
    AND (:owner IS NULL OR lower(d.owner) = :owner)
    AND ((st.kind = 'open' AND st.position >= :qpos) OR st.kind = 'won')
  GROUP BY m.deal_id
)
SELECT COALESCE(SUM(CASE WHEN at >= :this_start AND at < :this_end THEN 1 ELSE 0 END), 0),
       COALESCE(SUM(CASE WHEN at >= :last_start AND at < :this_start THEN 1 ELSE 0 END), 0)
FROM q
"""

_CREATED_BY_PERIOD = """
SELECT {period} AS p, COUNT(*) FROM deals d
WHERE d.pipeline_id = :pipeline AND d.currency = :currency
  AND (:owner IS NULL OR lower(d.owner) = :owner)
  AND d.created_at >= :since AND d.created_at < :until
GROUP BY p
"""

_CLOSED_BY_PERIOD = (
    "SELECT {period} AS p, c.outcome, COUNT(*), COALESCE(SUM(c.amount_minor), 0) "
    + CLOSED_IN_WINDOW
    + "GROUP BY p, c.outcome"
)


def qualified_stage(stages: list[Stage]) -> Stage:
    """The stage whose entry makes a lead qualified (`domain.stages.qualifying_index`)."""
    from salesflow.domain.stages import qualifying_index

    opened = [s for s in stages if s.is_open]
    return opened[qualifying_index([(s.key, s.min_score) for s in opened])]


def weighted_minor(open_by_stage: dict[int, tuple[int, int]], stages: list[Stage]) -> int:
    """Σ value × stage probability over open deals, rounded half up once, at the end."""
    bp = {s.id: s.probability_bp for s in stages}
    total = sum(value * bp.get(stage_id, 0) for stage_id, (_, value) in open_by_stage.items())
    return half_up(total, 10000)


def window_of(scope: Scope) -> ReportWindow:
    """The read-model form of a report's scope."""
    return ReportWindow(
        pipeline=scope.pipeline.key,
        currency=scope.currency,
        since=scope.since,
        until=scope.until,
        owner=scope.owner,
        period=scope.period,
        left_out=scope.left_out,
    )


def build_kpis(
    *,
    session: Session,
    pipeline: str | None = None,
    since: date | None = None,
    until: date | None = None,
    owner: str | None = None,
    currency: str | None = None,
    period: str = "month",
) -> Kpis:
    """The KPIs of a pipeline for a window, one owner or all, in one currency."""
    scope = report_scope(session=session, pipeline=pipeline, since=since, until=until,
                         owner=owner, currency=currency, period=period)  # fmt: skip
    p = scope.params
    scoped = pick(p, "pipeline", "currency", "owner")
    window_days = scoped | pick(p, "since_day", "until_day")
    created = int(session.execute(typed_sql(_CREATED), scoped | pick(p, "since", "until")).one()[0])

    closed: dict[str, tuple[int, int, int, int]] = {}
    for outcome, n, value, companies, company_value in session.execute(
        typed_sql(_CLOSED), window_days
    ):
        closed[str(outcome)] = (int(n), int(value), int(companies), int(company_value))
    won, won_value, won_companies, won_company_value = closed.get("won", (0, 0, 0, 0))
    lost, lost_value, _, _ = closed.get("lost", (0, 0, 0, 0))

    median = median_cycle(scope, session=session)

    open_by_stage = {
        int(sid): (int(n), int(v)) for sid, n, v in session.execute(typed_sql(_OPEN), scoped)
    }
    open_deals = sum(n for n, _ in open_by_stage.values())
    pipeline_value = sum(v for _, v in open_by_stage.values())

    qualified = qualified_stage(scope.stages)
    this_start = period_start(scope.end_day, period)
    this_end, last_start = next_period(this_start, period), previous_period(this_start, period)
    velocity_params = scoped | {
        "qpos": qualified.position,
        "this_start": start_of_day_utc(this_start),
        "this_end": start_of_day_utc(this_end),
        "last_start": start_of_day_utc(last_start),
    }
    this_n, last_n = (int(x) for x in session.execute(typed_sql(_QUALIFIED), velocity_params).one())
    velocity = None
    if last_n:
        velocity = (Decimal(100 * (this_n - last_n)) / Decimal(last_n)).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )

    return Kpis(
        window=window_of(scope),
        deals_created=created,
        won=won,
        lost=lost,
        win_rate=ratio(won, won + lost),
        won_value_minor=won_value,
        lost_value_minor=lost_value,
        value_win_rate=ratio(won_value, won_value + lost_value),
        avg_won_value_minor=half_up(won_value, won) if won else None,
        arpu_minor=half_up(won_company_value, won_companies) if won_companies else None,
        arpu_companies=won_companies,
        median_cycle_days=median,
        open_deals=open_deals,
        pipeline_value_minor=pipeline_value,
        weighted_pipeline_minor=weighted_minor(open_by_stage, scope.stages),
        qualified_stage=qualified.key,
        this_period=period_key(this_start, period),
        qualified_this_period=this_n,
        qualified_last_period=last_n,
        lead_velocity=velocity,
        periods=kpi_periods(scope, session=session),
    )


def median_cycle(scope: Scope, *, session: Session, group: str = "1") -> Any:
    """The median sales cycle in whole days over the deals won in the window.

    With `group` (an SQL expression over `d`, the deal), a dict of medians per group.
    """
    created_day = creation_days(scope, session=session)
    days = day_diff_sql("c.closed_on", created_day.sql, scope.dialect)
    sql = _CYCLE.format(group=group, days=days) + median_sql("cycle")
    params = pick(scope.params, "pipeline", "currency", "owner", "since_day", "until_day")
    rows = session.execute(typed_sql(sql, created_day.types), params | created_day.params).all()
    if group == "1":
        return days_value(rows[0][1]) if rows else None
    return {g: days_value(m) for g, m in rows}


def kpi_periods(scope: Scope, *, session: Session) -> list[KpiPeriod]:
    """Created, won, lost, win rate and won value per month or quarter of the window."""
    p = scope.params
    created_day = creation_days(scope, session=session)
    created_sql = _CREATED_BY_PERIOD.format(
        period=period_sql(created_day.sql, scope.dialect, scope.period)
    )
    created = {
        str(k): int(n)
        for k, n in session.execute(
            typed_sql(created_sql, created_day.types),
            pick(p, "pipeline", "currency", "owner", "since", "until") | created_day.params,
        )
    }
    closed_sql = _CLOSED_BY_PERIOD.format(period=period_sql("c.closed_on", scope.dialect,
                                                            scope.period))  # fmt: skip
    closed: dict[tuple[str, str], tuple[int, int]] = {}
    for key, outcome, n, value in session.execute(
        typed_sql(closed_sql), pick(p, "pipeline", "currency", "owner", "since_day", "until_day")
    ):
        closed[(str(key), str(outcome))] = (int(n), int(value))
    keys = set(created) | {k for k, _ in closed}
    if not keys:
        return []
    # from the window's start (else the first period with data) to its end (else the last one)
    first = scope.since or min(period_first_day(k) for k in keys)
    last = scope.until or max(period_first_day(k) for k in keys)
    rows = []
    for key, start, end in periods_between(first, last, scope.period):
        won, won_value = closed.get((key, "won"), (0, 0))
        lost, _ = closed.get((key, "lost"), (0, 0))
        rows.append(KpiPeriod(period=key, start=start, end=end, created=created.get(key, 0),
                              won=won, lost=lost, win_rate=ratio(won, won + lost),
                              won_value_minor=won_value))  # fmt: skip
    return rows
