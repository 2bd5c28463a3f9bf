"""`report reps` and `report products` in JSON, CSV and on screen."""

from __future__ import annotations

from typing import Any

from salesflow.render.formats import day_json, money_json, money_screen, percent, rate_json
from salesflow.render.output import Column, Output
from salesflow.render.reports.common import (
    _days,
    _left_out,
    _money,
    _screen,
    _title,
    bar,
    header_json,
)
from salesflow.services.reports.views import (
    Products,
    RepGroups,
    Reps,
)

REP_KEYS = ("owner", "open", "won", "lost", "win_rate", "won_value", "median_cycle_days",
            "activities", "overdue")  # fmt: skip


def _outcomes_json(x: Any, c: str) -> dict[str, Any]:
    """The counts and won value a rep row and a product row share, in their JSON form."""
    return {
        "open": x.open,
        "won": x.won,
        "lost": x.lost,
        "win_rate": rate_json(x.win_rate),
        "won_value": money_json(x.won_value_minor, c),
    }


def _outcome_cells(x: Any, c: str, widest: int, out: Output) -> list[Any]:
    """The same on screen: open, won, lost, win rate, won value and its bar."""
    return [x.open, x.won, x.lost, percent(x.win_rate),
            money_screen(x.won_value_minor, c), bar(x.won_value_minor, widest, out)]  # fmt: skip


_OUTCOME_COLUMNS = (Column("open", True), Column("won", True), Column("lost", True),
                    Column("win rate", True), Column("won value", True), Column(""))  # fmt: skip


GROUP_KEYS = ("group", "open", "won", "lost", "win_rate", "won_value", "avg_won_value",
              "median_cycle_days", "activities", "overdue")  # fmt: skip


def rep_groups_json(r: RepGroups) -> dict[str, Any]:
    """`report reps --by team|manager|office --json`."""
    c = r.window.currency
    return header_json("reps", r.window) | {
        "as_of": day_json(r.as_of),
        "by": r.by,
        "groups": [
            {"group": x.group}
            | _outcomes_json(x, c)
            | {
                "avg_won_value": _money(x.avg_won_value_minor, c),
                "median_cycle_days": rate_json(x.median_cycle_days),
                "activities": x.activities,
                "overdue": x.overdue,
            }
            for x in r.groups
        ],
    }


def show_rep_groups(out: Output, r: RepGroups) -> None:
    """A line per team, manager or office, with a bar for won value."""
    c = r.window.currency
    widest = max((x.won_value_minor for x in r.groups), default=0)
    out.table(
        [Column(r.by), *_OUTCOME_COLUMNS, Column("average won", True),
         Column("median cycle", True), Column("activities", True), Column("overdue", True)],
        [
            [x.group if x.group is not None else f"(no {r.by})", *_outcome_cells(x, c, widest, out),
             _screen(x.avg_won_value_minor, c), _days(x.median_cycle_days), x.activities,
             x.overdue]
            for x in r.groups
        ],
        title=_title(f"Reps by {r.by}", r.window),
    )  # fmt: skip
    if not r.groups:
        out.line("No deals in this window.")
    elif r.groups[-1].group is None:
        also = "" if r.by == "team" else f", or in a team with no {r.by}"
        out.line(f"(no {r.by}): reps in no team{also}; `salesflow team member REP --team T`.")
    _left_out(out, r.window)


def reps_json(r: Reps) -> dict[str, Any]:
    """`report reps --json`."""
    c = r.window.currency
    return header_json("reps", r.window) | {
        "as_of": day_json(r.as_of),
        "by": "rep",
        "reps": [
            {"owner": x.owner}
            | _outcomes_json(x, c)
            | {
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
        [Column("rep"), *_OUTCOME_COLUMNS, Column("median cycle", True),
         Column("activities", True), Column("overdue", True)],
        [
            [x.owner, *_outcome_cells(x, c, widest, out), _days(x.median_cycle_days),
             x.activities, x.overdue]
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
            {"sku": x.sku, "name": x.name}
            | _outcomes_json(x, c)
            | {
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
        [Column("product"), *_OUTCOME_COLUMNS, Column("average won", True),
         Column("median cycle", True)],
        [
            [x.name or "(no product)", *_outcome_cells(x, c, widest, out),
             _screen(x.avg_won_value_minor, c), _days(x.median_cycle_days)]
            for x in p.products
        ],
        title=_title("Products", p.window),
    )  # fmt: skip
    _left_out(out, p.window)
