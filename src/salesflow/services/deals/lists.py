"""`lead list`: deals filtered and sorted in SQL, with their scores, read through a `Reader`
(no ORM import: reps list their deals all day). A deal's row is also the head of its card."""

from __future__ import annotations

from typing import Any, LiteralString

from salesflow.db.reader import Reader, as_date, as_datetime, compose, in_list
from salesflow.errors import InvalidInput, NotFound
from salesflow.parsing.percent import fraction
from salesflow.queries.filters import owner_key
from salesflow.queries.pipelines import stage_rows
from salesflow.services.deals import lookups
from salesflow.services.deals.views import DealView
from salesflow.services.scoring.ranking import top_scored
from salesflow.services.scoring.scores import DEALS_WITH_PARTIES, DealScore, score_deals

# A deal's value as every list and card shows it (`d` is the deal): a won deal's is the amount
# it was won at (its standing close outcome), which is also what the reports add up; an open
# or lost deal's is its value.
SHOWN_VALUE: LiteralString = """CASE WHEN d.status = 'won' THEN COALESCE((
  SELECT o.amount_minor FROM close_outcomes o
  WHERE o.deal_id = d.id AND o.outcome = 'won' AND o.reopened_at IS NULL
  ORDER BY o.id DESC LIMIT 1), d.value_minor) ELSE d.value_minor END"""

SORTS = ("score", "value", "age", "close", "id")
_ORDER: dict[str, LiteralString] = {
    "id": " ORDER BY d.id",
    "score": " ORDER BY d.id",  # scores are worked out below, then sorted (or ranked)
    "value": compose(" ORDER BY ", SHOWN_VALUE, " DESC, d.id"),
    "age": " ORDER BY d.created_at, d.id",
    "close": " ORDER BY d.close_by IS NULL, d.close_by, d.id",
}
_DEALS = compose(
    """
SELECT d.id, d.title, p.key, st.key, st.name, d.status, """,
    SHOWN_VALUE,
    """, d.currency,
       st.probability_bp, d.owner, c.name, ct.name, ct.email, ct.phone, d.source, d.close_by,
       d.created_at, d.updated_at, d.version,
       (SELECT max(m.at) FROM stage_moves m WHERE m.deal_id = d.id)
""",
    DEALS_WITH_PARTIES,
)


def list_deals(
    *,
    reader: Reader,
    stage: str | None = None,
    owner: str | None = None,
    pipeline: str | None = None,
    include_closed: bool = False,
    sort: str = "id",
    limit: int | None = None,
) -> list[DealView]:
    """Deals for `lead list`, without history: open ones (all with `include_closed`), of a
    pipeline, stage or owner, sorted by `sort`."""
    owner = owner_key(owner)
    if sort not in SORTS:
        raise InvalidInput(f"cannot sort by {sort!r}", hint=f"sort by one of {', '.join(SORTS)}")
    if limit is not None and limit < 1:
        raise InvalidInput("--limit must be 1 or more")
    where: LiteralString = ""
    params: dict[str, Any] = {}
    if pipeline or stage:
        params["pipeline"] = lookups.pipeline_id(pipeline, reader=reader)
        where = compose(where, " AND d.pipeline_id = :pipeline")
        if stage:
            stages = stage_rows(params["pipeline"], reader=reader)
            params["stage"] = lookups.find_stage(stages, stage).id
            where = compose(where, " AND d.stage_id = :stage")
    if owner:
        params["owner"] = owner
        where = compose(where, " AND lower(d.owner) = :owner")
    if not include_closed:
        where = compose(where, " AND d.status = 'open'")
    if sort == "score" and limit:
        # the best `limit` without scoring every deal (services.scoring.ranking)
        best = top_scored(reader=reader, where=where, params=params, limit=limit,
                          open_only=not include_closed)  # fmt: skip
        if not best:
            return []
        listed, ids = in_list("d", [scored.deal_id for scored in best])
        found = {row[0]: row for row in reader.rows(compose(_DEALS, " AND d.id", listed), **ids)}
        return [_view(found[scored.deal_id], scored) for scored in best]
    sql = compose(_DEALS, where, _ORDER[sort])
    if limit:
        params["limit"] = limit
        sql = compose(sql, " LIMIT :limit")
    rows = reader.rows(sql, **params)
    scores = score_deals(reader=reader, deal_ids=[r[0] for r in rows], open_only=not include_closed)
    if sort == "score":
        rows = sorted(rows, key=lambda r: (-scores[r[0]].score, r[0]))
    return [_view(row, scores[row[0]]) for row in rows]


def deal_summary(deal_id: int, *, reader: Reader) -> DealView:
    """One deal (of any status) as `lead list` shows it: the head of its card."""
    row = reader.row(compose(_DEALS, " AND d.id = :deal"), deal=deal_id)
    if row is None:
        raise NotFound(f"no deal #{deal_id}")
    return _view(row, score_deals(reader=reader, deal_ids=[deal_id])[deal_id])


def _view(row: tuple[Any, ...], scored: DealScore) -> DealView:
    (deal_id, title, pipeline_key, stage_key, stage_name, status, value_minor, currency, bp,
     owner, company, contact, email, phone, source, close_by, created_at, updated_at, version,
     moved_at) = row  # fmt: skip
    created = as_datetime(created_at)
    updated = as_datetime(updated_at)
    assert created is not None
    assert updated is not None
    return DealView(
        id=deal_id,
        title=title,
        pipeline=pipeline_key,
        stage=stage_key,
        stage_name=stage_name,
        status=status,
        value_minor=value_minor,
        currency=currency,
        probability=fraction(bp),
        owner=owner,
        company=company,
        contact=contact,
        email=email,
        phone=phone,
        source=source,
        close_by=as_date(close_by),
        created_at=created,
        updated_at=updated,
        stage_entered_at=as_datetime(moved_at) or created,
        score=scored.score,
        lifecycle=scored.lifecycle,
        version=version,
    )
