"""Export files: our JSON interchange format, written as it streams, and spreadsheet-safe CSV."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, TextIO

from salesflow.render.output import Output


def write_json(stream: TextIO, head: dict[str, Any], sections: Mapping[str, Iterable[Any]]) -> int:
    """One JSON document, laid out as `json.dumps(indent=2)` would, written an item at a time.
    Returns how many items were written."""
    count = 0
    stream.write("{\n")
    for key, value in head.items():
        stream.write(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)},\n")
    names = list(sections)
    for position, name in enumerate(names):
        stream.write(f"  {json.dumps(name)}: [")
        first = True
        for item in sections[name]:
            text = json.dumps(item, indent=2, ensure_ascii=False)
            stream.write(("\n" if first else ",\n") + textwrap.indent(text, "    "))
            first = False
            count += 1
        stream.write("]" if first else "\n  ]")
        stream.write(",\n" if position < len(names) - 1 else "\n")
    stream.write("}\n")
    return count


def write_csv(stream: TextIO, columns: list[str], rows: Iterable[list[Any]]) -> int:
    """A header row and the rows, every cell a spreadsheet could run neutralised (OWASP)."""
    count = 0

    def counted() -> Iterator[list[Any]]:
        nonlocal count
        for row in rows:
            count += 1
            yield row

    Output(color="never", stream=stream).csv(columns, counted())  # type: ignore[arg-type]
    return count
