"""`report lost`: why deals were lost, how many and how much, and the stage each was lost from.

Over the lost outcomes that still stand, by close date in the window, in the report currency.
Reasons are ranked by count, then value; `count_rank` and `value_rank` are competition ranks
(ties share a rank). The value of a lost deal is its value when it was lost.
"""

from __future__ import annotations

from collections import defaultdict

from salesflow.db.reader import Reader
from salesflow.queries.losses import competitors as competitors_of
from salesflow.queries.losses import lost_by_reason_and_stage
from salesflow.services.reports.scope import ReportScope, Scope, ratio, resolve, window_of
from salesflow.services.reports.views import LostCount, LostReason, LostReport


def _ranks(values: list[int]) -> list[int]:
    """Competition ranks, largest first: 1 + how many are strictly larger."""
    return [1 + sum(1 for other in values if other > v) for v in values]


def build_lost(*, reader: Reader, scope: ReportScope) -> LostReport:
    """Lost reasons ranked, the stages deals were lost from, and the competitors that won."""
    return lost_of(resolve(scope, reader=reader), reader=reader)


def lost_of(scope: Scope, *, reader: Reader) -> LostReport:
    """The lost report of an already resolved scope."""
    cells: dict[str | None, dict[int | None, tuple[int, int]]] = defaultdict(dict)
    for reason, sid, n, value in lost_by_reason_and_stage(scope.where, reader=reader):
        cells[reason][sid] = (n, value)

    order = scope.stages
    known = {s.id for s in order}

    def by_stage(counts: dict[int | None, tuple[int, int]], keep_zero: bool) -> list[LostCount]:
        rows = [
            LostCount(s.key, s.name, *counts.get(s.id, (0, 0)))
            for s in order
            if (keep_zero and s.is_open) or s.id in counts
        ]
        unknown = [c for sid, c in counts.items() if sid not in known]
        if unknown:  # closed before the stage was recorded (e.g. imported)
            rows.append(
                LostCount(None, None, sum(n for n, _ in unknown), sum(v for _, v in unknown))
            )
        return rows

    totals = {
        r: (sum(n for n, _ in c.values()), sum(v for _, v in c.values())) for r, c in cells.items()
    }
    count = sum(n for n, _ in totals.values())
    ranked = sorted(totals, key=lambda r: (-totals[r][0], -totals[r][1], r is None, r or ""))
    count_ranks = _ranks([totals[r][0] for r in ranked])
    value_ranks = _ranks([totals[r][1] for r in ranked])
    reasons = [
        LostReason(
            reason=r,
            count=totals[r][0],
            value_minor=totals[r][1],
            share=ratio(totals[r][0], count),
            count_rank=count_ranks[i],
            value_rank=value_ranks[i],
            stages=by_stage(cells[r], keep_zero=False),
        )
        for i, r in enumerate(ranked)
    ]
    all_stages: dict[int | None, tuple[int, int]] = defaultdict(lambda: (0, 0))
    for counts in cells.values():
        for sid, (n, v) in counts.items():
            all_stages[sid] = (all_stages[sid][0] + n, all_stages[sid][1] + v)
    competitors = [
        LostCount(None, name, n, value)
        for name, n, value in competitors_of(scope.where, reader=reader)
    ]
    competitors.sort(key=lambda c: (-c.count, -c.value_minor, (c.name or "").lower()))
    return LostReport(
        window=window_of(scope),
        count=count,
        value_minor=sum(v for _, v in totals.values()),
        reasons=reasons,
        stages=by_stage(dict(all_stages), keep_zero=True),
        competitors=competitors,
    )
