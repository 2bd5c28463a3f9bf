"""The funnel, computed from the stays (see CONTRACT.md, "Funnel definitions").

A *stay* is the time a deal spends in a stage: from the move into it to the next move (or now).
- entered: deals with a stay in the stage that overlaps the window;
- current / current value: open deals in the stage now;
- converted: of those, deals with a later move to a later open stage, or to won when that win
  still stands (a reopen undoes it); regressions and losses are never conversions;
- median days: median length of finished stays that overlap the window (and, for `report
  stages`, their number and 90th percentile by nearest rank);
- won / lost / win rate: close outcomes (not undone by a reopen) dated in the window.
Deals in other currencies than the report's are left out and counted in `left_out`.

Every figure is aggregated in SQL (the same text on SQLite and PostgreSQL, through a `Reader`)
and only result rows come back, so a million deals cost a few index scans, not a million rows
in Python. Each stage move carries its stay's derived columns (`db.stays`): when it ended, how
long it lasted, how far the deal got afterwards, whether the deal had been in the stage before,
and the deal's currency. So, one open stage at a time:
- entered / converted / finished stays: one pass over the stage's stays in the report currency
  (index `ix_stage_moves_funnel`). A deal is counted at its first stay in the window; only a
  re-entry (after a regression) looks back for an earlier one, so no DISTINCT is needed, and
  that first stay converted exactly when any of the deal's stays in the window did;
- median and P90: the index holds the stays by length, so the k-th shortest finished stay is
  read with LIMIT/OFFSET, k from the count above: no sort, no rows beyond the one or two asked.
Current deals and won/lost come from their own covering indexes (`ix_deals_funnel_open`,
`ix_close_outcomes_standing`).
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from salesflow.clock import end_of_day_utc, start_of_day_utc, today
from salesflow.config import load_config
from salesflow.db.reader import Reader, compose
from salesflow.errors import InvalidInput
from salesflow.queries.filters import owner_key
from salesflow.services.deals.lookups import pipeline_id
from salesflow.services.views import Funnel, FunnelStage

DAY_SECONDS = 86400

_PIPELINE_KEY = "SELECT key FROM pipelines WHERE id = :pipeline"
_OPEN_STAGES = """
SELECT id, key, name, position FROM stages
WHERE pipeline_id = :pipeline AND kind = 'open' ORDER BY position
"""

# The stays of one stage in the report currency that overlap the window [since, until): started
# before it ends, and still running, ended after it began, or started inside it (even a
# zero-length stay); a stay that ends exactly as the window opens was never in it.
_IN_STAGE = """
FROM stage_moves m
WHERE m.to_stage_id = :stage AND m.deal_currency = :currency AND m.at < :until
"""
_SINCE = " AND (m.left_at IS NULL OR m.left_at > :since OR m.at >= :since)"
_OWNER = (
    " AND m.deal_id IN (SELECT d.id FROM deals d"
    " WHERE d.pipeline_id = :pipeline AND lower(d.owner) = :owner)"
)
# A re-entered stay is not the deal's first in the window when an earlier stay in the same stage
# also overlaps it (that one started earlier still, so only its end can miss the window).
_EARLIER = """
EXISTS (SELECT 1 FROM stage_moves p
        WHERE p.deal_id = m.deal_id AND p.to_stage_id = m.to_stage_id
          AND p.at <= m.at AND (p.at < m.at OR p.id < m.id)
"""
_EARLIER_SINCE = " AND (p.left_at IS NULL OR p.left_at > :since OR p.at >= :since)"

# entered, converted (at the deal's first stay in the window), finished stays
_COUNTS_HEAD = """
SELECT COALESCE(SUM(f.first), 0),
       COALESCE(SUM(CASE WHEN f.first = 1 AND f.furthest_after > :position THEN 1 ELSE 0 END), 0),
       COALESCE(SUM(CASE WHEN f.left_at IS NOT NULL THEN 1 ELSE 0 END), 0)
FROM (SELECT m.furthest_after, m.left_at,
             CASE WHEN m.reentry AND """
_COUNTS_MID = ") THEN 0 ELSE 1 END AS first\n"
_COUNTS_TAIL = ") f"

# the finished stays by length: LIMIT/OFFSET picks the middle one(s) and the 90th percentile
_LENGTH_HEAD = "SELECT m.stay_seconds\n"
_FINISHED = " AND m.stay_seconds IS NOT NULL"
_BY_LENGTH = " ORDER BY m.stay_seconds LIMIT :take OFFSET :skip"

_CURRENT = """
SELECT stage_id, COUNT(*), COALESCE(SUM(value_minor), 0) FROM deals
WHERE status = 'open' AND pipeline_id = :pipeline AND currency = :currency
"""
_DEALS_OWNER = " AND lower(owner) = :owner"
_BY_STAGE = " GROUP BY stage_id"

# Outcomes first, in deal order, then each one's deal (CROSS JOIN keeps that order on SQLite).
_CLOSED = """
SELECT c.outcome, COUNT(DISTINCT c.deal_id), COALESCE(SUM(c.amount_minor), 0)
FROM close_outcomes c CROSS JOIN deals d
WHERE c.reopened_at IS NULL AND c.currency = :currency
  AND d.id = c.deal_id AND d.pipeline_id = :pipeline
"""
_CLOSED_OWNER = " AND lower(d.owner) = :owner"
_CLOSED_SINCE = " AND c.closed_on >= :since_day"
_CLOSED_UNTIL = " AND c.closed_on <= :until_day"
_BY_OUTCOME = " GROUP BY c.outcome"

_CURRENCIES = "SELECT currency, COUNT(*) FROM deals WHERE pipeline_id = :pipeline"
_BY_CURRENCY = " GROUP BY currency"


def build_funnel(
    *,
    reader: Reader,
    pipeline: str | None = None,
    since: date | None = None,
    until: date | None = None,
    owner: str | None = None,
    currency: str | None = None,
    with_p90: bool = False,
) -> Funnel:
    """The funnel of a pipeline for a window and (optionally) one owner.

    `with_p90`: also the 90th percentile of each stage's finished stays (`report stages`).
    """
    if since and until and since > until:
        raise InvalidInput(f"--since {since} is after --until {until}")
    chosen = pipeline_id(pipeline, reader=reader)
    pipeline_key = str(reader.scalar(_PIPELINE_KEY, pipeline=chosen))
    key = owner_key(owner)
    by_owner = key is not None
    base: dict[str, Any] = {"pipeline": chosen}
    if key is not None:
        base["owner"] = key

    by_currency = {
        str(c): int(n)
        for c, n in reader.rows(
            compose(_CURRENCIES, _DEALS_OWNER if by_owner else "", _BY_CURRENCY), **base
        )
    }
    report_currency = currency or _most_used(by_currency, load_config().currency)
    left_out = {c: n for c, n in sorted(by_currency.items(), key=lambda cn: (-cn[1], cn[0]))
                if c != report_currency}  # fmt: skip

    current = {
        int(sid): (int(n), int(v))
        for sid, n, v in reader.rows(
            compose(_CURRENT, _DEALS_OWNER if by_owner else "", _BY_STAGE),
            **base,
            currency=report_currency,
        )
    }
    window: dict[str, Any] = {**base, "currency": report_currency,
                              "until": end_of_day_utc(until or today())}  # fmt: skip
    if since is not None:
        window["since"] = start_of_day_utc(since)
    stays = _Stays(reader, window, by_owner=by_owner, with_p90=with_p90)
    rows = [
        stays.stage(sid, key, name, position, current.get(sid, (0, 0)))
        for sid, key, name, position in reader.rows(_OPEN_STAGES, pipeline=chosen)
    ]

    closed_params: dict[str, Any] = {**base, "currency": report_currency}
    if since is not None:
        closed_params["since_day"] = since
    if until is not None:
        closed_params["until_day"] = until
    closed_sql = compose(
        _CLOSED,
        _CLOSED_OWNER if by_owner else "",
        _CLOSED_SINCE if since is not None else "",
        _CLOSED_UNTIL if until is not None else "",
        _BY_OUTCOME,
    )
    closed = {str(o): (int(n), int(v)) for o, n, v in reader.rows(closed_sql, **closed_params)}
    won, lost = closed.get("won", (0, 0)), closed.get("lost", (0, 0))
    return Funnel(
        pipeline=pipeline_key,
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


class _Stays:
    """The stay figures of one open stage at a time: entered, converted, median (and P90)."""

    def __init__(
        self, reader: Reader, window: dict[str, Any], *, by_owner: bool, with_p90: bool
    ) -> None:
        self.reader, self.window, self.with_p90 = reader, window, with_p90
        since = "since" in window
        scope = compose(_IN_STAGE, _SINCE if since else "", _OWNER if by_owner else "")
        self.counts_sql = compose(
            _COUNTS_HEAD, _EARLIER, _EARLIER_SINCE if since else "", _COUNTS_MID,
            scope, _COUNTS_TAIL,
        )  # fmt: skip
        self.length_sql = compose(_LENGTH_HEAD, scope, _FINISHED, _BY_LENGTH)

    def stage(
        self, stage_id: int, key: str, name: str, position: int, current: tuple[int, int]
    ) -> FunnelStage:
        """The stage's row; `current`: its open deals now, and their value."""
        params = {**self.window, "stage": stage_id}
        found = self.reader.row(self.counts_sql, **params, position=position)
        entered, converted, finished = (int(v) for v in found) if found else (0, 0, 0)
        median = p90 = None
        if finished:
            middle = self._lengths(params, skip=(finished - 1) // 2, take=2 - finished % 2)
            median = _days(sum(middle), len(middle))
            if self.with_p90:
                rank = (9 * finished + 9) // 10  # nearest rank
                p90 = _days(self._lengths(params, skip=rank - 1, take=1)[0], 1)
        return FunnelStage(
            key=key,
            name=name,
            entered=entered,
            current=current[0],
            current_value_minor=current[1],
            converted=converted,
            conversion_rate=_ratio(converted, entered),
            median_days=median,
            stays=finished,
            p90_days=p90,
        )

    def _lengths(self, params: dict[str, Any], *, skip: int, take: int) -> list[int]:
        rows = self.reader.rows(self.length_sql, **params, skip=skip, take=take)
        return [int(seconds) for (seconds,) in rows]


def _days(seconds: int, count: int) -> Decimal:
    """The mean of `count` lengths totalling `seconds`, in days to one decimal (half up)."""
    return (Decimal(seconds) / (count * DAY_SECONDS)).quantize(Decimal("0.1"), ROUND_HALF_UP)


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
