"""The board's two fixed texts: the title line (pipeline, whose deals, currency, the filter,
the marks' legend) and the outcomes at the right (won and lost this month)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from salesflow.render.board.column import NO_NEXT_STEP, ROTTING
from salesflow.render.formats import money_screen
from salesflow.text import printable

if TYPE_CHECKING:
    from salesflow.services.board.view import BoardHead


def title_line(head: BoardHead, query: str | None) -> Text:
    """`salesflow · sales · ana's deals · USD · find: acme   ⏳ rotting  ∅ no next step`."""
    whose = f"{head.owner}'s deals" if head.owner else "everyone's deals"
    text = Text(printable(f"salesflow · {head.pipeline} · {whose} · {head.currency}"), style="bold")
    if query is not None:
        text.append(f" · find: {printable(query)}", style="italic")
    text.append(f"   {ROTTING} rotting  {NO_NEXT_STEP} no next step")
    return text


def outcomes_text(head: BoardHead) -> Text:
    """Won and lost since the first of the month, and the deals left out of the sums."""
    text = Text(f"This month\nsince {head.period_start:%-d %b}\n\n", style="bold")
    text.append(f"Won {head.won.count}\n", style="bold green")
    text.append(money_screen(head.won.value_minor, head.currency) + "\n\n")
    text.append(f"Lost {head.lost.count}\n", style="bold red")
    text.append(money_screen(head.lost.value_minor, head.currency) + "\n")
    if head.left_out:
        others = ", ".join(f"{n} {c}" for c, n in head.left_out.items())
        text.append(f"\nNot in the sums: {others}", style="dim")
    return text
