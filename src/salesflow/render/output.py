"""The terminal wrapper every command writes through: tables, messages, JSON, CSV, errors.

Rich is imported only when a table is drawn on a terminal, so piped and JSON output start fast.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from salesflow.formulas import neutralised


@dataclass(frozen=True)
class Column:
    """A table column: header, and right-aligned for numbers."""

    header: str
    numeric: bool = False


class Output:
    """Where a command's results go, and in which form."""

    def __init__(self, *, color: str = "auto", stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout
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

    def json(self, data: Any) -> None:
        """Machine output: stable keys, two-space indent."""
        self.stream.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")

    def csv(self, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """CSV with a header row; cells a spreadsheet would run as formulas are neutralised."""
        import csv

        writer = csv.writer(self.stream, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([safe_cell(v) for v in row])

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

            table = Table(title=title, title_justify="left", header_style="bold")
            for col in columns:
                table.add_column(col.header, justify="right" if col.numeric else "left")
            for i, row in enumerate(cells):
                # Text, not str: a `[red]` or `[/b]` in a deal title is text, not Rich markup
                table.add_row(*map(Text, row), style=(styles[i] if styles else None) or None)
            if self._pages(len(cells)):
                with self.console.pager(styles=self.colored):
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


# C0 controls (but tab and line feed) become their visible symbols (ESC → ␛), DEL → ␡ and C1
# controls → �: text from the database never drives the terminal it is printed on.
_VISIBLE = {
    **{code: 0x2400 + code for code in range(0x20) if chr(code) not in "\t\n"},
    0x7F: 0x2421,
    **dict.fromkeys(range(0x80, 0xA0), 0xFFFD),
}
_VISIBLE_IN_CELL = {**_VISIBLE, ord("\t"): " ", ord("\n"): " ", ord("\r"): None}


def printable(text: str, *, cell: bool = False) -> str:
    """Text safe to print: control characters shown, not obeyed (in a table cell, tabs and line
    breaks become spaces so rows stay one line)."""
    if text.isprintable():  # the usual case, checked in C
        return text
    return text.translate(_VISIBLE_IN_CELL if cell else _VISIBLE)


def safe_cell(value: Any) -> Any:
    """Neutralise a CSV cell that a spreadsheet would treat as a formula (`formulas`)."""
    return neutralised(value) if isinstance(value, str) else value


def error(message: str, hint: str | None = None) -> None:
    """The one-line error of the contract, and a hint line where one helps."""
    sys.stderr.write(f"Error: {printable(message, cell=True)}\n")
    if hint:
        sys.stderr.write(f"Hint: {printable(hint, cell=True)}\n")
