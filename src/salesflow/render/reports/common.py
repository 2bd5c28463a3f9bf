"""`report kpis|forecast|reps|products|lost|stages` on screen (tables, bars), in JSON and CSV.

JSON keys are only ever added. Money is a decimal string in major units beside `currency`
(null where there is nothing to average); rates are 0-1 numbers to four decimals, except
`lead_velocity`, a percentage change.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from salesflow.render.formats import day_json, money_json, money_screen
from salesflow.render.output import Output
from salesflow.services.reports.views import (
    ReportWindow,
)

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
