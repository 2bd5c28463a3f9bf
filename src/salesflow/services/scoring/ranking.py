"""The N best-scoring deals without scoring every deal: `lead list --sort score --limit N`.

Deals are read in order of their score ceiling (`queries.score_ceiling`: no deal scores more),
highest first and by id among equals, a batch at a time; each batch is scored exactly by
`score_deals`, the one scoring rule. Reading stops at the first deal whose ceiling cannot beat
the N-th best score found so far: below it, or equal to it with a higher id (ties go to the
lower id, as in the full sort). The ceiling and every batch's scores use the same rules and the
same moment, and the reader holds one snapshot of the database, so the pages stay put. So the
answer is exactly the full sort's first N, while only the deals that might belong in it are
scored, and memory stays flat in the number of deals.
"""

from __future__ import annotations

import heapq
from typing import Any, LiteralString

from salesflow.clock import now_utc
from salesflow.db.reader import Reader, compose
from salesflow.queries.score_ceiling import DEALS_AND_PARTIES, Ceiling
from salesflow.services.scoring.rules import list_rules
from salesflow.services.scoring.scores import DealScore, score_deals

_BATCH = 500  # at most score_deals' IN-list size, so each batch reads only its own deals


def top_scored(
    *, reader: Reader, where: LiteralString, params: dict[str, Any], limit: int, open_only: bool
) -> list[DealScore]:
    """The `limit` best scores among the deals `where` picks (conditions over `d`, `c`, `ct`,
    each starting with " AND "), best first, lower id first among equals."""
    rules, now = list_rules(reader=reader), now_utc()  # one set of rules, one moment throughout
    ceiling = Ceiling(rules, now, sqlite=reader.is_sqlite)
    sql = compose(
        "SELECT d.id, ", ceiling.points, " AS ceiling", DEALS_AND_PARTIES, ceiling.join,
        "\nWHERE 1 = 1", where, " ORDER BY ceiling DESC, d.id LIMIT :batch OFFSET :skip",
    )  # fmt: skip
    best: list[tuple[int, int, DealScore]] = []  # a min-heap on (score, -id): the worst first
    skip = 0
    while True:
        batch = reader.rows(sql, **params, **ceiling.params, batch=_BATCH, skip=skip)
        scores = score_deals(reader=reader, deal_ids=[row[0] for row in batch],
                             open_only=open_only, rules=rules, now=now)  # fmt: skip
        for deal_id, top in batch:
            if len(best) == limit:
                worst_score, worst_id = best[0][0], -best[0][1]
                if top < worst_score or (top == worst_score and deal_id > worst_id):
                    return _ranked(best)
            scored = scores[deal_id]
            entry = (scored.score, -deal_id, scored)
            if len(best) < limit:
                heapq.heappush(best, entry)
            elif entry[:2] > best[0][:2]:
                heapq.heapreplace(best, entry)
        if len(batch) < _BATCH:
            return _ranked(best)
        skip += _BATCH


def _ranked(best: list[tuple[int, int, DealScore]]) -> list[DealScore]:
    return [scored for _, _, scored in sorted(best, key=lambda e: (-e[0], -e[1]))]
