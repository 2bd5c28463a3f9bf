"""Read models: what services hand to the renderers (plain data, no session attached).

One module per area, loaded on first use: a command imports only the read models it shows
(making ~30 dataclasses costs a quick command ~25 ms). `from salesflow.services.views import X`
works for all of them.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from salesflow.services.reports.views import (
        Dashboard,
        Forecast,
        ForecastPeriod,
        ForecastStage,
        Funnel,
        FunnelStage,
        KpiPeriod,
        Kpis,
        LostCount,
        LostReason,
        LostReport,
        ProductRow,
        Products,
        ReportWindow,
        RepRow,
        Reps,
        StagesReport,
        StageStat,
    )
    from salesflow.services.views.deals import CloseView, DealView, MoveView, TaskView
    from salesflow.services.views.followups import (
        Agenda,
        AgendaDay,
        CadenceRunView,
        CadenceView,
        DueToday,
        EmailDraft,
        RottingDeal,
        Stale,
        StaleDeal,
    )
    from salesflow.services.views.pipelines import PipelineView, StageView

__all__ = [
    "Agenda",
    "AgendaDay",
    "CadenceRunView",
    "CadenceView",
    "CloseView",
    "Dashboard",
    "DealView",
    "DueToday",
    "EmailDraft",
    "Forecast",
    "ForecastPeriod",
    "ForecastStage",
    "Funnel",
    "FunnelStage",
    "KpiPeriod",
    "Kpis",
    "LostCount",
    "LostReason",
    "LostReport",
    "MoveView",
    "PipelineView",
    "ProductRow",
    "Products",
    "RepRow",
    "ReportWindow",
    "Reps",
    "RottingDeal",
    "StageStat",
    "StageView",
    "StagesReport",
    "Stale",
    "StaleDeal",
    "TaskView",
]

_MODULE_OF = {
    "StageView": "pipelines",
    "PipelineView": "pipelines",
    "MoveView": "deals",
    "TaskView": "deals",
    "CloseView": "deals",
    "DealView": "deals",
    "DueToday": "followups",
    "CadenceView": "followups",
    "CadenceRunView": "followups",
    "RottingDeal": "followups",
    "StaleDeal": "followups",
    "Stale": "followups",
    "AgendaDay": "followups",
    "Agenda": "followups",
    "EmailDraft": "followups",
    "FunnelStage": "salesflow.services.reports.views",
    "Funnel": "salesflow.services.reports.views",
    "ReportWindow": "salesflow.services.reports.views",
    "KpiPeriod": "salesflow.services.reports.views",
    "Kpis": "salesflow.services.reports.views",
    "ForecastStage": "salesflow.services.reports.views",
    "ForecastPeriod": "salesflow.services.reports.views",
    "Forecast": "salesflow.services.reports.views",
    "RepRow": "salesflow.services.reports.views",
    "Reps": "salesflow.services.reports.views",
    "ProductRow": "salesflow.services.reports.views",
    "Products": "salesflow.services.reports.views",
    "LostCount": "salesflow.services.reports.views",
    "LostReason": "salesflow.services.reports.views",
    "LostReport": "salesflow.services.reports.views",
    "StageStat": "salesflow.services.reports.views",
    "StagesReport": "salesflow.services.reports.views",
    "Dashboard": "salesflow.services.reports.views",
}


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    path = module if "." in module else f"{__name__}.{module}"
    value = getattr(import_module(path), name)
    globals()[name] = value
    return value
