"""The funnel, computed from the stage history (see CONTRACT.md, "Funnel definitions").

A *stay* is the time a deal spends in a stage: from the move into it to the next move (or now).
- entered: deals with a stay in the stage that overlaps the window;
- current / current value: open deals in the stage now;
- converted: of those, deals with a later move to a later open stage, or to won when that win
  still stands (a reopen undoes it); regressions and losses are never conversions;
- median days: median length of finished stays that overlap the window (and, for `report
  stages`, their number and 90th percentile by nearest rank);
- won / lost / win rate: close outcomes (not undone by a reopen) dated in the window.
Deals in other currencies than the report's are left out and counted in `left_out`.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from salesflow.clock import end_of_day_utc, start_of_day_utc, today
from salesflow.config import load_config
from salesflow.errors import InvalidInput
from salesflow.services.pipelines import get_pipeline, stages_of
from salesflow.services.views import Funnel, FunnelStage

if TYPE_CHECKING:
    from sqlmodel import Session

_DAYS = {
    "sqlite": "(julianday(ended) - julianday(started))",
    "postgresql": "(EXTRACT(EPOCH FROM (ended - started)) / 86400.0)",
}

_STAYS = """
WITH stays AS (
  SELECT m.deal_id, m.to_stage_id AS stage_id, st.kind, st.position, d.status,
         m.at AS started,
         LEAD(m.at) OVER (PARTITION BY m.deal_id ORDER BY m.at, m.id) AS ended,
         -- the furthest open stage the deal reaches after this stay (one pass, no self-join)
         MAX(CASE WHEN st.kind = 'open' THEN st.position END) OVER (
           PARTITION BY m.deal_id ORDER BY m.at, m.id
           ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS later_open_max
  FROM stage_moves m
  JOIN deals d ON d.id = m.deal_id
  JOIN stages st ON st.id = m.to_stage_id
  WHERE d.pipeline_id = :pipeline AND d.currency = :currency
    AND (:owner IS NULL OR lower(d.owner) = :owner)
),
windowed AS (
  SELECT * FROM stays
  WHERE kind = 'open' AND started < :until
    -- overlaps [since, until): still running, ends after since, or starts inside (even a
    -- zero-length stay); a stay that ends exactly as the window opens was never in it
    AND (ended IS NULL OR ended > :since OR started >= :since)
)
"""

# Built only from the constant strings in this module; every value is a bound parameter.
# Converted: a later open stage further down the pipeline, or a win that still stands (the
# deal's status is won, so its last stay is the win; a win undone by a reopen does not count).
_ENTERED = (
    _STAYS
    + """
SELECT stage_id, COUNT(DISTINCT deal_id) AS entered,
       COUNT(DISTINCT CASE WHEN later_open_max > position OR status = 'won'
                           THEN deal_id END) AS converted
FROM windowed GROUP BY stage_id
"""
)

_MEDIAN = """
, durations AS (SELECT stage_id, {days} AS days FROM windowed WHERE ended IS NOT NULL),
ranked AS (
  SELECT stage_id, days,
         ROW_NUMBER() OVER (PARTITION BY stage_id ORDER BY days) AS rn,
         COUNT(*) OVER (PARTITION BY stage_id) AS cnt
  FROM durations
)
SELECT stage_id, AVG(CASE WHEN rn IN ((cnt + 1) / 2, (cnt + 2) / 2) THEN days END), MAX(cnt),
       MAX(CASE WHEN rn = (9 * cnt + 9) / 10 THEN days END)  -- P90 by nearest rank
FROM ranked GROUP BY stage_id
"""

_CURRENT = """
SELECT stage_id, COUNT(*), COALESCE(SUM(value_minor), 0) FROM deals
WHERE pipeline_id = :pipeline AND status = 'open' AND currency = :currency
  AND (:owner IS NULL OR lower(owner) = :owner)
GROUP BY stage_id
"""

_CLOSED = """
SELECT c.outcome, COUNT(DISTINCT c.deal_id), COALESCE(SUM(c.amount_minor), 0)
FROM close_outcomes c JOIN deals d ON d.id = c.deal_id
WHERE d.pipeline_id = :pipeline AND c.currency = :currency AND c.reopened_at IS NULL
  AND (:owner IS NULL OR lower(d.owner) = :owner)
  AND c.closed_on >= :since_day AND c.closed_on <= :until_day
GROUP BY c.outcome
"""

_CURRENCIES = """
SELECT currency, COUNT(*) FROM deals
WHERE pipeline_id = :pipeline AND (:owner IS NULL OR lower(owner) = :owner)
GROUP BY currency ORDER BY COUNT(*) DESC, currency
"""


def _sql(sql: str) -> Any:
    """A text query with typed parameters (PostgreSQL cannot infer the type of `:owner IS NULL`)."""
    from sqlalchemy import Date, DateTime, Integer, String, bindparam, text

    types = {
        "pipeline": Integer(),
        "owner": String(),
        "currency": String(),
        "since": DateTime(),
        "until": DateTime(),
        "since_day": Date(),
        "until_day": Date(),
    }
    used = set(re.findall(r":(\w+)", sql))
    return text(sql).bindparams(*(bindparam(k, type_=t) for k, t in types.items() if k in used))


def _most_used(by_currency: dict[str, int], configured: str) -> str:
    """The report currency: the most used one; on a tie the configured one, else A-Z first."""
    if not by_currency:
        return configured
    top = max(by_currency.values())
    tied = sorted(c for c, n in by_currency.items() if n == top)
    return configured if configured in tied else tied[0]


def _ratio(part: int, whole: int) -> Decimal | None:
    if whole == 0:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def build_funnel(
    *,
    session: Session,
    pipeline: str | None = None,
    since: date | None = None,
    until: date | None = None,
    owner: str | None = None,
    currency: str | None = None,
) -> Funnel:
    """The funnel of a pipeline for a window and (optionally) one owner."""
    if since and until and since > until:
        raise InvalidInput(f"--since {since} is after --until {until}")
    chosen = get_pipeline(pipeline, session=session)
    stages = [s for s in stages_of(chosen.id, session=session) if s.is_open]  # type: ignore[arg-type]
    owner_key = owner.lower() if owner else None
    base: dict[str, Any] = {"pipeline": chosen.id, "owner": owner_key}

    counts = session.execute(_sql(_CURRENCIES), base).all()
    by_currency = {str(c): int(n) for c, n in counts}
    report_currency = currency or _most_used(by_currency, load_config().currency)
    left_out = {c: n for c, n in by_currency.items() if c != report_currency}

    params = {
        **base,
        "currency": report_currency,
        "since": start_of_day_utc(since) if since else start_of_day_utc(date(1900, 1, 1)),
        "until": end_of_day_utc(until or today()),
        "since_day": since or date(1900, 1, 1),
        "until_day": until or date(9999, 12, 31),
    }
    dialect = session.get_bind().dialect.name
    entered = {int(sid): (int(n), int(c)) for sid, n, c in session.execute(_sql(_ENTERED), params)}
    median_sql = _STAYS + _MEDIAN.format(days=_DAYS.get(dialect, _DAYS["postgresql"]))
    medians, tails = {}, {}
    for sid, m, stays, p90 in session.execute(_sql(median_sql), params):
        if m is not None:
            medians[int(sid)] = Decimal(str(m)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            tails[int(sid)] = (
                int(stays),
                Decimal(str(p90)).quantize(Decimal("0.1"), ROUND_HALF_UP),
            )
    current = {int(sid): (int(n), int(v)) for sid, n, v in session.execute(_sql(_CURRENT), params)}
    closed_params = {k: params[k] for k in ("pipeline", "owner", "currency")}
    closed_params |= {"since_day": params["since_day"], "until_day": params["until_day"]}
    closed = {str(o): (int(n), int(v)) for o, n, v in session.execute(_sql(_CLOSED), closed_params)}
    rows = []
    for stage in stages:
        n_entered, n_converted = entered.get(stage.id, (0, 0))  # type: ignore[arg-type]
        n_current, value = current.get(stage.id, (0, 0))  # type: ignore[arg-type]
        rows.append(
            FunnelStage(
                key=stage.key,
                name=stage.name,
                entered=n_entered,
                current=n_current,
                current_value_minor=value,
                converted=n_converted,
                conversion_rate=_ratio(n_converted, n_entered),
                median_days=medians.get(stage.id),  # type: ignore[arg-type]
                stays=tails.get(stage.id, (0, None))[0],  # type: ignore[arg-type]
                p90_days=tails.get(stage.id, (0, None))[1],  # type: ignore[arg-type]
            )
        )
    won, lost = closed.get("won", (0, 0)), closed.get("lost", (0, 0))
    return Funnel(
        pipeline=chosen.key,
        currency=report_currency,
        since=since,
        until=until,
        owner=owner,
        stages=rows,
        won_count=won[0],
        won_value_minor=won[1],
        lost_count=lost[0],
        lost_value_minor=lost[1],
        win_rate=_ratio(won[0], won[0] + lost[0]),
        left_out=left_out,
    )
