"""`report forecast` in JSON, CSV and on screen."""

from __future__ import annotations

from typing import Any

from salesflow.render.formats import day_json, money_json, money_screen, percent, rate_json
from salesflow.render.output import Column, Output
from salesflow.render.reports.common import (
    _left_out,
    _title,
    _whole,
    header_json,
)
from salesflow.services.reports.views import (
    Forecast,
    ForecastPeriod,
)

FORECAST_KEYS = ("period", "start", "end", "deals", "value", "won", "weighted", "commit",
                 "best_case", "historical", "p10", "p50", "p90")  # fmt: skip


def _period_json(p: ForecastPeriod, currency: str) -> dict[str, Any]:
    return {
        "period": p.period,
        "start": day_json(p.start),
        "end": day_json(p.end),
        "deals": p.deals,
        "value": money_json(p.value_minor, currency),
        "won": money_json(p.won_minor, currency),
        "weighted": money_json(p.weighted_minor, currency),
        "commit": money_json(p.commit_minor, currency),
        "best_case": money_json(p.best_case_minor, currency),
        "historical": money_json(p.historical_minor, currency),
        "p10": money_json(p.p10_minor, currency),
        "p50": money_json(p.p50_minor, currency),
        "p90": money_json(p.p90_minor, currency),
    }


def forecast_json(f: Forecast) -> dict[str, Any]:
    """`report forecast --json`."""
    c = f.window.currency
    return header_json("forecast", f.window) | {
        "as_of": day_json(f.as_of),
        "seed": f.seed,
        "trials": f.trials,
        "min_history": f.min_history,
        "stages": [
            {
                "key": s.key,
                "name": s.name,
                "probability": rate_json(s.probability),
                "category": s.category,
                "closed": s.closed,
                "won": s.won,
                "measured_rate": rate_json(s.measured_rate),
                "rate": rate_json(s.rate),
                "source": s.source,
                "open_deals": s.open_deals,
                "open_value": money_json(s.open_value_minor, c),
            }
            for s in f.stages
        ],
        "periods": [_period_json(p, c) for p in f.periods],
        "total": _period_json(f.total, c),
        "overdue": _period_json(f.overdue, c),
        "undated": _period_json(f.undated, c),
    }


def forecast_csv(f: Forecast) -> tuple[list[str], list[list[Any]]]:
    """A row per period, then overdue, undated and the total of the periods."""
    lines = [*f.periods, f.overdue, f.undated, f.total]
    rows = [list(_period_json(p, f.window.currency).values()) for p in lines]
    return list(FORECAST_KEYS), rows


def show_forecast(out: Output, f: Forecast) -> None:
    """Stage rates and categories, then the periods with their P10-P90 range."""
    c = f.window.currency
    out.table(
        [
            Column("stage"),
            Column("category"),
            Column("probability", True),
            Column("measured win rate", True),
            Column("used", True),
            Column("open", True),
            Column("open value", True),
        ],  # fmt: skip
        [
            [
                s.name,
                s.category.replace("_", " "),
                percent(s.probability),
                f"{percent(s.measured_rate)} of {s.closed}",
                f"{percent(s.rate)} ({s.source})",
                s.open_deals,
                money_screen(s.open_value_minor, c),
            ]
            for s in f.stages
        ],  # fmt: skip
        title=_title("Forecast", f.window) + f", as of {f.as_of}",
    )
    out.line()
    lines = [*f.periods, f.total, f.overdue, f.undated]
    out.table(
        [
            Column(f.window.period),
            Column("deals", True),
            Column("won so far", True),
            Column("weighted", True),
            Column("commit", True),
            Column("best case", True),
            Column("historical", True),
            Column("P10", True),
            Column("P50", True),
            Column("P90", True),
        ],  # fmt: skip
        [
            [
                p.period,
                p.deals,
                *(
                    _whole(m, c)
                    for m in (
                        p.won_minor,
                        p.weighted_minor,
                        p.commit_minor,
                        p.best_case_minor,
                        p.historical_minor,
                        p.p10_minor,
                        p.p50_minor,
                        p.p90_minor,
                    )
                ),
            ]
            for p in lines
        ],  # fmt: skip
    )
    out.line(f"Amounts in {c}, whole units. Each is the period's won value: won so far plus its "
             "open deals, by close date.")  # fmt: skip
    out.line(f"Measured win rates need {f.min_history} closed deals in a stage, else its "
             f"probability is used. Simulation: {f.trials} trials, seed {f.seed}.")  # fmt: skip
    _left_out(out, f.window)
