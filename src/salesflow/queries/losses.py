"""Lost deals in the window by reason and by the stage they were lost from, and the competitors
that won them (`report lost`, and the losses per stage of `report stages`)."""

from __future__ import annotations

from salesflow.db.reader import Reader
from salesflow.queries.filters import Where
from salesflow.queries.outcomes import standing


def lost_by_reason_and_stage(
    where: Where, *, reader: Reader
) -> list[tuple[str | None, int | None, int, int]]:
    """(reason, stage lost from, deals, value) of the lost outcomes standing in the window."""
    sql = (
        "SELECT c.reason, c.from_stage_id, COUNT(*), COALESCE(SUM(c.amount_minor), 0)"
        + standing(where)
        + " AND c.outcome = 'lost' GROUP BY c.reason, c.from_stage_id"
    )
    return [
        (None if r is None else str(r), None if s is None else int(s), int(n), int(v))
        for r, s, n, v in reader.rows(sql, **where.params())
    ]


def lost_by_stage(where: Where, *, reader: Reader) -> dict[int, tuple[int, int]]:
    """(deals, value) lost from each known stage in the window."""
    out: dict[int, tuple[int, int]] = {}
    for _, stage_id, n, value in lost_by_reason_and_stage(where, reader=reader):
        if stage_id is not None:
            was = out.get(stage_id, (0, 0))
            out[stage_id] = (was[0] + n, was[1] + value)
    return out


def competitors(where: Where, *, reader: Reader) -> list[tuple[str, int, int]]:
    """(competitor as first written, deals, value) per competitor (case-insensitive)."""
    sql = (
        "SELECT lower(c.competitor) AS grp, MIN(c.competitor), COUNT(*),"
        " COALESCE(SUM(c.amount_minor), 0)"
        + standing(where)
        + " AND c.outcome = 'lost' AND c.competitor IS NOT NULL GROUP BY grp"
    )
    return [(str(name), int(n), int(v)) for _, name, n, v in reader.rows(sql, **where.params())]
