"""The terminal wrapper every command writes through: tables, messages, JSON, CSV, errors.

Rich is imported only when a table is drawn on a terminal, so piped and JSON output start fast.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TextIO

from salesflow.formulas import neutralised
from salesflow.text import printable

__all__ = ["Column", "Output", "error", "printable", "safe_cell", "warning"]


@dataclass(frozen=True)
class Column:
    """A table column: header, right-aligned for numbers, and how it fits a narrow terminal.

    A column is *whole* when it holds amounts, dates, times or ids (numeric columns, or every
    cell looks like one): it is never cut or wrapped. Text columns (titles, names, notes) fold.
    When even that is too wide, columns are hidden, lowest `priority` first (the rightmost of
    equals first); a table says which it hid.
    """

    header: str
    numeric: bool = False
    priority: int = 1
    whole: bool | None = None  # None: decide from the cells


# an amount (`19,000,000.00 USD`), a count or percentage, a date or time, an id (`#12`), a span
# (`3d`): cut, any of these would read as another value
_WHOLE = re.compile(r"^[-+−#]?\d[\d,.:%\- ]*(?: ?[A-Za-z]{1,3})?$|^[–—-]$")
_TEXT_MIN = 8  # a text column folds down to this before columns are hidden


def fit_columns(
    columns: Sequence[Column], cells: Sequence[Sequence[str]], width: int
) -> tuple[list[int], list[bool], list[int]]:
    """Which columns a table of `width` characters shows (indexes), whether each column is
    whole, and each column's content width (header included)."""
    from rich.cells import cell_len

    content = [
        max([cell_len(col.header), *(cell_len(row[i]) for row in cells)])
        for i, col in enumerate(columns)
    ]
    whole = [
        col.whole
        if col.whole is not None
        else col.numeric or all(_WHOLE.match(row[i]) for row in cells if row[i])
        for i, col in enumerate(columns)
    ]
    keep = list(range(len(columns)))

    def needed() -> int:  # the columns' widths, one space either side, and the rules between
        return sum(content[i] if whole[i] else min(content[i], _TEXT_MIN) for i in keep) + (
            3 * len(keep) + 1
        )

    while len(keep) > 1 and needed() > width:
        keep.remove(min(keep, key=lambda i: (columns[i].priority, -i)))
    return keep, whole, content


class Output:
    """Where a command's results go, and in which form."""

    def __init__(
        self,
        *,
        color: str = "auto",
        stream: TextIO | None = None,
        format: str = "table",
        width: int | None = None,
    ) -> None:
        self.stream = stream or sys.stdout
        self.width = width  # the console's width (None: the terminal's), e.g. the board's pane
        self.format = format  # "table", "json" or "csv": chosen once, by the command line
        self.color = color
        tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.rich = color == "always" or (
            tty and color != "never" and os.environ.get("TERM") != "dumb"
        )
        if color == "never" and tty:
            self.rich = True  # tables still, without colour
        self.colored = self.rich and color != "never" and not os.environ.get("NO_COLOR")
        self._console: Any = None

    @property
    def console(self) -> Any:
        """A Rich console, made on first use."""
        if self._console is None:
            from rich.console import Console

            self._console = Console(
                file=self.stream,
                no_color=not self.colored,
                force_terminal=self.color == "always" or None,
                highlight=False,
                soft_wrap=False,
                width=self.width,
            )
        return self._console

    def _pages(self, rows: int) -> bool:
        """A table taller than the terminal goes through the pager (`$PAGER`, like git), unless
        `SALESFLOW_PAGER=0`; never when output is piped."""
        import shutil

        if os.environ.get("SALESFLOW_PAGER", "1") == "0":
            return False
        if not (hasattr(self.stream, "isatty") and self.stream.isatty()):
            return False
        return rows + 4 > shutil.get_terminal_size().lines

    def emit(
        self,
        *,
        table: Callable[[], None],
        json: Callable[[], Any] | None = None,
        csv: Callable[[], tuple[Sequence[str], Sequence[Sequence[Any]]]] | None = None,
    ) -> None:
        """Print a command's result in the chosen format: `json()` gives the JSON data, `csv()`
        the columns and rows, `table()` draws the human form. Each is called only when chosen,
        so a command computes nothing it does not print."""
        if self.format == "json" and json is not None:
            self.json(json())
        elif self.format == "csv" and csv is not None:
            self.csv(*csv())
        else:
            table()

    def json(self, data: Any) -> None:
        """Machine output: stable keys, two-space indent."""
        self.stream.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")

    def csv(self, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """CSV with a header row; cells a spreadsheet would run as formulas are neutralised.

        On a terminal, control characters in cells are shown, not obeyed (`printable`), as in a
        table: an escape sequence in a name must not retitle or clear the screen. Piped, the
        cells are the data as stored (only formulas neutralised): a program or a file gets what
        the database holds, and a terminal is not there to obey anything.
        """
        import csv

        tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        writer = csv.writer(self.stream, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            cells = [safe_cell(v) for v in row]
            if tty:
                cells = [printable(v) if isinstance(v, str) else v for v in cells]
            writer.writerow(cells)

    def line(self, text: str = "", style: str | None = None) -> None:
        """A line of text, styled on a colour terminal."""
        text = printable(text)
        if self.rich:
            from rich.text import Text

            self.console.print(Text(text, style=style or ""))
        else:
            self.stream.write(text + "\n")

    def table(
        self,
        columns: Sequence[Column],
        rows: Sequence[Sequence[Any]],
        *,
        title: str | None = None,
        styles: Sequence[str | None] | None = None,
    ) -> None:
        """A table: Rich on a terminal, aligned plain text otherwise."""
        cells = [["" if v is None else printable(str(v), cell=True) for v in row] for row in rows]
        if self.rich:
            from rich.table import Table
            from rich.text import Text

            keep, whole, content = fit_columns(columns, cells, self.console.width)
            hidden = [columns[i].header for i in range(len(columns)) if i not in keep]
            caption = f"hidden to fit the terminal: {', '.join(hidden)}" if hidden else None
            table = Table(title=title, title_justify="left", header_style="bold",
                          caption=caption, caption_justify="left", caption_style="dim")  # fmt: skip
            for i in keep:
                table.add_column(
                    columns[i].header,
                    justify="right" if columns[i].numeric else "left",
                    no_wrap=whole[i],
                    min_width=content[i] if whole[i] else None,
                    overflow="ellipsis" if whole[i] else "fold",
                )
            for n, row in enumerate(cells):
                # Text, not str: a `[red]` or `[/b]` in a deal title is text, not Rich markup
                table.add_row(*(Text(row[i]) for i in keep),
                              style=(styles[n] if styles else None) or None)  # fmt: skip
            if self._pages(len(cells)):
                with _pager_environment(), self.console.pager(styles=self.colored):
                    self.console.print(table)
            else:
                self.console.print(table)
            return
        if title:
            self.stream.write(title + "\n")
        widths = [len(c.header) for c in columns]
        for row in cells:
            widths = [max(w, len(v)) for w, v in zip(widths, row, strict=True)]

        def fmt(values: Sequence[str]) -> str:
            parts = [
                v.rjust(w) if col.numeric else v.ljust(w)
                for v, w, col in zip(values, widths, columns, strict=True)
            ]
            return "  ".join(parts).rstrip()

        self.stream.write(fmt([c.header for c in columns]) + "\n")
        for row in cells:
            self.stream.write(fmt(row) + "\n")


@contextmanager
def _pager_environment() -> Iterator[None]:
    """What git gives its pager when the user has not said: `LESS=FRX` (colours shown, not
    `ESC[1m`; one screenful just printed; the screen kept on exit) and `LV=-c`."""
    added = [name for name in ("LESS", "LV") if name not in os.environ]
    os.environ.update({name: {"LESS": "FRX", "LV": "-c"}[name] for name in added})
    try:
        yield
    finally:
        for name in added:
            os.environ.pop(name, None)


def safe_cell(value: Any) -> Any:
    """Neutralise a CSV cell that a spreadsheet would treat as a formula (`formulas`)."""
    return neutralised(value) if isinstance(value, str) else value


def error_lines(message: str, hint: str | None = None) -> list[str]:
    """The one-line error of the contract, and a hint line where one helps (the board shows
    the same lines as the command line)."""
    lines = [f"Error: {printable(message, cell=True)}"]
    if hint:
        lines.append(f"Hint: {printable(hint, cell=True)}")
    return lines


def error(message: str, hint: str | None = None) -> None:
    """The contract's error lines, on stderr."""
    sys.stderr.write("".join(line + "\n" for line in error_lines(message, hint)))


def warning(message: str) -> None:
    """A one-line `Warning: …` on stderr: the command went ahead, but the user should know."""
    sys.stderr.write(f"Warning: {printable(message, cell=True)}\n")
