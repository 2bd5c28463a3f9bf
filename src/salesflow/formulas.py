"""Spreadsheet formula cells (OWASP "CSV injection"): neutralised in every CSV we write, restored
when a CSV is read back, so a file we wrote (an export, an import's errors file) re-imports to
the very text it came from.

A cell a spreadsheet would run (it starts with `=`, `+`, `-`, `@`, a tab or a carriage return)
is written with a leading apostrophe, which spreadsheets show as text. So that the round trip is
lossless, a cell that already starts with apostrophes before such a character gets one more;
reading takes exactly one away from any cell of that shape.
"""

from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _formula_after_quotes(text: str) -> bool:
    return text.lstrip("'").startswith(FORMULA_START)


def neutralised(value: str) -> str:
    """The cell as written to a CSV file."""
    if value.startswith(FORMULA_START) or (value.startswith("'") and _formula_after_quotes(value)):
        return "'" + value
    return value


def restored(cell: str) -> str:
    """The text a CSV cell written by `neutralised` stood for."""
    if cell.startswith("'") and _formula_after_quotes(cell):
        return cell[1:]
    return cell
