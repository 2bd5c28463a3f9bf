"""`report stages`: time in stage and conversion per stage, and the bottlenecks named.

Per open stage, over the window: entered, converted and conversion rate, and the median time in
stage exactly as the funnel defines them (see `services.reports.funnel`), with the 90th percentile
(nearest rank) of the same finished stays; and the deals lost from the stage (closed lost in the
window).
The stage that loses the most deals (ties: more value, then the earlier stage) and the one where
deals wait longest (longest median stay; ties: the earlier stage) are named.
"""

from __future__ import annotations

from salesflow.db.reader import Reader
from salesflow.queries.losses import lost_by_stage
from salesflow.services.reports.funnel import funnel_of
from salesflow.services.reports.scope import ReportScope, Scope, resolve, window_of
from salesflow.services.reports.views import Funnel, StagesReport, StageStat


def build_stages(*, reader: Reader, scope: ReportScope) -> StagesReport:
    """Time in stage (median, P90), conversion and losses per stage; the bottlenecks."""
    return stages_of(resolve(scope, reader=reader), reader=reader)


def stages_of(scope: Scope, *, reader: Reader, funnel: Funnel | None = None) -> StagesReport:
    """The stages report of an already resolved scope. `funnel`: the same scope's funnel, with
    P90s, when the caller has it already."""
    if funnel is None:
        funnel = funnel_of(scope, reader=reader, with_p90=True)
    lost = lost_by_stage(scope.where, reader=reader)
    rows = []
    for stage, row in zip(scope.open_stages, funnel.stages, strict=True):
        assert stage.key == row.key
        n_lost, lost_value = lost.get(stage.id, (0, 0))
        rows.append(
            StageStat(
                key=stage.key,
                name=stage.name,
                entered=row.entered,
                current=row.current,
                converted=row.converted,
                conversion_rate=row.conversion_rate,
                median_days=row.median_days,
                p90_days=row.p90_days,
                stays=row.stays,
                lost=n_lost,
                lost_value_minor=lost_value,
            )
        )
    losing = [r for r in rows if r.lost]
    waiting = [r for r in rows if r.median_days is not None]
    loses_most = min(
        losing, key=lambda r: (-r.lost, -r.lost_value_minor, rows.index(r)), default=None
    )
    waits_longest = min(waiting, key=lambda r: (-(r.median_days or 0), rows.index(r)), default=None)
    return StagesReport(
        window=window_of(scope),
        stages=rows,
        loses_most=loses_most.key if loses_most else None,
        waits_longest=waits_longest.key if waits_longest else None,
    )
