"""The board screen: a column per open stage, won and lost this month at the right, a `/`
filter, and a key for every action (the key map is part of the contract).

Selection is a column and a card in it; moving past the cards on screen reads the next page of
that column. After any change (ours, or another process's) the board is reread and the same
deal stays selected wherever it is now.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from salesflow.errors import GateRefused, SalesflowError
from salesflow.render.board import dialogs
from salesflow.render.board.column import DealColumn
from salesflow.render.board.forms import FormScreen, QuestionScreen
from salesflow.render.board.heads import outcomes_text, title_line

if TYPE_CHECKING:
    from salesflow.render.board.app import BoardApp
    from salesflow.services.board.view import BoardCard, BoardHead


F = TypeVar("F", bound=Callable[..., Any])


def _reads(method: F) -> F:
    """A key or event handler that reads the database: a read that fails (the server went away,
    the file is unreadable) shows the `Error:` line as a notice instead of ending the app with
    a traceback; the next key or refresh tries again."""

    @functools.wraps(method)
    def guarded(self: BoardScreen, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except SalesflowError as exc:
            self.app.show_error(exc)  # type: ignore[attr-defined]
            return None

    return guarded  # type: ignore[return-value]


NARROW = 100  # columns of the terminal below which won and lost are not shown at the right


class BoardScreen(Screen[None]):
    """The pipeline board."""

    AUTO_FOCUS = None  # keys go to the board; the filter box takes focus only on `/`
    DEFAULT_CSS = """
    #head { height: 1; background: $primary; color: $text; padding: 0 1; }
    #filter { display: none; }
    #filter.-on { display: block; }
    #outcomes { width: 26; padding: 0 1; }
    """
    BINDINGS = [  # noqa: RUF012 (Textual's own class attribute)
        Binding("left,h", "column(-1)", "Column", show=False),
        Binding("right,l", "column(1)", "Column", show=False),
        Binding("up,k", "card(-1)", "Card", show=False),
        Binding("down,j", "card(1)", "Card", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("greater_than_sign", "advance", "Advance", key_display=">"),
        Binding("less_than_sign", "back", "Back", key_display="<"),
        Binding("w", "won", "Won"),
        Binding("x", "lost", "Lost"),
        Binding("t", "follow_up", "Follow-up"),
        Binding("d", "finish", "Done"),
        Binding("a", "activity", "Log"),
        Binding("e", "edit", "Edit"),
        Binding("n", "new_lead", "New lead"),
        Binding("enter", "card_screen", "Card"),
        Binding("g", "morning", "Morning"),
        Binding("slash", "filter", "Find", key_display="/"),
        Binding("escape", "clear_filter", "Clear filter", show=False),
        Binding("r", "app.refresh", "Refresh"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.head: BoardHead | None = None
        self.at = 0  # the current column
        self.matches: dict[int, list[int]] | None = None  # the filter's deal ids per stage
        self.query_text = ""
        self.entries: list[Any] | None = None  # what `/` matches, read once per board reread

    @property
    def source(self) -> Any:
        app: BoardApp = self.app  # type: ignore[assignment]
        return app.source

    def compose(self) -> ComposeResult:
        from salesflow.services.board.view import board_head

        self.head, self.source.first_head = self.source.first_head, None
        if self.head is None:
            with self.source.reader() as reader:
                self.head = board_head(self.source.scope, reader=reader)
        yield Static(self._title(), id="head")
        box = Input(
            placeholder="find: title, company or contact (Enter keeps, Esc clears)", id="filter"
        )
        box.can_focus = False  # until `/`: keys go to the board
        yield box
        with Horizontal(id="columns"):
            for n, column in enumerate(self.head.columns):
                yield DealColumn(column, self.head.currency, n)
            yield Static(self._outcomes(), id="outcomes")
        yield Footer()

    def on_mount(self) -> None:
        # The first cards are read before the first layout, for the height the columns will
        # have (the screen less the title and the key lines): the first frame shows them.
        for col in self.columns:
            col.height_hint = self.app.size.height - 2
        self.load_pages()
        self.call_after_refresh(self.app.first_frame)  # type: ignore[attr-defined]

    def on_resize(self) -> None:
        # a narrow terminal gives the columns the room of the outcomes pane
        self.query_one("#outcomes", Static).display = self.size.width >= NARROW

    def on_deal_column_refit(self, message: DealColumn.Refit) -> None:
        self.call_after_refresh(self._fit)

    def _fit(self) -> None:
        """Read the pages again if a column now fits more or fewer cards than it shows (the
        terminal resized, the `/` box shown or hidden)."""
        if any(col.fits != col.shown_fits for col in self.columns):
            self.load_pages()

    # --- what is on screen ----------------------------------------------------------------

    @property
    def columns(self) -> list[DealColumn]:
        return list(self.query(DealColumn))

    @property
    def column(self) -> DealColumn | None:
        cols = self.columns
        return cols[self.at] if 0 <= self.at < len(cols) else None

    @property
    def selected(self) -> BoardCard | None:
        col = self.column
        return col.selected_card if col is not None else None

    def _title(self) -> Text:
        assert self.head is not None
        return title_line(self.head, self.query_text if self.matches is not None else None)

    def _outcomes(self) -> Text:
        assert self.head is not None
        return outcomes_text(self.head)

    @_reads
    def load_pages(self, only_columns: set[int] | None = None) -> None:
        """Read the cards each column shows (or only the columns given by index, and the
        current one), keeping each window around its selection."""
        cols = self.columns
        if not cols or self.head is None:
            return
        if only_columns is not None:
            cols = [c for c in cols if c.index in only_columns or c.index == self.at]
        from salesflow.services.board.view import PageWanted, board_pages

        wanted = []
        for col in cols:
            only = None if self.matches is None else self.matches.get(col.column.stage_id, [])
            total = col.column.deals if only is None else len(only)
            offset = min(col.first, max(0, total - col.fits))
            if col.selected is not None:
                if col.selected < offset:
                    offset = col.selected
                elif col.selected >= offset + col.fits:
                    offset = col.selected - col.fits + 1
            col.filtered = only is not None
            wanted.append(PageWanted(col.column, offset, col.fits, only))
        with self.source.reader() as reader:
            pages = board_pages(self.head, wanted, reader=reader)
        for col, page, cards in zip(cols, wanted, pages, strict=True):
            total = col.column.deals if page.only is None else len(page.only)
            col.show(col.column, cards, page.offset, total)
        for col in self.columns:
            col.set_class(col.index == self.at, "-current")
        if self.column is not None and self.column.selected is None and self.column.total:
            self.column.selected = self.column.first
            self.column.refresh()

    def reload(self, follow: int | None = None, *, moved: bool = False) -> None:
        """Reread the heads and the cards; keep `follow` (default: the selected deal)
        selected wherever it is now. `moved`: only the selected deal moved (our own move), so
        only its old and new columns are read again."""
        was = self.at
        from salesflow.services.board.view import board_head, position_of, search_entries

        keep = follow if follow is not None else (self.selected.deal_id if self.selected else None)
        with self.source.reader() as reader:
            # a stage move changes no won or lost: those sums are kept
            kept = self.head if moved else None
            self.head = head = board_head(self.source.scope, reader=reader, outcomes_of=kept)
            if self.matches is not None:
                self.entries = search_entries(head, reader=reader)
                self._match(self.entries)
            else:
                self.entries = None
            where = position_of(head, keep, reader=reader) if keep is not None else None
        cols = self.columns
        if [c.column.stage_id for c in cols] != [c.stage_id for c in head.columns]:
            self.app.notify(
                "The pipeline's stages changed: reopen the board to see them.", severity="warning"
            )
            return
        for col, column in zip(cols, head.columns, strict=True):
            col.column = column
        if where is not None:
            index, rank = where
            if self.matches is not None and keep is not None:
                ids = self.matches.get(head.columns[index].stage_id, [])
                rank = ids.index(keep) if keep in ids else 0
            self.at = index
            cols[index].selected = rank
        self.query_one("#head", Static).update(self._title())
        self.query_one("#outcomes", Static).update(self._outcomes())
        self.load_pages({was, self.at} if moved else None)

    # --- moving the selection -------------------------------------------------------------

    def action_column(self, by: int) -> None:
        cols = self.columns
        if not cols:
            return
        old = self.column
        row = (old.selected - old.first) if old and old.selected is not None else 0
        self.at = max(0, min(len(cols) - 1, self.at + by))
        new = cols[self.at]
        if new.total:
            new.selected = min(new.total - 1, new.first + max(0, row))
        self.load_pages()

    def action_card(self, by: int) -> None:
        col = self.column
        if col is None or not col.total:
            return
        current = col.selected if col.selected is not None else col.first
        col.selected = max(0, min(col.total - 1, current + by))
        self.load_pages()

    def action_page(self, by: int) -> None:
        col = self.column
        if col is not None:
            self.action_card(by * col.fits)

    def on_deal_column_clicked(self, message: DealColumn.Clicked) -> None:
        self.at = message.column.index
        message.column.selected = message.index
        self.load_pages()

    def on_deal_column_scrolled(self, message: DealColumn.Scrolled) -> None:
        col = message.column
        col.first = max(0, min(max(0, col.total - col.fits), col.first + message.by))
        if col.selected is not None and not (col.first <= col.selected < col.first + col.fits):
            col.selected = col.first if message.by > 0 else col.first + col.fits - 1
        self.load_pages()

    # --- the filter -----------------------------------------------------------------------

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.add_class("-on")
        box.can_focus = True
        box.focus()

    def _match(self, entries: list[Any]) -> None:
        from salesflow.services.board.find import matching

        self.matches = matching(self.query_text, entries)

    @_reads
    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id != "filter":
            return
        from salesflow.services.board.view import search_entries

        self.query_text = event.value
        assert self.head is not None
        if self.entries is None:  # the first key typed: every open deal's text, once
            with self.source.reader() as reader:
                self.entries = search_entries(self.head, reader=reader)
        self._match(self.entries)
        for col in self.columns:
            col.first, col.selected = 0, None
        self.query_one("#head", Static).update(self._title())
        self.load_pages()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "filter":
            return
        event.input.remove_class("-on")
        event.input.can_focus = False
        self.set_focus(None)
        first = next((n for n, c in enumerate(self.columns) if c.total), None)
        if first is not None:
            self.at = first
            self.columns[first].selected = 0
        self.load_pages()

    @_reads
    def action_clear_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.remove_class("-on")
        box.can_focus = False
        box.value = ""
        self.set_focus(None)
        self.matches, self.query_text = None, ""
        self.reload()

    # --- actions --------------------------------------------------------------------------

    def _deal(self) -> BoardCard | None:
        card = self.selected
        if card is None:
            self.app.notify("No deal selected.", severity="warning")
        return card

    @property
    def _app(self) -> BoardApp:
        return self.app  # type: ignore[return-value]

    def _form(self, dialog: dialogs.Dialog) -> None:
        """The dialog's form; its values go to `dialog.job(values)`, which returns the line to
        show (or a new deal's id and that line); refused, the form stays open."""
        screen: FormScreen

        def submit(values: dict[str, str]) -> None:
            def done(result: Any) -> None:
                line = result[1] if isinstance(result, tuple) else result
                if isinstance(result, tuple):
                    self.reload(follow=result[0])
                if screen.is_active:
                    screen.dismiss(line)
                else:  # another screen is on top now: dismiss would close that one
                    self._said(line)

            def refused(exc: SalesflowError) -> None:
                from salesflow.render.output import error_lines

                if screen.is_active:
                    screen.refused(error_lines(exc.message, exc.hint))
                else:
                    self._app.show_error(exc)

            def checked() -> Any:
                from salesflow.parsing.typed import check_typed

                for value in values.values():  # as the command line checks its arguments
                    check_typed(value)
                return dialog.job(values)

            if not self._app.write(checked, done, refused):
                screen.busy = False  # not sent: the form can be submitted again

        screen = FormScreen(dialog.title, dialog.fields, submit)
        self.app.push_screen(screen, self._said)

    def _said(self, line: str | None) -> None:
        if line:
            self.app.notify(line)

    def action_advance(self) -> None:
        card = self._deal()
        if card is not None:
            self._move(card.deal_id)

    def action_back(self) -> None:
        card = self._deal()
        if card is not None:
            self._move(card.deal_id, back=True)

    def _move(self, deal_id: int, *, back: bool = False, force: bool = False) -> None:
        """`advance` (`force`: past a refusing gate), or back one open stage."""
        actions = self.source.actions

        def refused(exc: SalesflowError) -> None:
            if isinstance(exc, GateRefused) and not force:
                from salesflow.render.output import error_lines

                question = "\n".join(
                    [
                        *error_lines(exc.message, exc.hint),
                        "",
                        "Force it past the gate? (the override is recorded)",
                    ]
                )
                self.app.push_screen(
                    QuestionScreen("A gate refuses this move", question),
                    lambda yes: self._move(deal_id, force=True) if yes else None,
                )
                return
            self._app.show_error(exc)

        self._app.write(
            lambda: actions.back(deal_id) if back else actions.advance(deal_id, force=force),
            self.app.notify,
            refused,
            refresh=lambda: self.reload(moved=True),
        )

    def _dialog(self, make: Any) -> None:
        """The form `make(card, actions)` describes, for the selected deal."""
        card = self._deal()
        if card is not None:
            self._form(make(card, self.source.actions))

    def action_won(self) -> None:
        self._dialog(dialogs.won)

    def action_lost(self) -> None:
        self._dialog(dialogs.lost)

    def action_follow_up(self) -> None:
        self._dialog(dialogs.follow_up)

    @_reads
    def action_finish(self) -> None:
        card = self._deal()
        if card is None:
            return
        from salesflow.services.followups.lists import list_tasks

        with self.source.reader() as reader:  # the deal's open follow-up due first
            due = list_tasks(reader=reader, deal_id=card.deal_id, limit=1)
        if not due:
            self.app.notify(f"#{card.deal_id} has no open follow-up.", severity="warning")
            return
        self._app.finish_follow_up(due[0].id)

    def action_activity(self) -> None:
        self._dialog(dialogs.activity)

    def action_edit(self) -> None:
        self._dialog(dialogs.edit)

    def action_new_lead(self) -> None:
        pipeline = self.head.pipeline if self.head else None
        self._form(dialogs.new_lead(pipeline, self.source.actions))

    def action_card_screen(self) -> None:
        card = self._deal()
        if card is not None:
            self._app.open_card(card.deal_id)

    def action_morning(self) -> None:
        self._app.open_morning()
