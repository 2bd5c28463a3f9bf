"""The deal card (`show`): stage, value, people, score, history, follow-ups, activities, quotes
and outcome, read with plain SQL through a `Reader`.

`show` is run all day, so it takes the light read path (no ORM import); a command that has just
written a deal prints the same card through `reader_for(session)`.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from salesflow.db.reader import Reader, as_date, as_datetime
from salesflow.domain.deals import DealStatus
from salesflow.queries.pipelines import stage_rows
from salesflow.services.deals.lists import deal_summary
from salesflow.services.deals.views import CloseView, DealView, MoveView
from salesflow.services.followups.lists import list_tasks

_STAGE = """
SELECT d.pipeline_id, st.collateral FROM deals d JOIN stages st ON st.id = d.stage_id
WHERE d.id = :deal
"""
_MOVES = """
SELECT m.from_stage_id, m.to_stage_id, m.at, m."by", m.note, m.forced, m.regression
FROM stage_moves m WHERE m.deal_id = :deal ORDER BY m.at, m.id
"""
_OUTCOME = """
SELECT o.outcome, o.amount_minor, o.currency, o.reason, o.competitor, o.note, o.closed_on
FROM close_outcomes o WHERE o.deal_id = :deal AND o.reopened_at IS NULL
ORDER BY o.id DESC LIMIT 1
"""
_ACTIVITIES = """
SELECT a.id, a.type, a.summary, a.at, a."by", a.outcome
FROM activities a WHERE a.deal_id = :deal ORDER BY a.at DESC, a.id DESC
"""
_QUOTES = """
SELECT q.id, q.version, q.status, q.total_minor, q.currency, q.valid_until
FROM quotes q WHERE q.deal_id = :deal AND q.status <> 'superseded' ORDER BY q.id DESC
"""


def deal_card(deal_id: int, *, reader: Reader) -> DealView:
    """The whole card of deal `deal_id`: its `lead list` row, and everything that happened."""
    head = deal_summary(deal_id, reader=reader)  # NotFound for an unknown deal
    stage = reader.row(_STAGE, deal=deal_id)
    assert stage is not None
    pipeline_id, collateral = stage
    keys = {s.id: s.key for s in stage_rows(pipeline_id, reader=reader)}
    return replace(
        head,
        history=[
            MoveView(
                from_stage=keys.get(from_id) if from_id else None,
                to_stage=keys.get(to_id, "?"),
                at=_when(at),
                by=by,
                note=note,
                forced=bool(forced),
                regression=bool(regression),
            )
            for from_id, to_id, at, by, note, forced, regression in reader.rows(
                _MOVES, deal=deal_id
            )
        ],
        tasks=list_tasks(reader=reader, deal_id=deal_id, include_done=True),
        activities=[
            {
                "id": i,
                "type": kind,
                "summary": summary,
                "at": _when(at),
                "by": by,
                "outcome": outcome,
            }
            for i, kind, summary, at, by, outcome in reader.rows(_ACTIVITIES, deal=deal_id)
        ],  # fmt: skip
        quotes=[
            {
                "id": i,
                "version": v,
                "status": s,
                "total_minor": total,
                "currency": cur,
                "valid_until": as_date(until),
            }
            for i, v, s, total, cur, until in reader.rows(_QUOTES, deal=deal_id)
        ],  # fmt: skip
        collateral=_json_list(collateral),
        close=_close(reader, deal_id) if head.status != DealStatus.OPEN else None,
    )


def _close(reader: Reader, deal_id: int) -> CloseView | None:
    found = reader.row(_OUTCOME, deal=deal_id)
    if found is None:
        return None
    outcome, amount_minor, currency, reason, competitor, note, closed_on = found
    closed = as_date(closed_on)
    assert closed is not None
    return CloseView(outcome=outcome, amount_minor=amount_minor, currency=currency, reason=reason,
                     competitor=competitor, note=note, closed_on=closed)  # fmt: skip


def _when(value: Any) -> Any:
    moment = as_datetime(value)
    assert moment is not None
    return moment


def _json_list(value: Any) -> list[dict[str, Any]]:
    """A JSON column: text on SQLite, already parsed by psycopg on PostgreSQL."""
    if value is None:
        return []
    return list(json.loads(value) if isinstance(value, str) else value)
