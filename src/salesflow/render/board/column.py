"""One column of the board: a stage's head and the cards that fit on screen.

The column holds only the cards it shows (a window of the stage's deals, read a page at a time
by the app); it knows how many deals the stage has, so it can say where the window is
("31–40 of 9,876") without loading the rest. A card is four lines; a rotting deal is marked
with `⏳` and a deal with no open follow-up with `∅`, in colour too, so both read under
`NO_COLOR`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.events import Click, MouseScrollDown, MouseScrollUp
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from salesflow.render.formats import money_short
from salesflow.text import printable
from salesflow.words import plural

if TYPE_CHECKING:
    from salesflow.services.board.view import BoardCard, BoardColumn

CARD_LINES = 5  # four lines of text and a blank line
HEAD_LINES = 5  # name, deals, value, weighted value, a rule
ROTTING = "⏳"
NO_NEXT_STEP = "∅"


BOLD = Style(bold=True)
DIM = Style(dim=True)
DIM_ITALIC = Style(dim=True, italic=True)
REVERSE = Style(reverse=True)
ROTTING_STYLE = Style(bold=True, color="red")
NO_NEXT_STEP_STYLE = Style(bold=True, color="yellow")

Line = list[tuple[str, "Style | None"]]


def _clip(text: str, width: int) -> str:
    """`text` on one line in at most `width` cells, cut with `…` when longer."""
    text = printable(text, cell=True)
    if cell_len(text) <= width:
        return text
    return set_cell_size(text, max(0, width - 1)) + "…"


def _card(card: BoardCard, selected: bool, width: int) -> list[Line]:
    """A card's four lines and a blank one; the selected card is drawn reversed, edge to edge."""
    marks = (ROTTING if card.rotting else "") + ("" if card.has_next_step else NO_NEXT_STEP)
    mark_cells = cell_len(marks) + 1 if marks else 0
    title: Line = [
        (_clip(f"{'▶ ' if selected else ''}#{card.deal_id} {card.title}", width - mark_cells), BOLD)
    ]
    if marks:
        title.append((" " + marks, ROTTING_STYLE if card.rotting else NO_NEXT_STEP_STYLE))
    who = [card.owner] + ([f"score {card.score}"] if card.score is not None else [])
    money = [money_short(card.value_minor, card.currency)]
    if card.close_by:
        money.append(f"by {card.close_by:%d %b}")
    if card.rotting:
        money.append(f"idle {card.idle_days}d")
    lines: list[Line] = [
        title,
        [(_clip(card.company or "–", width), DIM)],
        [(_clip(" · ".join(who), width), None)],
        [(_clip(" · ".join(money), width), None)],
    ]
    if selected:
        lines = [_reversed(line, width) for line in lines]
    return [*lines, []]


def _reversed(line: Line, width: int) -> Line:
    used = sum(cell_len(text) for text, _ in line)
    # dim is dropped: dim on reverse reads as a grey gap in the bar
    pieces = [
        (text, style + REVERSE if style and style is not DIM else REVERSE) for text, style in line
    ]
    return [*pieces, (" " * max(0, width - used), REVERSE)]


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

    class Refit(Message):
        """The column's height changed: it may fit another number of cards than it shows."""

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
        self.height_hint = 0  # the height the column will have, before its first layout
        self.shown_fits = 0  # how many cards fitted when the window was last read
        self._strips: list[Strip] = []
        self._drawn_for: object = None  # what `_strips` show (size, window, selection, ...)

    @property
    def fits(self) -> int:
        """How many cards fit on screen (at least one)."""
        height = self.size.height or self.height_hint
        return max(1, (height - HEAD_LINES - 1) // CARD_LINES)

    def show(self, column: BoardColumn, cards: list[BoardCard], offset: int, total: int) -> None:
        """New contents (a page read by the app)."""
        self.column, self.cards, self.first, self.total = column, cards, offset, total
        self.shown_fits = self.fits
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

    def render_line(self, y: int) -> Strip:
        """Line `y` of the column (Textual's line API: the lines are made once per change of
        what is shown, as plain segments, not laid out by Rich's console)."""
        base = self.rich_style
        key = (self.size, self.first, self.selected, self.total, self.filtered,
               self.has_class("-current"), id(self.cards), id(self.column), base)  # fmt: skip
        if key != self._drawn_for:
            self._strips, self._drawn_for = self._draw(base), key
        width = self.size.width
        if y < len(self._strips):
            return self._strips[y]
        return Strip.blank(width, base)

    def _draw(self, base: Style) -> list[Strip]:
        width = self.size.width
        text_width = max(8, width - 2)  # as the cards were drawn by Rich before
        col = self.column
        count = (
            f"{self.total:,} of {col.deals:,} match" if self.filtered else plural(col.deals, "deal")
        )
        lines: list[list[tuple[str, Style | None]]] = [
            [(_clip(col.name, text_width), BOLD)],
            [(_clip(count, text_width), None)],
            [(_clip(money_short(col.value_minor, self.currency), text_width), None)],
            [
                (
                    _clip(f"weighted {money_short(col.weighted_minor, self.currency)}", text_width),
                    DIM,
                )
            ],
            [("─" * text_width, DIM)],
        ]
        shown = self.cards[: self.fits]
        current = self.has_class("-current")
        for n, card in enumerate(shown):
            lines.extend(_card(card, current and self.first + n == self.selected, text_width))
        if self.total > len(shown):
            last = self.first + len(shown)
            lines.append([(f"{self.first + 1:,}–{last:,} of {self.total:,}", DIM)])
        elif not self.total:
            lines.append([("no matches" if self.filtered else "no deals", DIM_ITALIC)])
        strips = []
        for line in lines:
            segments = [Segment(text, base + style if style else base) for text, style in line]
            strips.append(Strip(segments).adjust_cell_length(width, base))
        return strips

    def card_at(self, y: int) -> int | None:
        """The card (in the column's order) drawn at line `y`, if any."""
        if y < HEAD_LINES:
            return None
        at = (y - HEAD_LINES) // CARD_LINES
        if at >= min(len(self.cards), self.fits):
            return None
        return self.first + at

    def on_resize(self) -> None:
        if self.shown_fits and self.fits != self.shown_fits:
            self.post_message(self.Refit())

    def on_click(self, event: Click) -> None:
        index = self.card_at(event.y)
        if index is not None:
            self.post_message(self.Clicked(self, index))

    def on_mouse_scroll_down(self, event: MouseScrollDown) -> None:
        self.post_message(self.Scrolled(self, 1))

    def on_mouse_scroll_up(self, event: MouseScrollUp) -> None:
        self.post_message(self.Scrolled(self, -1))
