"""The deal card (`show`): stage, value, people, score, history, follow-ups, activities, quotes
and outcome, read with plain SQL through a `Reader`.

`show` is run all day, so it takes the light read path (no ORM import); a command that has just
written a deal prints the same card through `reader_for(session)`.
"""

from __future__ import annotations

import json
from typing import Any

from salesflow.clock import today
from salesflow.db.reader import Reader, as_date, as_datetime
from salesflow.errors import NotFound
from salesflow.parsing.percent import fraction
from salesflow.services.scoring import score_of
from salesflow.services.views import CloseView, DealView, MoveView, TaskView
from salesflow.services.views.deals import days_overdue

_DEAL = """
SELECT d.title, d.status, d.value_minor, d.currency, d.owner, d.source, d.close_by,
       d.created_at, d.updated_at, d.version, d.pipeline_id, p.key, st.key, st.name,
       st.probability_bp, st.collateral, c.name, ct.name, ct.email, ct.phone
FROM deals d
JOIN stages st ON st.id = d.stage_id
JOIN pipelines p ON p.id = d.pipeline_id
LEFT JOIN companies c ON c.id = d.company_id
LEFT JOIN contacts ct ON ct.id = d.contact_id
WHERE d.id = :deal
"""
_MOVES = """
SELECT m.from_stage_id, m.to_stage_id, m.at, m."by", m.note, m.forced, m.regression
FROM stage_moves m WHERE m.deal_id = :deal ORDER BY m.at, m.id
"""
_FOLLOW_UPS = """
SELECT f.id, f.text, f.due, f.owner, f.repeat, f.done_at
FROM follow_ups f WHERE f.deal_id = :deal ORDER BY f.due, f.id
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
    """The whole card of deal `deal_id`."""
    found = reader.row(_DEAL, deal=deal_id)
    if found is None:
        raise NotFound(f"no deal #{deal_id}")
    (title, status, value_minor, currency, owner, source, close_by, created_at, updated_at,
     version, pipeline_id, pipeline, stage, stage_name, probability_bp, collateral, company,
     contact, email, phone) = found  # fmt: skip
    keys = dict(reader.rows("SELECT id, key FROM stages WHERE pipeline_id = :p", p=pipeline_id))
    history = [
        MoveView(
            from_stage=keys.get(from_id) if from_id else None,
            to_stage=keys.get(to_id, "?"),
            at=_when(at),
            by=by,
            note=note,
            forced=bool(forced),
            regression=bool(regression),
        )
        for from_id, to_id, at, by, note, forced, regression in reader.rows(_MOVES, deal=deal_id)
    ]
    day = today()
    tasks = []
    for task_id, text, due, task_owner, repeat, done_at in reader.rows(_FOLLOW_UPS, deal=deal_id):
        due_day = as_date(due)
        done = as_datetime(done_at)
        assert due_day is not None
        tasks.append(
            TaskView(
                id=task_id,
                deal_id=deal_id,
                deal=title,
                company=company,
                stage=stage,
                text=text,
                due=due_day,
                owner=task_owner,
                repeat=repeat,
                done_at=done,
                overdue_days=days_overdue(due_day, done, day),
                value_minor=value_minor,
                currency=currency,
            )
        )
    scored = score_of(deal_id, reader=reader)
    created = _when(created_at)
    return DealView(
        id=deal_id,
        title=title,
        pipeline=pipeline,
        stage=stage,
        stage_name=stage_name,
        status=status,
        value_minor=value_minor,
        currency=currency,
        probability=fraction(probability_bp),
        owner=owner,
        company=company,
        contact=contact,
        email=email,
        phone=phone,
        source=source,
        close_by=as_date(close_by),
        created_at=created,
        updated_at=_when(updated_at),
        stage_entered_at=history[-1].at if history else created,
        score=scored.score,
        lifecycle=scored.lifecycle,
        version=version,
        history=history,
        tasks=tasks,
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
        close=_close(reader, deal_id) if status != "open" else None,
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
