"""The funnel, computed from the stays (see CONTRACT.md, "Funnel definitions").

A *stay* is the time a deal spends in a stage: from the move into it to the next move (or now).
- entered: deals with a stay in the stage that overlaps the window;
- current / current value: open deals in the stage now;
- converted: of those, deals with a later move to a later open stage, or to won when that win
  still stands (a reopen undoes it); regressions and losses are never conversions;
- median days: median length of finished stays that overlap the window (and, for `report
  stages`, their number and 90th percentile by nearest rank);
- won / lost / win rate: close outcomes (not undone by a reopen) dated in the window.
Deals in other currencies than the report's are left out and counted in `left_out`.

The stays are counted in `queries.stays`, open deals in `queries.open_deals`, won and lost in
`queries.outcomes`: the same functions `report kpis|stages|reps` use.

Every figure is aggregated in SQL (the same text on SQLite and PostgreSQL, through a `Reader`)
and only result rows come back, so a million deals cost a few index scans, not a million rows
in Python. Each stage move carries its stay's derived columns (`db.stays`): when it ended, how
long it lasted, how far the deal got afterwards, whether the deal had been in the stage before,
and the deal's currency. So, one open stage at a time:
- entered / converted / finished stays: one pass over the stage's stays in the report currency
  (index `ix_stage_moves_funnel`). A deal is counted at its first stay in the window; only a
  re-entry (after a regression) looks back for an earlier one, so no DISTINCT is needed, and
  that first stay converted exactly when any of the deal's stays in the window did;
- median and P90: the index holds the stays by length, so the k-th shortest finished stay is
  read with LIMIT/OFFSET, k from the count above: no sort, no rows beyond the one or two asked.
Current deals and won/lost come from their own covering indexes (`ix_deals_funnel_open`,
`ix_close_outcomes_standing`).
"""

from __future__ import annotations

from salesflow.db.reader import Reader
from salesflow.queries.open_deals import open_by_stage
from salesflow.queries.outcomes import won_lost
from salesflow.queries.stays import Stays
from salesflow.services.reports.scope import ReportScope, Scope, ratio, resolve
from salesflow.services.reports.views import Funnel, FunnelStage


def build_funnel(
    *, reader: Reader, scope: ReportScope | None = None, with_p90: bool = False
) -> Funnel:
    """The funnel of a pipeline for a window and (optionally) one owner (default: all of the
    default pipeline). `with_p90`: also the 90th percentile of each stage's finished stays."""
    return funnel_of(resolve(scope or ReportScope(), reader=reader), reader=reader,
                     with_p90=with_p90)  # fmt: skip


def funnel_of(scope: Scope, *, reader: Reader, with_p90: bool = False) -> Funnel:
    """The funnel of an already resolved scope (`report stages` and `report html` share it)."""
    where = scope.where
    current = open_by_stage(where, reader=reader)
    stays = Stays(where, reader=reader, with_p90=with_p90)
    rows = []
    for stage in scope.open_stages:
        figures = stays.stage(stage.id, stage.position)
        now, value = current.get(stage.id, (0, 0))
        rows.append(
            FunnelStage(
                key=stage.key,
                name=stage.name,
                entered=figures.entered,
                current=now,
                current_value_minor=value,
                converted=figures.converted,
                conversion_rate=ratio(figures.converted, figures.entered),
                median_days=figures.median_days,
                stays=figures.stays,
                p90_days=figures.p90_days,
            )
        )
    won, lost = won_lost(where, reader=reader)
    return Funnel(
        pipeline=scope.pipeline.key,
        currency=scope.currency,
        since=scope.since,
        until=scope.until,
        owner=scope.asked.owner_label,
        stages=rows,
        won_count=won.count,
        won_value_minor=won.value_minor,
        lost_count=lost.count,
        lost_value_minor=lost.value_minor,
        win_rate=ratio(won.count, won.count + lost.count),
        left_out=scope.left_out,
    )
