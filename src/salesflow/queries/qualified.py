"""Qualified leads: the moment each deal first reached the qualifying stage or later (or won
without it), counted in two periods (`report kpis` lead velocity)."""

from __future__ import annotations

from datetime import datetime

from salesflow.db.reader import Reader
from salesflow.queries import filters
from salesflow.queries.filters import Where

_HEAD = """
WITH q AS (
  SELECT m.deal_id, MIN(m.at) AS at
  FROM stage_moves m
  JOIN deals d ON d.id = m.deal_id
  JOIN stages st ON st.id = m.to_stage_id
  WHERE d.pipeline_id = :pipeline AND d.currency = :currency"""
_TAIL = """
    AND ((st.kind = 'open' AND st.position >= :qpos) OR st.kind = 'won')
  GROUP BY m.deal_id
)
SELECT COALESCE(SUM(CASE WHEN at >= :this_start AND at < :this_end THEN 1 ELSE 0 END), 0),
       COALESCE(SUM(CASE WHEN at >= :last_start AND at < :this_start THEN 1 ELSE 0 END), 0)
FROM q
"""


def qualified_in(
    where: Where, position: int, this: tuple[datetime, datetime], last_start: datetime,
    *, reader: Reader,
) -> tuple[int, int]:  # fmt: skip
    """Deals first qualified (reached stage `position` or later) in [this) and in the period
    before it, from `last_start`. The window does not apply, the owner and currency do."""
    sql = _HEAD + filters.owner(where) + _TAIL
    found = reader.row(sql, pipeline=where.pipeline, currency=where.currency,
                       owner=where.owner, qpos=position, this_start=this[0],
                       this_end=this[1], last_start=last_start)  # fmt: skip
    assert found is not None
    return int(found[0]), int(found[1])
