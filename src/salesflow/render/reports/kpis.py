"""`report kpis` in JSON, CSV and on screen."""

from __future__ import annotations

from typing import Any

from salesflow.render.formats import day_json, money_json, money_screen, percent, rate_json
from salesflow.render.output import Column, Output
from salesflow.render.reports.common import (
    _left_out,
    _money,
    _screen,
    _title,
    bar,
    header_json,
)
from salesflow.services.reports.views import KpiGroup, Kpis, SalesVelocity
from salesflow.words import plural


def group_json(g: KpiGroup, currency: str) -> dict[str, Any]:
    """One item of `groups` (`report kpis --by`)."""
    return {
        "group": g.group,
        "deals_created": g.deals_created,
        "won": g.won,
        "lost": g.lost,
        "win_rate": rate_json(g.win_rate),
        "won_value": money_json(g.won_value_minor, currency),
        "avg_won_value": _money(g.avg_won_value_minor, currency),
        "median_cycle_days": rate_json(g.median_cycle_days),
        "open_deals": g.open_deals,
        "pipeline_value": money_json(g.pipeline_value_minor, currency),
    }


GROUP_CSV = ("group", "deals_created", "won", "lost", "win_rate", "won_value", "avg_won_value",
             "median_cycle_days", "open_deals", "pipeline_value")  # fmt: skip


def kpis_json(k: Kpis) -> dict[str, Any]:
    """`report kpis --json` (with `--by`, also `by` and `groups`)."""
    c = k.window.currency
    grouped = {} if k.groups is None else {
        "by": k.by, "groups": [group_json(g, c) for g in k.groups]}  # fmt: skip
    return (
        grouped
        | header_json("kpis", k.window)
        | {
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
            "sales_velocity": velocity_json(k.sales_velocity, c),
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
    )


def velocity_json(v: SalesVelocity, currency: str) -> dict[str, Any]:
    """`sales_velocity`: money per day, and the factors it is made of."""
    return {
        "per_day": _money(v.per_day_minor, currency),
        "open_opportunities": v.open_opportunities,
        "avg_won_value": _money(v.avg_won_value_minor, currency),
        "win_rate": rate_json(v.win_rate),
        "avg_cycle_days": rate_json(v.avg_cycle_days),
    }


KPI_CSV = ("deals_created", "won", "lost", "win_rate", "value_win_rate", "won_value",
           "avg_won_value", "arpu", "median_cycle_days", "pipeline_value", "weighted_pipeline",
           "lead_velocity", "sales_velocity", "avg_cycle_days")  # fmt: skip


def kpis_csv(k: Kpis) -> tuple[list[str], list[list[Any]]]:
    """One row: the contract's KPIs, with the currency (`sales_velocity`: its money per day);
    with `--by`, a row per group."""
    if k.groups is not None:
        c = k.window.currency
        return list(GROUP_CSV), [[group_json(g, c)[key] for key in GROUP_CSV] for g in k.groups]
    data = kpis_json(k)
    velocity = data.pop("sales_velocity")
    data["sales_velocity"], data["avg_cycle_days"] = velocity["per_day"], velocity["avg_cycle_days"]
    columns = ["pipeline", "currency", "since", "until", "owner", *KPI_CSV]
    return columns, [[data[c] for c in columns]]


def show_kpis(out: Output, k: Kpis) -> None:
    """The KPIs as a label/value list, then created/won/lost per period with a win-rate bar."""
    c = k.window.currency
    change = "–" if k.lead_velocity is None else f"{k.lead_velocity:+}%"
    velocity = (
        f"{change} ({k.qualified_this_period} qualified in {k.this_period}, the last complete "
        f"{k.window.period}; {k.qualified_last_period} the {k.window.period} before)"
    )
    sv = k.sales_velocity
    sales = (
        "–"
        if sv.per_day_minor is None
        else f"{money_screen(sv.per_day_minor, c)} a day ({sv.open_opportunities:,} open × "
        f"{_screen(sv.avg_won_value_minor, c)} × {percent(sv.win_rate)} ÷ "
        f"{sv.avg_cycle_days} days)"
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
        ["Sales velocity", sales],
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
    if k.groups is not None:
        out.line()
        _show_groups(out, k)
    _left_out(out, k.window)


def _show_groups(out: Output, k: Kpis) -> None:
    """`--by`: the figures per group, best won value first."""
    c = k.window.currency
    assert k.groups is not None
    assert k.by is not None
    out.table(
        [Column(k.by), Column("created", True), Column("won", True), Column("lost", True),
         Column("win rate", True), Column("won value", True), Column("average won", True),
         Column("median cycle", True), Column("open", True), Column("open value", True)],
        [
            [g.group if g.group is not None else f"(no {k.by})", g.deals_created, g.won, g.lost,
             percent(g.win_rate), money_screen(g.won_value_minor, c),
             _screen(g.avg_won_value_minor, c),
             "–" if g.median_cycle_days is None else g.median_cycle_days, g.open_deals,
             money_screen(g.pipeline_value_minor, c)]
            for g in k.groups
        ],
    )  # fmt: skip
