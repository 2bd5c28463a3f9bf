"""`report stages`: time in stage and conversion per stage, and the bottlenecks named.

Per open stage, over the window: entered, converted and conversion rate, and the median time in
stage exactly as the funnel defines them (see `services.funnel`), with the 90th percentile
(nearest rank) of the same finished stays; and the deals lost from the stage (closed lost in the
window).
The stage that loses the most deals (ties: more value, then the earlier stage) and the one where
deals wait longest (longest median stay; ties: the earlier stage) are named.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from salesflow.db.reader import reader_for
from salesflow.services.reports.funnel import build_funnel
from salesflow.services.reports.kpis import window_of
from salesflow.services.reports.lost import LOST_BY_REASON_AND_STAGE
from salesflow.services.reports.scope import pick, report_scope, typed_sql
from salesflow.services.reports.views import Funnel, StagesReport, StageStat

if TYPE_CHECKING:
    from sqlmodel import Session


def build_stages(
    *,
    session: Session,
    pipeline: str | None = None,
    since: date | None = None,
    until: date | None = None,
    owner: str | None = None,
    currency: str | None = None,
    period: str = "month",
    funnel: Funnel | None = None,
) -> StagesReport:
    """Time in stage (median, P90), conversion and losses per stage; the bottlenecks.

    `funnel`: the same window's funnel, with P90s, when the caller has it already.
    """
    scope = report_scope(session=session, pipeline=pipeline, since=since, until=until,
                         owner=owner, currency=currency, period=period)  # fmt: skip
    if funnel is None:
        funnel = build_funnel(reader=reader_for(session), pipeline=scope.pipeline.key,
                              since=since, until=until, owner=owner, currency=scope.currency,
                              with_p90=True)  # fmt: skip
    p = scope.params
    lost: dict[int, tuple[int, int]] = {}
    for _, stage_id, n, value in session.execute(
        typed_sql(LOST_BY_REASON_AND_STAGE),
        pick(p, "pipeline", "currency", "owner", "since_day", "until_day"),
    ):
        if stage_id is not None:
            was = lost.get(int(stage_id), (0, 0))
            lost[int(stage_id)] = (was[0] + int(n), was[1] + int(value))
    rows = []
    for stage, row in zip(scope.open_stages, funnel.stages, strict=True):
        assert stage.id is not None
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
