"""What the board shows, read through the light `Reader` a page at a time.

The heads of the columns (deals, value and weighted value per open stage in the report
currency) and the won and lost of this period come from the same queries as the funnel and the
reports (`queries/`). Cards are read one column page at a time (`board_pages`), ordered by
expected close date (soonest first, undated last, then id), so a column of 20,000 deals costs
the rows on screen, never the whole table. Rotting and "no next step" use the rules of `stale`
(`queries/touches.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, LiteralString

from salesflow.clock import to_local, today
from salesflow.db.reader import Reader, as_date, as_datetime, compose, in_list
from salesflow.queries import filters
from salesflow.queries.filters import Where, owner_key
from salesflow.queries.open_deals import open_by_stage
from salesflow.queries.outcomes import Outcome, won_lost
from salesflow.queries.touches import HAS_NEXT_STEP, LAST_TOUCH, MOVED_ACTED, rot_threshold
from salesflow.services.reports.scope import period_start, report_scope, resolve, weighted_minor


@dataclass(frozen=True)
class BoardColumn:
    """One open stage: its deals (every currency), and their value and weighted value in the
    report currency."""

    stage_id: int
    key: str
    name: str
    probability_bp: int
    rot_days: int | None
    deals: int
    value_minor: int
    weighted_minor: int


@dataclass(frozen=True)
class BoardHead:
    """The board without its cards: the columns and this period's outcomes."""

    pipeline: str
    pipeline_id: int
    currency: str
    owner: str | None  # the rep whose deals these are (as typed), None for everyone's
    columns: list[BoardColumn]
    period_start: date
    won: Outcome
    lost: Outcome
    left_out: dict[str, int]  # deals in other currencies, per currency (not in the sums)


@dataclass(frozen=True)
class BoardCard:
    """A deal as its card shows it."""

    deal_id: int
    title: str
    company: str | None
    contact: str | None
    value_minor: int
    currency: str
    owner: str
    close_by: date | None
    stage_id: int
    score: int | None
    rotting: bool
    idle_days: int
    has_next_step: bool


_DEALS_PER_STAGE = """
SELECT d.stage_id, COUNT(*) FROM deals d
WHERE d.status = 'open' AND d.pipeline_id = :pipeline"""
_STAGE_EXTRA = "SELECT id, rot_days FROM stages WHERE pipeline_id = :pipeline"

# The order of a column: expected close date, undated last, then id.
_ORDER: LiteralString = " ORDER BY d.close_by IS NULL, d.close_by, d.id"
_CARD_FACTS = compose(
    """
SELECT d.id, d.title, c.name, ct.name, d.value_minor, d.currency, d.owner, d.close_by,
       d.stage_id, """,
    HAS_NEXT_STEP,
    """ AS next_step,""",
    MOVED_ACTED,
)
_CARD_PARTIES = """
LEFT JOIN companies c ON c.id = d.company_id
LEFT JOIN contacts ct ON ct.id = d.contact_id"""
# The cards of given deal ids (a filter's matches: the list follows).
_CARDS = compose(
    "SELECT t.*, ", LAST_TOUCH, " AS touch FROM (", _CARD_FACTS, "\nFROM deals d", _CARD_PARTIES,
    "\nWHERE d.status = 'open'",
)  # fmt: skip
# The cards of one page of a column: its deal ids first (an index walk, `_PAGE_IDS` with the
# owner, `_ORDER` and the LIMIT following), then those rows only (CROSS JOIN keeps SQLite from
# walking every open deal to test each against the page).
_PAGE_CARDS = compose("SELECT t.*, ", LAST_TOUCH, " AS touch FROM (", _CARD_FACTS, "\nFROM (")
_PAGE_JOIN = compose(") p CROSS JOIN deals d", _CARD_PARTIES, "\nWHERE d.id = p.id")
_OF_STAGE = " AND d.pipeline_id = :pipeline AND d.stage_id = :stage"
# The deal ids of one page of a column (`_ORDER` and the LIMIT follow).
_PAGE_IDS = """SELECT d.id FROM deals d
WHERE d.status = 'open' AND d.pipeline_id = :pipeline AND d.stage_id = :stage"""
_SEARCH = """
SELECT d.id, d.stage_id, d.title, COALESCE(c.name, ''), COALESCE(ct.name, '')
FROM deals d
LEFT JOIN companies c ON c.id = d.company_id
LEFT JOIN contacts ct ON ct.id = d.contact_id
WHERE d.status = 'open' AND d.pipeline_id = :pipeline"""
# How many deals of the stage come before deal :id in the column's order.
_BEFORE_DATED = """
SELECT COUNT(*) FROM deals d
WHERE d.status = 'open' AND d.pipeline_id = :pipeline AND d.stage_id = :stage
  AND d.close_by IS NOT NULL
  AND (d.close_by < :close_by OR (d.close_by = :close_by AND d.id < :id))"""
_BEFORE_UNDATED = """
SELECT COUNT(*) FROM deals d
WHERE d.status = 'open' AND d.pipeline_id = :pipeline AND d.stage_id = :stage
  AND (d.close_by IS NOT NULL OR d.id < :id)"""


@dataclass(frozen=True)
class BoardScope:
    """Which board: a pipeline (None: the default) and a rep (None: everyone's)."""

    pipeline: str | None = None
    owner: str | None = None

    @property
    def owner_key(self) -> str | None:
        return owner_key(self.owner)


def board_head(
    scope: BoardScope, *, reader: Reader, outcomes_of: BoardHead | None = None
) -> BoardHead:
    """The columns with their heads, and won and lost since the start of this month (taken
    from `outcomes_of` instead when the caller knows they did not change: a stage move)."""
    resolved = resolve(report_scope(pipeline=scope.pipeline, owner=scope.owner), reader=reader)
    where = resolved.where
    in_currency = open_by_stage(where, reader=reader)
    deals = dict(
        reader.rows(
            compose(_DEALS_PER_STAGE, filters.owner(where), " GROUP BY d.stage_id"),
            **where.params(),
        )
    )
    rot = dict(reader.rows(_STAGE_EXTRA, pipeline=resolved.pipeline.id))
    columns = [
        BoardColumn(
            stage_id=s.id,
            key=s.key,
            name=s.name,
            probability_bp=s.probability_bp,
            rot_days=rot.get(s.id),
            deals=int(deals.get(s.id, 0)),
            value_minor=in_currency.get(s.id, (0, 0))[1],
            weighted_minor=weighted_minor({s.id: in_currency.get(s.id, (0, 0))}, resolved.stages),
        )
        for s in resolved.open_stages
    ]
    start = period_start(today(), "month")
    if outcomes_of is not None and outcomes_of.period_start == start:
        won, lost = outcomes_of.won, outcomes_of.lost
    else:
        month = Where(
            pipeline=where.pipeline,
            currency=where.currency,
            owner=where.owner,
            since=start,
            until=today(),
        )
        won, lost = won_lost(month, reader=reader)
    return BoardHead(
        pipeline=resolved.pipeline.key,
        pipeline_id=resolved.pipeline.id,
        currency=resolved.currency,
        owner=scope.owner,
        columns=columns,
        period_start=start,
        won=won,
        lost=lost,
        left_out=resolved.left_out,
    )


def _owner_params(scope: BoardScope, pipeline_id: int) -> tuple[LiteralString, dict[str, Any]]:
    where = Where(pipeline=pipeline_id, currency="", owner=scope.owner_key)
    params: dict[str, Any] = {"pipeline": pipeline_id}
    if where.owner is not None:
        params["owner"] = where.owner
    return filters.owner(where), params


@dataclass(frozen=True)
class PageWanted:
    """The cards one column shows: `limit` from `offset` in the column's order, or (`only`: a
    filter's matches, already in order) those deal ids from `offset`."""

    column: BoardColumn
    offset: int
    limit: int
    only: list[int] | None = None


def board_pages(
    head: BoardHead, wanted: list[PageWanted], *, reader: Reader
) -> list[list[BoardCard]]:
    """The cards of each wanted page: the page's deal ids first (an index walk of the stage),
    then the card facts of those rows only, and the scores of all of them in one pass."""
    from salesflow.services.scoring.scores import score_deals

    owner_sql, base = _owner_params(BoardScope(owner=head.owner), head.pipeline_id)
    pages: list[list[tuple[Any, ...]]] = []
    for page in wanted:
        params = {**base, "stage": page.column.stage_id}
        if page.only is not None:
            ids = page.only[page.offset : page.offset + page.limit]
            if not ids:
                pages.append([])
                continue
            listed, marks = in_list("i", ids)
            sql = compose(_CARDS, _OF_STAGE, " AND d.id", listed, _ORDER, ") t")
            params.update(marks)
        else:
            sql = compose(
                _PAGE_CARDS,
                _PAGE_IDS,
                owner_sql,
                _ORDER,
                " LIMIT :limit OFFSET :offset",
                _PAGE_JOIN,
                _ORDER,
                ") t",
            )
            params.update(limit=page.limit, offset=page.offset)
        pages.append(reader.rows(sql, **params))
    every = [int(row[0]) for rows in pages for row in rows]
    scores = score_deals(reader=reader, deal_ids=every) if every else {}
    return [_cards(rows, page.column, scores) for rows, page in zip(pages, wanted, strict=True)]


def _cards(
    rows: list[tuple[Any, ...]], column: BoardColumn, scores: dict[int, Any]
) -> list[BoardCard]:
    threshold = rot_threshold(column.rot_days) if column.rot_days else None
    day = today()
    cards = []
    for (
        deal_id,
        title,
        company,
        contact,
        value,
        currency,
        owner,
        close_by,
        stage_id,
        step,
        *rest,
    ) in rows:
        touch = as_datetime(rest[-1])
        idle = (day - to_local(touch).date()).days if touch else 0
        score = scores.get(int(deal_id))
        cards.append(
            BoardCard(
                deal_id=int(deal_id),
                title=str(title),
                company=company,
                contact=contact,
                value_minor=int(value),
                currency=str(currency),
                owner=str(owner),
                close_by=as_date(close_by),
                stage_id=int(stage_id),
                score=score.score if score else None,
                rotting=bool(threshold and touch and touch < threshold),
                idle_days=idle,
                has_next_step=bool(step),
            )
        )
    return cards


@dataclass(frozen=True)
class SearchEntry:
    """One open deal as the `/` filter matches it."""

    deal_id: int
    stage_id: int
    text: str  # title, company and contact


def search_entries(head: BoardHead, *, reader: Reader) -> list[SearchEntry]:
    """Every open deal of the board in column order, with the text the filter matches."""
    owner_sql, params = _owner_params(BoardScope(owner=head.owner), head.pipeline_id)
    rows = reader.rows(compose(_SEARCH, owner_sql, _ORDER), **params)
    return [
        SearchEntry(int(i), int(s), " ".join(p for p in (t, c, n) if p)) for i, s, t, c, n in rows
    ]


def position_of(head: BoardHead, deal_id: int, *, reader: Reader) -> tuple[int, int] | None:
    """Where a deal is on the board: (column index, rank in the column), or None when it is not
    on it (closed, another pipeline or another owner's)."""
    owner_sql, params = _owner_params(BoardScope(owner=head.owner), head.pipeline_id)
    found = reader.row(
        compose(
            "SELECT d.stage_id, d.close_by FROM deals d WHERE d.status = 'open'",
            " AND d.pipeline_id = :pipeline AND d.id = :id",
            owner_sql,
        ),
        id=deal_id,
        **params,
    )
    if found is None:
        return None
    index = next((n for n, c in enumerate(head.columns) if c.stage_id == found[0]), None)
    if index is None:
        return None
    close_by = as_date(found[1])
    params.update(stage=found[0], id=deal_id)
    if close_by is None:
        rank = reader.scalar(compose(_BEFORE_UNDATED, owner_sql), **params)
    else:
        rank = reader.scalar(compose(_BEFORE_DATED, owner_sql), close_by=close_by, **params)
    return index, int(rank)


__all__ = [
    "BoardCard",
    "BoardColumn",
    "BoardHead",
    "BoardScope",
    "PageWanted",
    "SearchEntry",
    "board_head",
    "board_pages",
    "position_of",
    "search_entries",
]
