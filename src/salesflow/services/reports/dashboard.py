"""`report html`: every report a sales manager looks at, gathered for one dashboard."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from salesflow.db.reader import reader_for
from salesflow.services.reports.forecast import build_forecast
from salesflow.services.reports.funnel import build_funnel
from salesflow.services.reports.kpis import build_kpis
from salesflow.services.reports.lost import build_lost
from salesflow.services.reports.stages import build_stages
from salesflow.services.reports.team import build_reps
from salesflow.services.reports.views import Dashboard

if TYPE_CHECKING:
    from sqlmodel import Session


def build_dashboard(
    *,
    session: Session,
    pipeline: str | None = None,
    since: date | None = None,
    until: date | None = None,
    owner: str | None = None,
    currency: str | None = None,
    period: str = "month",
    seed: int = 0,
) -> Dashboard:
    """KPIs, funnel, forecast, reps, stages and lost reasons, all in the same currency."""
    kpis = build_kpis(session=session, pipeline=pipeline, since=since, until=until, owner=owner,
                      currency=currency, period=period)  # fmt: skip
    scope: dict[str, Any] = {
        "pipeline": kpis.window.pipeline,
        "since": since,
        "until": until,
        "owner": owner,
        "currency": kpis.window.currency,
    }
    funnel = build_funnel(reader=reader_for(session), with_p90=True, **scope)  # P90s: stages
    return Dashboard(
        kpis=kpis,
        funnel=funnel,
        # the forecast looks ahead from this period unless a window start was given
        forecast=build_forecast(session=session, period=period, seed=seed, **scope),
        reps=build_reps(session=session, period=period, **scope),
        stages=build_stages(session=session, period=period, funnel=funnel, **scope),
        lost=build_lost(session=session, period=period, **scope),
    )
