"""`report stages` in JSON, CSV and on screen."""

from __future__ import annotations

from typing import Any

from salesflow.render.formats import money_json, money_screen, percent, rate_json
from salesflow.render.output import Column, Output
from salesflow.render.reports.common import (
    _days,
    _left_out,
    _title,
    bar,
    header_json,
)
from salesflow.services.reports.views import (
    StagesReport,
)

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
