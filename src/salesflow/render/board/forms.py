"""The board's small dialogs: a form of text fields (won, lost, follow-up, activity, edit, new
lead) and a yes/no question (forcing a gate).

Their text holds what users typed (a deal's title, an amount in an error line), so none of it is
read as Textual markup: a title such as `Acme [/] deal` is shown as it is.

A form hands its values to the app's `submit`; when the action is refused, the form stays open
and shows the command line's `Error:` and `Hint:` lines, and nothing has changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label, Static


@dataclass(frozen=True)
class Field:
    """One text field of a form."""

    name: str
    label: str
    value: str = ""
    placeholder: str = ""
    choices: tuple[str, ...] = field(default_factory=tuple)  # suggested as you type


Submit = Callable[[dict[str, str]], None]  # runs the action; the app reports back to the form

_CSS = """
FormScreen, QuestionScreen { align: center middle; }
#dialog { width: 72; height: auto; border: thick $accent; background: $surface; padding: 1 2; }
#dialog Label { margin-top: 1; }
#dialog .title { text-style: bold; margin: 0; }
#dialog .error { color: $error; margin-top: 1; }
#dialog .help { color: $text-muted; margin-top: 1; }
"""


class FormScreen(ModalScreen[str | None]):
    """Text fields; Enter in the last one (or Ctrl+S) submits, Escape cancels."""

    DEFAULT_CSS = _CSS
    BINDINGS = [  # noqa: RUF012 (Textual's own class attribute)
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "submit", "Submit"),
    ]

    def __init__(self, title: str, fields: list[Field], submit: Submit) -> None:
        super().__init__()
        self.title_text = title
        self.fields = fields
        self.on_submit = submit
        self.busy = False

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(Text(self.title_text), classes="title")
            for spec in self.fields:
                yield Label(Text(spec.label))
                suggester = (
                    SuggestFromList(spec.choices, case_sensitive=False) if spec.choices else None
                )
                yield Input(
                    value=spec.value,
                    placeholder=spec.placeholder,
                    id=f"field-{spec.name}",
                    suggester=suggester,
                )
            yield Static("", id="error", classes="error")
            yield Static("Enter: next field, and submit on the last · Esc: cancel", classes="help")

    def values(self) -> dict[str, str]:
        return {
            spec.name: self.query_one(f"#field-{spec.name}", Input).value for spec in self.fields
        }

    def on_input_submitted(self, event: Input.Submitted) -> None:
        ids = [f"field-{spec.name}" for spec in self.fields]
        at = ids.index(event.input.id or "")
        if at + 1 < len(ids):
            self.query_one(f"#{ids[at + 1]}", Input).focus()
        else:
            self.action_submit()

    def action_submit(self) -> None:
        if self.busy:
            return
        self.busy = True
        self.query_one("#error", Static).update("")
        self.on_submit(self.values())

    def refused(self, lines: list[str]) -> None:
        """The action was refused: its error lines, the form still open."""
        self.busy = False
        self.query_one("#error", Static).update(Text("\n".join(lines)))

    def action_cancel(self) -> None:
        if self.busy:  # sent: it closes when the write is done (or shows why it was refused)
            self.app.notify("Still saving…", severity="warning")
            return
        self.dismiss(None)


class QuestionScreen(ModalScreen[bool]):
    """A yes/no question: `y` (or Enter) yes, `n` (or Escape) no."""

    DEFAULT_CSS = _CSS
    BINDINGS = [  # noqa: RUF012
        Binding("y,enter", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.title_text = title
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(Text(self.title_text), classes="title")
            yield Static(Text(self.text), id="question")
            yield Static("y: yes · n: no", classes="help")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
