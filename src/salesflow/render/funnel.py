"""The funnel on screen (with a bar per stage) and in JSON."""

from __future__ import annotations

from typing import Any

from salesflow.render.formats import day_json, money_json, money_screen, percent, rate_json
from salesflow.render.output import Column, Output
from salesflow.services.reports.views import Funnel

BAR_WIDTH = 30


def funnel_json(funnel: Funnel) -> dict[str, Any]:
    """`funnel --json` with the contract's keys."""
    return {
        "pipeline": funnel.pipeline,
        "currency": funnel.currency,
        "since": day_json(funnel.since),
        "until": day_json(funnel.until),
        "owner": funnel.owner,
        "stages": [
            {
                "key": s.key,
                "name": s.name,
                "entered": s.entered,
                "current": s.current,
                "current_value": money_json(s.current_value_minor, funnel.currency),
                "converted": s.converted,
                "conversion_rate": rate_json(s.conversion_rate),
                "median_days": rate_json(s.median_days),
            }
            for s in funnel.stages
        ],
        "won": {
            "count": funnel.won_count,
            "value": money_json(funnel.won_value_minor, funnel.currency),
        },
        "lost": {
            "count": funnel.lost_count,
            "value": money_json(funnel.lost_value_minor, funnel.currency),
        },
        "win_rate": rate_json(funnel.win_rate),
        "left_out": funnel.left_out,
    }


def funnel_csv(funnel: Funnel) -> tuple[list[str], list[list[Any]]]:
    """`funnel --csv`: one row per stage, the columns of its `--json` stage objects."""
    stages = funnel_json(funnel)["stages"]
    keys = list(stages[0].keys()) if stages else []
    return keys, [[s[k] for k in keys] for s in stages]


def show_funnel(out: Output, funnel: Funnel) -> None:
    """The funnel table with bars, then won/lost and the win rate."""
    window = f"{day_json(funnel.since) or 'start'} .. {day_json(funnel.until) or 'now'}"
    who = f", owner {funnel.owner}" if funnel.owner else ""
    widest = max((s.entered for s in funnel.stages), default=0) or 1
    bar = "█" if out.rich else "#"
    columns = [
        Column("stage"),
        Column("entered", True),
        Column(""),
        Column("now", True),
        Column("value now", True),
        Column("converted", True),
        Column("conv.", True),
        Column("median days", True),
    ]
    rows = [
        [
            s.name,
            s.entered,
            bar * _bar(s.entered, widest),
            s.current,
            money_screen(s.current_value_minor, funnel.currency),
            s.converted,
            percent(s.conversion_rate),
            "–" if s.median_days is None else s.median_days,
        ]
        for s in funnel.stages
    ]
    out.table(
        columns,
        rows,
        title=f"Funnel: {funnel.pipeline} ({funnel.currency}), {window}{who}",
    )
    out.line(
        f"Won {funnel.won_count} ({money_screen(funnel.won_value_minor, funnel.currency)}) · "
        f"Lost {funnel.lost_count} ({money_screen(funnel.lost_value_minor, funnel.currency)}) · "
        f"Win rate {percent(funnel.win_rate)}"
    )
    if funnel.left_out:
        others = ", ".join(f"{n} in {c}" for c, n in funnel.left_out.items())
        out.line(f"Left out: deals in other currencies ({others}); see --currency.", style="yellow")


def _bar(entered: int, widest: int) -> int:
    """Bar length: proportional to the widest stage; a stage anyone entered gets at least one."""
    return max(1 if entered else 0, round(BAR_WIDTH * entered / widest))
