"""`report lost` in JSON, CSV and on screen."""

from __future__ import annotations

from typing import Any

from salesflow.render.formats import money_json, money_screen, percent, rate_json
from salesflow.render.output import Column, Output
from salesflow.render.reports.common import (
    _left_out,
    _title,
    bar,
    header_json,
)
from salesflow.services.reports.views import (
    LostCount,
    LostReport,
)


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
