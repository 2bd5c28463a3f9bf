"""A deal's stays in a stage, as the funnel counts them (see `services.reports.funnel`).

A *stay* is the time a deal spends in a stage: from the move into it to the next move (or now).
Each stage move carries its stay's derived columns (`db.stays`): when it ended, how long it
lasted, how far the deal got afterwards, whether the deal had been in the stage before, and the
deal's currency. Per open stage, over the window: entered, converted, finished stays, their
median and (for `report stages`) 90th percentile by nearest rank.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from salesflow.db.reader import Reader, compose
from salesflow.queries.filters import Where

DAY_SECONDS = 86400

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


@dataclass(frozen=True)
class StayFigures:
    """One open stage's stays in the window."""

    entered: int
    converted: int
    stays: int
    median_days: Decimal | None
    p90_days: Decimal | None


class Stays:
    """The stay figures of one open stage at a time: entered, converted, median (and P90)."""

    def __init__(self, where: Where, *, reader: Reader, with_p90: bool = False) -> None:
        self.reader, self.window, self.with_p90 = reader, where.params(), with_p90
        since = where.since is not None
        by_owner = where.owner is not None
        scope = compose(_IN_STAGE, _SINCE if since else "", _OWNER if by_owner else "")
        self.counts_sql = compose(
            _COUNTS_HEAD, _EARLIER, _EARLIER_SINCE if since else "", _COUNTS_MID,
            scope, _COUNTS_TAIL,
        )  # fmt: skip
        self.length_sql = compose(_LENGTH_HEAD, scope, _FINISHED, _BY_LENGTH)

    def stage(self, stage_id: int, position: int) -> StayFigures:
        """The figures of the stage with this id and position."""
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
        return StayFigures(entered, converted, finished, median, p90)

    def _lengths(self, params: dict[str, Any], *, skip: int, take: int) -> list[int]:
        rows = self.reader.rows(self.length_sql, **params, skip=skip, take=take)
        return [int(seconds) for (seconds,) in rows]


def _days(seconds: int, count: int) -> Decimal:
    """The mean of `count` lengths totalling `seconds`, in days to one decimal (half up)."""
    return (Decimal(seconds) / (count * DAY_SECONDS)).quantize(Decimal("0.1"), ROUND_HALF_UP)
