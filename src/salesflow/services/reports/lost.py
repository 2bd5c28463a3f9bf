"""`report lost`: why deals were lost, how many and how much, and the stage each was lost from.

Over the lost outcomes that still stand, by close date in the window, in the report currency.
Reasons are ranked by count, then value; `count_rank` and `value_rank` are competition ranks
(ties share a rank). The value of a lost deal is its value when it was lost.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import TYPE_CHECKING

from salesflow.services.reports.kpis import CLOSED_IN_WINDOW, window_of
from salesflow.services.reports.scope import pick, ratio, report_scope, typed_sql
from salesflow.services.reports.views import LostCount, LostReason, LostReport

if TYPE_CHECKING:
    from sqlmodel import Session

LOST_BY_REASON_AND_STAGE = (
    "SELECT c.reason, c.from_stage_id, COUNT(*), COALESCE(SUM(c.amount_minor), 0) "
    + CLOSED_IN_WINDOW
    + " AND c.outcome = 'lost' GROUP BY c.reason, c.from_stage_id"
)

_COMPETITORS = (
    "SELECT lower(c.competitor) AS grp, MIN(c.competitor), COUNT(*), "
    "COALESCE(SUM(c.amount_minor), 0) "
    + CLOSED_IN_WINDOW
    + " AND c.outcome = 'lost' AND c.competitor IS NOT NULL GROUP BY grp"
)


def _ranks(values: list[int]) -> list[int]:
    """Competition ranks, largest first: 1 + how many are strictly larger."""
    return [1 + sum(1 for other in values if other > v) for v in values]


def build_lost(
    *,
    session: Session,
    pipeline: str | None = None,
    since: date | None = None,
    until: date | None = None,
    owner: str | None = None,
    currency: str | None = None,
    period: str = "month",
) -> LostReport:
    """Lost reasons ranked, the stages deals were lost from, and the competitors that won."""
    scope = report_scope(session=session, pipeline=pipeline, since=since, until=until,
                         owner=owner, currency=currency, period=period)  # fmt: skip
    params = pick(scope.params, "pipeline", "currency", "owner", "since_day", "until_day")
    cells: dict[str | None, dict[int | None, tuple[int, int]]] = defaultdict(dict)
    for reason, stage_id, n, value in session.execute(typed_sql(LOST_BY_REASON_AND_STAGE), params):
        sid = None if stage_id is None else int(stage_id)
        cells[None if reason is None else str(reason)][sid] = (int(n), int(value))

    order = [s for s in scope.stages if s.id is not None]
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
        LostCount(None, str(name), int(n), int(value))
        for _, name, n, value in session.execute(typed_sql(_COMPETITORS), params)
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
