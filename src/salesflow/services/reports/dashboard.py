"""`report html`: every report a sales manager looks at, gathered for one dashboard."""

from __future__ import annotations

from salesflow.db.reader import Reader
from salesflow.services.reports.forecast import forecast_of
from salesflow.services.reports.funnel import funnel_of
from salesflow.services.reports.kpis import kpis_of
from salesflow.services.reports.lost import lost_of
from salesflow.services.reports.scope import ReportScope, resolve
from salesflow.services.reports.stages import stages_of
from salesflow.services.reports.team import reps_of
from salesflow.services.reports.views import Dashboard


def build_dashboard(*, reader: Reader, scope: ReportScope, seed: int = 0) -> Dashboard:
    """KPIs, funnel, forecast, reps, stages and lost reasons, all of one resolved scope (so in
    the same currency)."""
    resolved = resolve(scope, reader=reader)
    funnel = funnel_of(resolved, reader=reader, with_p90=True)  # P90s: stages
    return Dashboard(
        kpis=kpis_of(resolved, reader=reader),
        funnel=funnel,
        # the forecast looks ahead from this period unless a window start was given
        forecast=forecast_of(resolved, reader=reader, seed=seed),
        reps=reps_of(resolved, reader=reader),
        stages=stages_of(resolved, reader=reader, funnel=funnel),
        lost=lost_of(resolved, reader=reader),
    )
