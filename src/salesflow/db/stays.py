"""The stay columns of `stage_moves`: derived from each deal's history, kept up to date here.

A move begins a *stay* in its stage. So that the funnel reads a stay as one index entry instead
of replaying every deal's history, each move carries, beside what it records:

- `left_at`: when the deal moved on, the `at` of its next move (moves ordered by `at`, then
  `id`); NULL while the deal is still in the stage;
- `stay_seconds`: `left_at - at` in whole seconds;
- `furthest_after`: the position of the furthest stage the deal reached after the stay: the
  highest open stage it entered later, or the won stage while the deal is won (the won stage
  comes after every open one; a reopen undoes a win, a loss is no progress); NULL when neither;
- `reentry`: whether the deal had been in this stage before;
- `deal_currency`: the deal's currency.

A NULL `deal_currency` marks a move whose deal must be derived (again): new moves come in that
way from every writer (advance, won, lost, reopen, lead add, imports), and a currency edit
clears it. `refresh_stays` runs at the end of every write transaction (`Database.write`) and
derives all the moves of the marked deals (a new deal's only move with a cheaper statement), so
no writer needs to know about any of this. A writer that builds whole histories in memory can
fill the columns itself with `stay_columns` and skip that work: the demo generator (a million
deals at once) and the CSV import do. Migration 0004 holds a frozen copy of `_DERIVE` for the
moves that were already there.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

# whole seconds between a stay's start and its end, per dialect
_SECONDS = {
    "sqlite": "CAST(round((julianday(s.left_at) - julianday(s.at)) * 86400) AS INTEGER)",
    "postgresql": "CAST(round(EXTRACT(EPOCH FROM (s.left_at - s.at))) AS BIGINT)",
}

# Deals with a move not derived yet; found through the funnel index (one seek per stage).
_MARKED = """
SELECT p.deal_id FROM stage_moves p
WHERE p.to_stage_id IN (SELECT id FROM stages) AND p.deal_currency IS NULL
"""

# The common case first, cheaply: a new deal's only move (lead add, most imported rows).
_DERIVE_ALONE = """
UPDATE stage_moves
SET deal_currency = (SELECT d.currency FROM deals d WHERE d.id = stage_moves.deal_id),
    furthest_after = (SELECT cur.position FROM deals d JOIN stages cur ON cur.id = d.stage_id
                      WHERE d.id = stage_moves.deal_id AND d.status = 'won'),
    reentry = FALSE, left_at = NULL, stay_seconds = NULL
WHERE stage_moves.id IN (
  SELECT p.id FROM stage_moves p
  WHERE p.to_stage_id IN (SELECT id FROM stages) AND p.deal_currency IS NULL
    AND NOT EXISTS (SELECT 1 FROM stage_moves o WHERE o.deal_id = p.deal_id AND o.id <> p.id))
"""

_DERIVE = """
UPDATE stage_moves
SET left_at = s.left_at, stay_seconds = {seconds},
    furthest_after = CASE WHEN s.status = 'won' THEN s.now_position ELSE s.later_open END,
    reentry = s.reentry, deal_currency = s.currency
FROM (
  SELECT m.id, m.at, d.currency, d.status, cur.position AS now_position,
         LEAD(m.at) OVER by_deal AS left_at,
         MAX(CASE WHEN st.kind = 'open' THEN st.position END)
           OVER (by_deal ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS later_open,
         ROW_NUMBER() OVER (PARTITION BY m.deal_id, m.to_stage_id ORDER BY m.at, m.id) > 1
           AS reentry
  FROM stage_moves m
  JOIN deals d ON d.id = m.deal_id
  JOIN stages st ON st.id = m.to_stage_id
  JOIN stages cur ON cur.id = d.stage_id
  WHERE m.deal_id IN ({marked})
  WINDOW by_deal AS (PARTITION BY m.deal_id ORDER BY m.at, m.id)
) AS s
WHERE stage_moves.id = s.id
"""


def refresh_stays(connection: Any) -> None:
    """Derive the stay columns of every move of the deals that have a move marked (NULL
    `deal_currency`). `connection`: a SQLAlchemy connection inside the write transaction."""
    from sqlalchemy import text

    def marked() -> bool:
        return connection.execute(text(_MARKED + " LIMIT 1")).first() is not None

    if not marked():
        return
    connection.execute(text(_DERIVE_ALONE))
    if not marked():
        return
    dialect = connection.dialect.name
    seconds = _SECONDS.get(dialect, _SECONDS["postgresql"])
    connection.execute(text(_DERIVE.format(seconds=seconds, marked=_MARKED)))


def mark_deal(connection: Any, deal_id: int) -> None:
    """Have a deal's moves derived again at the end of the transaction (its currency changed)."""
    from sqlalchemy import text

    connection.execute(
        text("UPDATE stage_moves SET deal_currency = NULL WHERE deal_id = :deal"), {"deal": deal_id}
    )


def stay_columns(
    moves: list[tuple[int, datetime]],
    open_positions: dict[int, int],
    *,
    won_position: int | None,
    currency: str,
) -> list[tuple[datetime | None, int | None, int | None, bool, str]]:
    """The stay columns of a whole history at once, as `_DERIVE` computes them, for a writer
    that builds histories in memory (the demo, the import): per move, a tuple of `left_at`,
    `stay_seconds`, `furthest_after`, `reentry` and `deal_currency` (the last five columns of
    `db.batch.MOVE_COLUMNS`, in that order).

    `moves`: (to_stage_id, at) in order; `open_positions`: open stage id → position;
    `won_position`: the won stage's position when the deal is won now, else None.
    """
    columns: list[tuple[datetime | None, int | None, int | None, bool, str]] = []
    seen: set[int] = set()
    last = len(moves) - 1
    for i, (stage_id, at) in enumerate(moves):
        if i < last:
            left: datetime | None = moves[i + 1][1]
            stay: int | None = _whole_seconds(moves[i + 1][1] - at)
        else:
            left = stay = None
        furthest: int | None = won_position
        if won_position is None:
            later = [open_positions[s] for s, _ in moves[i + 1 :] if s in open_positions]
            furthest = max(later) if later else None
        columns.append((left, stay, furthest, stage_id in seen, currency))
        seen.add(stage_id)
    return columns


def _whole_seconds(length: timedelta) -> int:
    """Rounded half up, like SQL's round() on a stay that is never negative."""
    return (length // timedelta(microseconds=1) + 500_000) // 1_000_000
