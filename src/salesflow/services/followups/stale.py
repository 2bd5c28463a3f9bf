"""Deals going cold: rotting deals and deals with no next step, found set-based in SQL.

A deal is *rotting* (Pipedrive's rule) when it is open, its stage has `rot_days`, and more
than `rot_days` whole days have passed since the later of its last activity and its last stage
move; `idle_days` counts local calendar days from that last touch to today. A deal has *no next
step* when it is open and has no open follow-up.

Both read through the light `Reader` (plain SQL, the same on SQLite and PostgreSQL). Rotting is
asked stage by stage: each stage's threshold is a plain timestamp (local midnight `rot_days`
days ago, as UTC), so the comparison stays index-friendly and portable, and the SQL is static.
"""

from __future__ import annotations

import heapq
from datetime import datetime
from typing import Any, LiteralString

from salesflow.clock import to_local, today
from salesflow.db.reader import Reader, as_datetime, compose
from salesflow.errors import InvalidInput
from salesflow.queries.filters import owner_key
from salesflow.queries.touches import HAS_NEXT_STEP, LAST_TOUCH, MOVED_ACTED, rot_threshold
from salesflow.services.followups.views import RottingDeal, Stale, StaleDeal

_ROT_STAGES = "SELECT id, key, rot_days FROM stages WHERE kind = 'open' AND rot_days IS NOT NULL"
_OF_PIPELINE = " AND pipeline_id = :pipeline_id"

# Open deals of one stage with their last touch.
_TOUCHED = compose(
    "\nSELECT t.id, t.title, t.owner, t.company_id, ",
    LAST_TOUCH,
    """ AS touch
FROM (
  SELECT d.id, d.title, d.owner, d.company_id,""",
    MOVED_ACTED,
    """
  FROM deals d
  WHERE d.status = 'open' AND d.stage_id = :stage_id
""",
)
_DEAL_OWNER = " AND lower(d.owner) = :owner"
_COUNT = "SELECT count(*) FROM rotting"
_LIMIT = " LIMIT :limit"
# the rotting deals, most idle first, each row with how many there are in all (so a --limit
# still counts them all, in the same pass)
_ROTTING_LIST = """
SELECT r.id, r.title, r.owner, c.name, r.touch, count(*) OVER () FROM rotting r
LEFT JOIN companies c ON c.id = r.company_id
ORDER BY r.touch, r.id
"""
_NO_STEP = compose("\nFROM deals d\nWHERE d.status = 'open' AND NOT ", HAS_NEXT_STEP, "\n")
_NO_STEP_LIST = compose(
    """
SELECT d.id, d.title, c.name, s.key, d.owner, count(*) OVER ()
FROM deals d JOIN stages s ON s.id = d.stage_id LEFT JOIN companies c ON c.id = d.company_id
WHERE d.status = 'open' AND NOT """,
    HAS_NEXT_STEP,
    "\n",
)


def _rot_stages(reader: Reader, pipeline_id: int | None) -> list[tuple[int, str, int]]:
    if pipeline_id is None:
        return [tuple(r) for r in reader.rows(_ROT_STAGES)]
    sql = compose(_ROT_STAGES, _OF_PIPELINE)
    return [tuple(r) for r in reader.rows(sql, pipeline_id=pipeline_id)]


def _rotting(owner: str | None, then: LiteralString) -> LiteralString:
    """`WITH rotting AS (…) <then>`: the stage's open deals last touched before the threshold."""
    return compose(
        "WITH rotting AS (SELECT * FROM (",
        _TOUCHED,
        _DEAL_OWNER if owner else "",
        ") t) x WHERE x.touch < :threshold) ",
        then,
    )


def _stage_params(stage_id: int, rot_days: int, owner: str | None) -> dict[str, Any]:
    params: dict[str, Any] = {"stage_id": stage_id, "threshold": rot_threshold(rot_days)}
    if owner:
        params["owner"] = owner
    return params


def _scope(pipeline_id: int | None, owner: str | None) -> tuple[LiteralString, dict[str, Any]]:
    params: dict[str, Any] = {}
    if pipeline_id is not None:
        params["pipeline_id"] = pipeline_id
    if owner:
        params["owner"] = owner
    sql = compose(
        " AND d.pipeline_id = :pipeline_id" if pipeline_id is not None else "",
        _DEAL_OWNER if owner else "",
    )
    return sql, params


def find_stale(
    *,
    reader: Reader,
    pipeline: str | None = None,
    owner: str | None = None,
    limit: int | None = None,
) -> Stale:
    """Rotting deals (most idle first) and deals with no next step (oldest first)."""
    owner = owner_key(owner)
    if limit is not None and limit < 1:
        raise InvalidInput("--limit must be 1 or more")
    pipeline_id = None
    if pipeline:
        from salesflow.services.deals.lookups import pipeline_id as find_pipeline

        pipeline_id = find_pipeline(pipeline, reader=reader)
    day = today()
    found: list[tuple[datetime, int, RottingDeal]] = []
    rotting_total = 0
    for stage_id, stage_key, rot_days in _rot_stages(reader, pipeline_id):
        params = _stage_params(stage_id, rot_days, owner)
        if limit:
            params["limit"] = limit
        rows = reader.rows(_rotting(owner, compose(_ROTTING_LIST, _LIMIT if limit else "")),
                           **params)  # fmt: skip
        rotting_total += int(rows[0][5]) if rows else 0
        for deal_id, title, deal_owner, company, touch, _ in rows:
            last = as_datetime(touch)
            assert last is not None
            found.append((last, deal_id, RottingDeal(
                deal_id=deal_id, deal=title, company=company, stage=stage_key, owner=deal_owner,
                idle_days=(day - to_local(last).date()).days, rot_days=rot_days, last_touch=last,
            )))  # fmt: skip
    ordered = [deal for _, _, deal in heapq.nsmallest(limit or len(found), found)]
    scope, params = _scope(pipeline_id, owner)
    list_sql = compose(_NO_STEP_LIST, scope, " ORDER BY d.id", _LIMIT if limit else "")
    if limit:
        params["limit"] = limit
    rows = reader.rows(list_sql, **params)
    no_step_total = int(rows[0][5]) if rows else 0
    no_step = [
        StaleDeal(deal_id=i, deal=t, company=c, stage=s, owner=o) for i, t, c, s, o, _ in rows
    ]
    return Stale(
        as_of=day,
        rotting=ordered,
        no_next_step=no_step,
        rotting_total=rotting_total,
        no_next_step_total=no_step_total,
    )


def stale_counts(*, reader: Reader, owner: str | None) -> tuple[int, int]:
    """How many open deals (of `owner`, or everyone's) are rotting, and have no next step."""
    owner = owner_key(owner)
    rotting = 0
    for stage_id, _key, rot_days in _rot_stages(reader, None):
        params = _stage_params(stage_id, rot_days, owner)
        rotting += int(reader.scalar(_rotting(owner, _COUNT), **params))
    scope, params = _scope(None, owner)
    no_step = int(reader.scalar(compose("SELECT count(*)", _NO_STEP, scope), **params))
    return rotting, no_step
