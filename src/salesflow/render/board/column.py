"""One column of the board: a stage's head and the cards that fit on screen.

The column holds only the cards it shows (a window of the stage's deals, read a page at a time
by the app); it knows how many deals the stage has, so it can say where the window is
("31–40 of 9,876") without loading the rest. A card is four lines; a rotting deal is marked
with `⏳` and a deal with no open follow-up with `∅`, in colour too, so both read under
`NO_COLOR`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group
from rich.text import Text
from textual.events import Click, MouseScrollDown, MouseScrollUp
from textual.message import Message
from textual.widget import Widget

from salesflow.render.formats import money_short
from salesflow.text import printable
from salesflow.words import plural

if TYPE_CHECKING:
    from rich.console import RenderableType

    from salesflow.services.board.view import BoardCard, BoardColumn

CARD_LINES = 5  # four lines of text and a blank line
HEAD_LINES = 5  # name, deals, value, weighted value, a rule
ROTTING = "⏳"
NO_NEXT_STEP = "∅"


def _clip(text: str, width: int) -> str:
    text = printable(text, cell=True)
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


class DealColumn(Widget):
    """A stage's column: head, a window of cards, and which card is selected."""

    DEFAULT_CSS = """
    DealColumn { width: 1fr; height: 1fr; border-right: vkey $panel; padding: 0 1; }
    DealColumn.-current { background: $boost; }
    """

    class Clicked(Message):
        """A card was clicked: select it."""

        def __init__(self, column: DealColumn, index: int) -> None:
            super().__init__()
            self.column = column
            self.index = index

    class Scrolled(Message):
        """The mouse wheel turned over the column."""

        def __init__(self, column: DealColumn, by: int) -> None:
            super().__init__()
            self.column = column
            self.by = by

    def __init__(self, column: BoardColumn, currency: str, index: int) -> None:
        super().__init__(id=f"stage-{column.stage_id}")
        self.column = column
        self.currency = currency
        self.index = index
        self.cards: list[BoardCard] = []
        self.first = 0  # the first card shown, in the column's order
        self.total = column.deals  # deals in the column (a filter's matches when filtering)
        self.selected: int | None = None  # the selected card, in the column's order
        self.filtered = False

    @property
    def fits(self) -> int:
        """How many cards fit on screen (at least one)."""
        return max(1, (self.size.height - HEAD_LINES - 1) // CARD_LINES)

    def show(self, column: BoardColumn, cards: list[BoardCard], offset: int, total: int) -> None:
        """New contents (a page read by the app)."""
        self.column, self.cards, self.first, self.total = column, cards, offset, total
        if self.selected is not None and total:
            self.selected = min(self.selected, total - 1)
        elif not total:
            self.selected = None
        self.refresh()

    @property
    def selected_card(self) -> BoardCard | None:
        if self.selected is None:
            return None
        at = self.selected - self.first
        return self.cards[at] if 0 <= at < len(self.cards) else None

    def render(self) -> RenderableType:
        width = max(8, self.size.width - 2)
        col = self.column
        head = Text(_clip(col.name, width), style="bold")
        count = (
            f"{self.total:,} of {col.deals:,} match" if self.filtered else plural(col.deals, "deal")
        )
        lines: list[RenderableType] = [
            head,
            Text(_clip(count, width)),
            Text(_clip(money_short(col.value_minor, self.currency), width)),
            Text(
                _clip(f"weighted {money_short(col.weighted_minor, self.currency)}", width),
                style="dim",
            ),
            Text("─" * width, style="dim"),
        ]
        for n, card in enumerate(self.cards[: self.fits]):
            chosen = self.first + n == self.selected and self.has_class("-current")
            lines.extend(self._card(card, chosen, width))
        if self.total > len(self.cards[: self.fits]):
            last = self.first + min(len(self.cards), self.fits)
            lines.append(Text(f"{self.first + 1:,}–{last:,} of {self.total:,}", style="dim"))
        elif not self.total:
            lines.append(Text("no matches" if self.filtered else "no deals", style="dim italic"))
        return Group(*lines)

    def _card(self, card: BoardCard, selected: bool, width: int) -> list[Text]:
        marks = (ROTTING if card.rotting else "") + ("" if card.has_next_step else NO_NEXT_STEP)
        title = Text(
            _clip(f"{'▶ ' if selected else ''}#{card.deal_id} {card.title}", width - len(marks) - 1)
        )
        if marks:
            title.append(" " + marks, style="bold red" if card.rotting else "bold yellow")
        title.stylize("bold")
        who = [card.owner] + ([f"score {card.score}"] if card.score is not None else [])
        money = [money_short(card.value_minor, card.currency)]
        if card.close_by:
            money.append(f"by {card.close_by:%d %b}")
        if card.rotting:
            money.append(f"idle {card.idle_days}d")
        lines = [
            title,
            Text(_clip(card.company or "–", width), style="dim"),
            Text(_clip(" · ".join(who), width)),
            Text(_clip(" · ".join(money), width)),
        ]
        if selected:
            for line in lines:
                line.stylize("reverse")
        return [*lines, Text("")]

    def card_at(self, y: int) -> int | None:
        """The card (in the column's order) drawn at line `y`, if any."""
        if y < HEAD_LINES:
            return None
        at = (y - HEAD_LINES) // CARD_LINES
        if at >= min(len(self.cards), self.fits):
            return None
        return self.first + at

    def on_click(self, event: Click) -> None:
        index = self.card_at(event.y)
        if index is not None:
            self.post_message(self.Clicked(self, index))

    def on_mouse_scroll_down(self, event: MouseScrollDown) -> None:
        self.post_message(self.Scrolled(self, 1))

    def on_mouse_scroll_up(self, event: MouseScrollUp) -> None:
        self.post_message(self.Scrolled(self, -1))
