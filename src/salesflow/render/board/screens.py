"""The board's other screens: the deal card (what `show` prints) and the morning list (what
`due-today` prints), both drawn by the same renderers as the commands."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

if TYPE_CHECKING:
    from salesflow.services.deals.views import DealView, TaskView
    from salesflow.services.followups.views import DueToday


def _drawn(draw: object, width: int) -> Text:
    """What a command's renderer prints, as Rich text for a pane `width` wide."""
    from salesflow.render.output import Output

    buffer = io.StringIO()
    out = Output(color="always", stream=buffer, width=width)
    draw(out)  # type: ignore[operator]
    return Text.from_ansi(buffer.getvalue())


class DealCardScreen(Screen[None]):
    """The full card of one deal: facts, follow-ups, history, activities and quotes."""

    BINDINGS = [  # noqa: RUF012 (Textual's own class attribute)
        Binding("escape,q,enter", "app.pop_screen", "Back to the board"),
        Binding("r", "reload", "Refresh"),
    ]

    def __init__(self, card: DealView) -> None:
        super().__init__()
        self.card = card

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(id="card")
        yield Footer()

    def on_mount(self) -> None:
        self.draw()

    def draw(self) -> None:
        from salesflow.render.deals import show_card

        width = max(40, self.app.size.width - 2)
        self.query_one("#card", Static).update(_drawn(lambda out: show_card(out, self.card), width))

    def action_reload(self) -> None:
        self.app.action_refresh()  # type: ignore[attr-defined]


class MorningScreen(Screen[None]):
    """Today's and overdue follow-ups: `d` finishes the highlighted one, Enter opens its deal."""

    BINDINGS = [  # noqa: RUF012
        Binding("escape,g", "app.pop_screen", "Board"),
        Binding("d", "finish", "Done"),
        Binding("enter", "open_deal", "Deal card"),
        Binding("r", "reload", "Refresh"),
        Binding("j", "cursor(1)", "Down", show=False),
        Binding("k", "cursor(-1)", "Up", show=False),
    ]

    def __init__(self, due: DueToday) -> None:
        super().__init__()
        self.due = due
        self.tasks: list[TaskView] = []

    def compose(self) -> ComposeResult:
        yield Static(id="morning-head")
        yield DataTable(id="morning", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("ID", "Due", "Deal", "Follow-up", "Owner")
        self.show(self.due)
        table.focus()

    def show(self, due: DueToday) -> None:
        """New contents, keeping the cursor on the same follow-up where it still is."""
        from salesflow.render.tasks import done_cell
        from salesflow.text import printable

        table = self.query_one(DataTable)
        keep = self.selected_task
        self.due, self.tasks = due, list(due.tasks)
        table.clear()
        for task in self.tasks:
            due_text = Text(done_cell(task), style="bold red" if task.overdue_days else "")
            # Text, not str: a table reads a string as markup, and titles hold `[/]` too
            table.add_row(Text(str(task.id)), due_text,
                          Text(printable(f"#{task.deal_id} {task.deal}")),
                          Text(printable(task.text)),
                          Text(printable(task.owner)), key=str(task.id))  # fmt: skip
        who = f"{due.owner}'s" if due.owner else "everyone's"
        head = f"Morning list ({who}), {due.as_of:%a %d %b}: {due.total} due, {due.overdue} overdue"
        if not self.tasks:
            head += " — nothing due. Well done."
        self.query_one("#morning-head", Static).update(Text(head, style="bold"))
        if keep is not None:
            ids = [t.id for t in self.tasks]
            if keep.id in ids:
                table.move_cursor(row=ids.index(keep.id))

    @property
    def selected_task(self) -> TaskView | None:
        table = self.query_one(DataTable)
        if not self.tasks or table.cursor_row is None or table.cursor_row >= len(self.tasks):
            return None
        return self.tasks[table.cursor_row]

    def action_cursor(self, by: int) -> None:
        table = self.query_one(DataTable)
        table.move_cursor(row=max(0, table.cursor_row + by))

    def action_finish(self) -> None:
        task = self.selected_task
        if task is not None:
            self.app.finish_follow_up(task.id)  # type: ignore[attr-defined]

    def action_open_deal(self) -> None:
        task = self.selected_task
        if task is not None:
            self.app.open_card(task.deal_id)  # type: ignore[attr-defined]

    def action_reload(self) -> None:
        self.app.action_refresh()  # type: ignore[attr-defined]
