"""`report kpis|forecast|reps|products|lost|stages` on screen (tables, bars), in JSON and CSV.

JSON keys are only ever added. Money is a decimal string in major units beside `currency`
(null where there is nothing to average); rates are 0-1 numbers to four decimals, except
`lead_velocity`, a percentage change.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from salesflow.render.formats import day_json, money_json, money_screen, percent, rate_json
from salesflow.render.output import Column, Output
from salesflow.services.views import (
    Forecast,
    ForecastPeriod,
    Kpis,
    LostCount,
    LostReport,
    Products,
    ReportWindow,
    Reps,
    StagesReport,
)
from salesflow.words import plural

BAR_WIDTH = 24


def _money(minor: int | None, currency: str) -> str | None:
    return None if minor is None else money_json(minor, currency)


def _screen(minor: int | None, currency: str) -> str:
    return "–" if minor is None else money_screen(minor, currency)


def _whole(minor: int, currency: str) -> str:
    """An amount for a wide table: whole units (half up) with thousands separators."""
    from decimal import ROUND_HALF_UP

    from salesflow.parsing.money import from_minor

    return f"{from_minor(minor, currency).quantize(Decimal(1), rounding=ROUND_HALF_UP):,}"


def _days(days: Decimal | None) -> str:
    return "–" if days is None else str(days)


def bar(value: float, widest: float, out: Output, width: int = BAR_WIDTH) -> str:
    """A bar proportional to `widest`; anything above zero gets at least one block."""
    if widest <= 0 or value <= 0:
        return ""
    return ("█" if out.rich else "#") * max(1, round(width * value / widest))


def header_json(name: str, window: ReportWindow) -> dict[str, Any]:
    """The keys every report starts with."""
    return {
        "report": name,
        "pipeline": window.pipeline,
        "currency": window.currency,
        "since": day_json(window.since),
        "until": day_json(window.until),
        "owner": window.owner,
        "period": window.period,
        "left_out": window.left_out,
    }


def _title(name: str, window: ReportWindow) -> str:
    span = f"{day_json(window.since) or 'start'} .. {day_json(window.until) or 'now'}"
    who = f", owner {window.owner}" if window.owner else ""
    return f"{name}: {window.pipeline} ({window.currency}), {span}{who}"


def _left_out(out: Output, window: ReportWindow) -> None:
    if window.left_out:
        others = ", ".join(f"{n} in {c}" for c, n in window.left_out.items())
        out.line(f"Left out: deals in other currencies ({others}); see --currency.", style="yellow")


# --- kpis ------------------------------------------------------------------------------------


def kpis_json(k: Kpis) -> dict[str, Any]:
    """`report kpis --json`."""
    c = k.window.currency
    return header_json("kpis", k.window) | {
        "deals_created": k.deals_created,
        "won": k.won,
        "lost": k.lost,
        "win_rate": rate_json(k.win_rate),
        "value_win_rate": rate_json(k.value_win_rate),
        "won_value": money_json(k.won_value_minor, c),
        "lost_value": money_json(k.lost_value_minor, c),
        "avg_won_value": _money(k.avg_won_value_minor, c),
        "arpu": _money(k.arpu_minor, c),
        "arpu_companies": k.arpu_companies,
        "median_cycle_days": rate_json(k.median_cycle_days),
        "open_deals": k.open_deals,
        "pipeline_value": money_json(k.pipeline_value_minor, c),
        "weighted_pipeline": money_json(k.weighted_pipeline_minor, c),
        "lead_velocity": rate_json(k.lead_velocity),
        "qualified_leads": {
            "stage": k.qualified_stage,
            "period": k.this_period,
            "this_period": k.qualified_this_period,
            "last_period": k.qualified_last_period,
        },
        "periods": [
            {
                "period": p.period,
                "start": day_json(p.start),
                "end": day_json(p.end),
                "created": p.created,
                "won": p.won,
                "lost": p.lost,
                "win_rate": rate_json(p.win_rate),
                "won_value": money_json(p.won_value_minor, c),
            }
            for p in k.periods
        ],
    }


KPI_CSV = ("deals_created", "won", "lost", "win_rate", "value_win_rate", "won_value",
           "avg_won_value", "arpu", "median_cycle_days", "pipeline_value", "weighted_pipeline",
           "lead_velocity")  # fmt: skip


def kpis_csv(k: Kpis) -> tuple[list[str], list[list[Any]]]:
    """One row: the contract's KPIs, with the currency."""
    data = kpis_json(k)
    columns = ["pipeline", "currency", "since", "until", "owner", *KPI_CSV]
    return columns, [[data[c] for c in columns]]


def show_kpis(out: Output, k: Kpis) -> None:
    """The KPIs as a label/value list, then created/won/lost per period with a win-rate bar."""
    c = k.window.currency
    change = "–" if k.lead_velocity is None else f"{k.lead_velocity:+}%"
    velocity = (
        f"{change} ({k.qualified_this_period} qualified in {k.this_period}, "
        f"{k.qualified_last_period} the period before)"
    )
    rows: list[list[Any]] = [
        ["Deals created", k.deals_created],
        ["Won", f"{k.won} ({money_screen(k.won_value_minor, c)})"],
        ["Lost", f"{k.lost} ({money_screen(k.lost_value_minor, c)})"],
        ["Win rate", f"{percent(k.win_rate)} by count, {percent(k.value_win_rate)} by value"],
        ["Average won deal", _screen(k.avg_won_value_minor, c)],
        [
            "ARPU",
            f"{_screen(k.arpu_minor, c)} ({plural(k.arpu_companies, 'company', 'companies')})",
        ],
        [
            "Median sales cycle",
            "–" if k.median_cycle_days is None else f"{k.median_cycle_days} days",
        ],
        [
            "Open pipeline",
            f"{plural(k.open_deals, 'deal')}, {money_screen(k.pipeline_value_minor, c)}",
        ],
        ["Weighted pipeline", money_screen(k.weighted_pipeline_minor, c)],
        ["Lead velocity", velocity],
    ]
    out.table([Column("KPI"), Column("value")], rows, title=_title("KPIs", k.window))
    if k.periods:
        out.line()
        columns = [Column(k.window.period), Column("created", True), Column("won", True),
                   Column("lost", True), Column("win rate", True), Column("won value", True),
                   Column("")]  # fmt: skip
        out.table(
            columns,
            [
                [
                    p.period,
                    p.created,
                    p.won,
                    p.lost,
                    percent(p.win_rate),
                    money_screen(p.won_value_minor, c),
                    bar(float(p.win_rate or 0), 1.0, out),
                ]
                for p in k.periods
            ],  # fmt: skip
        )
    _left_out(out, k.window)


# --- forecast --------------------------------------------------------------------------------

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


# --- reps and products -----------------------------------------------------------------------

REP_KEYS = ("owner", "open", "won", "lost", "win_rate", "won_value", "median_cycle_days",
            "activities", "overdue")  # fmt: skip


def reps_json(r: Reps) -> dict[str, Any]:
    """`report reps --json`."""
    c = r.window.currency
    return header_json("reps", r.window) | {
        "as_of": day_json(r.as_of),
        "reps": [
            {
                "owner": x.owner,
                "open": x.open,
                "won": x.won,
                "lost": x.lost,
                "win_rate": rate_json(x.win_rate),
                "won_value": money_json(x.won_value_minor, c),
                "median_cycle_days": rate_json(x.median_cycle_days),
                "activities": x.activities,
                "overdue": x.overdue,
            }
            for x in r.reps
        ],
    }


def show_reps(out: Output, r: Reps) -> None:
    """A line per rep, with a bar for won value."""
    c = r.window.currency
    widest = max((x.won_value_minor for x in r.reps), default=0)
    out.table(
        [Column("rep"), Column("open", True), Column("won", True), Column("lost", True),
         Column("win rate", True), Column("won value", True), Column(""),
         Column("median cycle", True), Column("activities", True), Column("overdue", True)],
        [
            [x.owner, x.open, x.won, x.lost, percent(x.win_rate),
             money_screen(x.won_value_minor, c), bar(x.won_value_minor, widest, out),
             _days(x.median_cycle_days), x.activities, x.overdue]
            for x in r.reps
        ],
        title=_title("Reps", r.window),
    )  # fmt: skip
    if not r.reps:
        out.line("No deals, activities or follow-ups in this window.")
    _left_out(out, r.window)


PRODUCT_KEYS = ("sku", "name", "open", "won", "lost", "win_rate", "won_value", "avg_won_value",
                "median_cycle_days")  # fmt: skip


def products_json(p: Products) -> dict[str, Any]:
    """`report products --json`."""
    c = p.window.currency
    return header_json("products", p.window) | {
        "products": [
            {
                "sku": x.sku,
                "name": x.name,
                "open": x.open,
                "won": x.won,
                "lost": x.lost,
                "win_rate": rate_json(x.win_rate),
                "won_value": money_json(x.won_value_minor, c),
                "avg_won_value": _money(x.avg_won_value_minor, c),
                "median_cycle_days": rate_json(x.median_cycle_days),
            }
            for x in p.products
        ]
    }


def show_products(out: Output, p: Products) -> None:
    """A line per main product (deals without one last), with a bar for won value."""
    c = p.window.currency
    widest = max((x.won_value_minor for x in p.products), default=0)
    out.table(
        [Column("product"), Column("open", True), Column("won", True), Column("lost", True),
         Column("win rate", True), Column("won value", True), Column(""),
         Column("average won", True), Column("median cycle", True)],
        [
            [x.name or "(no product)", x.open, x.won, x.lost, percent(x.win_rate),
             money_screen(x.won_value_minor, c), bar(x.won_value_minor, widest, out),
             _screen(x.avg_won_value_minor, c), _days(x.median_cycle_days)]
            for x in p.products
        ],
        title=_title("Products", p.window),
    )  # fmt: skip
    _left_out(out, p.window)


# --- lost ------------------------------------------------------------------------------------


def _count_json(x: LostCount, currency: str) -> dict[str, Any]:
    return {"key": x.key, "name": x.name, "count": x.count,
            "value": money_json(x.value_minor, currency)}  # fmt: skip


def lost_json(r: LostReport) -> dict[str, Any]:
    """`report lost --json`."""
    c = r.window.currency
    return header_json("lost", r.window) | {
        "count": r.count,
        "value": money_json(r.value_minor, c),
        "reasons": [
            {
                "reason": x.reason,
                "count": x.count,
                "value": money_json(x.value_minor, c),
                "share": rate_json(x.share),
                "count_rank": x.count_rank,
                "value_rank": x.value_rank,
                "stages": [_count_json(s, c) for s in x.stages],
            }
            for x in r.reasons
        ],
        "stages": [_count_json(s, c) for s in r.stages],
        "competitors": [
            {"name": x.name, "count": x.count, "value": money_json(x.value_minor, c)}
            for x in r.competitors
        ],
    }


def lost_csv(r: LostReport) -> tuple[list[str], list[list[Any]]]:
    """A row per reason and stage lost from."""
    c = r.window.currency
    rows = [
        [x.reason, s.key, s.count, money_json(s.value_minor, c), x.count_rank, x.value_rank]
        for x in r.reasons
        for s in x.stages
    ]
    return ["reason", "stage", "count", "value", "count_rank", "value_rank"], rows


def show_lost(out: Output, r: LostReport) -> None:
    """Reasons (ranked by count, with the value rank), stages lost from, competitors."""
    c = r.window.currency
    widest = max((x.count for x in r.reasons), default=0)
    out.table(
        [Column("reason"), Column("lost", True), Column(""), Column("share", True),
         Column("value", True), Column("value rank", True), Column("lost from")],
        [
            [x.reason or "(none)", x.count, bar(x.count, widest, out), percent(x.share),
             money_screen(x.value_minor, c), x.value_rank,
             ", ".join(f"{s.name or '?'} {s.count}" for s in x.stages)]
            for x in r.reasons
        ],
        title=_title("Lost deals", r.window),
    )  # fmt: skip
    if not r.reasons:
        out.line("No deals lost in this window.")
    else:
        out.line(f"{r.count} lost, {money_screen(r.value_minor, c)}.")
        out.line()
        most = max((s.count for s in r.stages), default=0)
        out.table(
            [Column("lost from"), Column("lost", True), Column(""), Column("value", True)],
            [[s.name or "(unknown)", s.count, bar(s.count, most, out),
              money_screen(s.value_minor, c)] for s in r.stages],
        )  # fmt: skip
    if r.competitors:
        out.line("Lost to: " + ", ".join(f"{x.name} {x.count}" for x in r.competitors))
    _left_out(out, r.window)


# --- stages ----------------------------------------------------------------------------------

STAGE_KEYS = ("key", "name", "entered", "current", "converted", "conversion_rate",
              "median_days", "p90_days", "stays", "lost", "lost_value")  # fmt: skip


def stages_json(r: StagesReport) -> dict[str, Any]:
    """`report stages --json`."""
    c = r.window.currency
    rows = [
        {
            "key": s.key,
            "name": s.name,
            "entered": s.entered,
            "current": s.current,
            "converted": s.converted,
            "conversion_rate": rate_json(s.conversion_rate),
            "median_days": rate_json(s.median_days),
            "p90_days": rate_json(s.p90_days),
            "stays": s.stays,
            "lost": s.lost,
            "lost_value": money_json(s.lost_value_minor, c),
        }
        for s in r.stages
    ]
    by_key = {row["key"]: row for row in rows}
    loses = by_key.get(r.loses_most)
    waits = by_key.get(r.waits_longest)
    return header_json("stages", r.window) | {
        "stages": rows,
        "loses_most": None
        if loses is None
        else {k: loses[k] for k in ("key", "name", "lost", "lost_value")},
        "waits_longest": None
        if waits is None
        else {k: waits[k] for k in ("key", "name", "median_days", "p90_days")},
    }


def show_stages(out: Output, r: StagesReport) -> None:
    """Per stage: conversion, time in stage with a bar, losses with a bar; the bottlenecks."""
    c = r.window.currency
    slowest = max((float(s.median_days or 0) for s in r.stages), default=0.0)
    most = max((s.lost for s in r.stages), default=0)
    out.table(
        [Column("stage"), Column("entered", True), Column("converted", True),
         Column("conv.", True), Column("median days", True), Column("p90", True),
         Column("time in stage"), Column("lost", True), Column("losses")],
        [
            [s.name, s.entered, s.converted, percent(s.conversion_rate), _days(s.median_days),
             _days(s.p90_days), bar(float(s.median_days or 0), slowest, out, 16), s.lost,
             bar(s.lost, most, out, 16)]
            for s in r.stages
        ],
        title=_title("Stages", r.window),
    )  # fmt: skip
    by_key = {s.key: s for s in r.stages}
    if r.loses_most:
        s = by_key[r.loses_most]
        value = money_screen(s.lost_value_minor, c)
        out.line(f"Loses the most deals: {s.name} ({s.lost} lost, {value}).")
    if r.waits_longest:
        s = by_key[r.waits_longest]
        out.line(f"Deals wait longest in: {s.name} (median {s.median_days} days, "
                 f"P90 {_days(s.p90_days)}).")  # fmt: skip
    _left_out(out, r.window)
