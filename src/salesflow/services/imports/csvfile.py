"""Reading CSV files the way people's exports really are: streamed, with line numbers.

UTF-8 with or without a BOM is read as is; anything else is refused up front (or decoded with the
`--encoding` the user named). The delimiter is taken from the header line (`,`, `;` or tab).
Malformed records (an unbalanced quote, the wrong number of fields, a huge field, a NUL byte)
come out as `BadRecord`s carrying the line they start on, never swallowed and never fatal by
themselves: the importer decides whether they reject the import or go to the errors file.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path
from typing import BinaryIO, NamedTuple

from salesflow.errors import InvalidInput, UsageProblem
from salesflow.formulas import restored

_APOSTROPHES = repeat("'")  # a neutralised formula cell (see `formulas`) starts with one
FIELD_LIMIT = 131_072  # characters in one field: more is a broken file, not a deal
SNIFF_BYTES = 65_536


class Record(NamedTuple):
    """One well-formed data record: its first physical line and its cells by header.
    (A named tuple: one is made per row, and a tuple is the cheapest object to make.)"""

    line: int
    cells: list[str]


@dataclass(frozen=True)
class BadRecord:
    """A record the CSV parser could not take as it is, and why."""

    line: int
    reason: str
    cells: list[str]


class _Counting(io.RawIOBase):
    """A binary file that reports how many bytes have been read (for the progress bar), and
    refuses a NUL byte (the csv module takes NULs as text since Python 3.11; no CSV holds one,
    a binary file or a mislabelled UTF-16 one does). `path` set means: check for NULs."""

    def __init__(
        self, raw: BinaryIO, on_read: Callable[[int], None] | None, path: Path | None = None
    ) -> None:
        self.raw = raw
        self.on_read = on_read
        self.path = path
        self.offset = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self.raw.read(len(buffer))
        if self.path is not None and b"\x00" in data:  # one C scan per chunk, not per row
            raise _nul_byte(self.path, self.offset + data.index(b"\x00"))
        self.offset += len(data)
        buffer[: len(data)] = data
        if self.on_read and data:
            self.on_read(len(data))
        return len(data)

    def close(self) -> None:
        self.raw.close()
        super().close()


def check_encoding(name: str | None) -> str | None:
    """A codec name Python knows, or a usage error."""
    if name is None:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise UsageProblem(
            f"unknown encoding {name!r}", hint="e.g. --encoding cp1252, latin-1 or utf-16"
        ) from None


def _sniff_encoding(path: Path, head: bytes) -> str:
    """utf-8-sig for UTF-8 (BOM or not); a clear error naming --encoding for anything else."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InvalidInput(
            f"{path} is UTF-16 (it starts with a UTF-16 byte order mark), not UTF-8",
            hint="save it as CSV UTF-8, or import it with --encoding utf-16",
        )
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not merely a character cut at the end of the sample
            raise _not_utf8(path, head[: exc.start].count(b"\n") + 1, head[exc.start]) from None
    return "utf-8-sig"


def _not_utf8(path: Path, line: int, byte: int) -> InvalidInput:
    return InvalidInput(
        f"{path} is not UTF-8: byte 0x{byte:02x} on line {line}",
        hint="name its encoding, e.g. --encoding cp1252 (Excel on Windows) or --encoding latin-1",
    )


def _delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


class CsvFile:
    """A CSV file opened for streaming: `header`, then `records()` (good and bad, in order)."""

    def __init__(
        self,
        path: Path,
        *,
        encoding: str | None = None,
        on_read: Callable[[int], None] | None = None,
    ) -> None:
        self.path = path
        try:
            raw = path.open("rb")
        except OSError as exc:
            raise InvalidInput(f"cannot read {path}: {exc.strerror or exc}") from None
        head = raw.read(SNIFF_BYTES)
        raw.seek(0)
        self.size = path.stat().st_size
        self.encoding = encoding or _sniff_encoding(path, head)
        if encoding and codecs.lookup(encoding).name == "utf-8":
            self.encoding = "utf-8-sig"  # a BOM is never part of the first header
        wide = codecs.lookup(self.encoding).name.startswith(("utf-16", "utf-32"))
        self._stream = io.TextIOWrapper(
            io.BufferedReader(_Counting(raw, on_read, None if wide else path)),
            encoding=self.encoding,
            errors="strict",
            newline="",
        )
        # roughly how many records the file holds, from the lines in its first bytes
        lines = head.count(b"\n")
        self.estimated_records = max(0, round(self.size * lines / len(head)) - 1) if head else 0
        first = head.split(b"\n", 1)[0].decode(self.encoding, errors="replace")
        self.delimiter = _delimiter(first)
        self._reader = csv.reader(self._stream, delimiter=self.delimiter, strict=True)
        self._line = 0  # physical lines consumed so far
        self.header: list[str] = []
        header = self._next()
        if header is None:
            self.close()
            raise InvalidInput(f"{path} is empty: no header row")
        if isinstance(header, BadRecord):
            self.close()
            raise InvalidInput(f"{path}: the header row (line 1) is malformed: {header.reason}")
        self.header = [h.strip() for h in header.cells]
        if not any(self.header):
            self.close()
            raise InvalidInput(f"{path}: the header row is empty")
        seen: dict[str, int] = {}
        for number, name in enumerate(self.header, 1):
            key = name.casefold()
            if key and key in seen:  # which of the two would hold the value? neither, say so
                self.close()
                raise InvalidInput(
                    f"{path}: the header names column {name!r} twice (columns {seen[key]} and "
                    f"{number})",
                    hint="rename or remove one of them",
                )
            seen[key] = number

    def _next(self) -> Record | BadRecord | None:
        start = self._line + 1
        try:
            cells = next(self._reader)
        except StopIteration:
            return None
        except UnicodeDecodeError as exc:
            raise _not_utf8_mid(self.path, start, exc) from None
        except csv.Error as exc:
            self._line = self._reader.line_num
            return BadRecord(start, _csv_reason(str(exc)), [])
        self._line = self._reader.line_num
        if len(cells) == 1 and cells[0] == "" and self._line == start:
            return Record(start, [])  # a blank line
        return Record(start, cells)

    def records(self) -> Iterator[Record | BadRecord]:
        """The data records after the header, with their line numbers. Blank lines are skipped;
        a record whose field count differs from the header's is a BadRecord."""
        # One loop over the csv reader (no helper call per row): this runs once per record.
        width = len(self.header)
        reader = self._reader
        while True:
            start = self._line + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except UnicodeDecodeError as exc:
                raise _not_utf8_mid(self.path, start, exc) from None
            except csv.Error as exc:
                self._line = reader.line_num
                yield BadRecord(start, _csv_reason(str(exc)), [])
                continue
            self._line = line = reader.line_num
            count = len(cells)
            if count == width and (count > 1 or cells[0] or line != start):
                if any(map(str.startswith, cells, _APOSTROPHES)):  # C-speed: rare
                    cells = [restored(c) for c in cells]
                yield Record(start, cells)
            elif count == 0 or (count == 1 and cells[0] == "" and line == start):
                continue  # a blank line
            else:
                yield BadRecord(start, self._count_reason(Record(start, cells), width), cells)

    def _count_reason(self, record: Record, width: int) -> str:
        spans = self._line - record.line + 1
        if spans > 1 and any("\n" in c for c in record.cells):
            return (
                f"unbalanced quote: a quoted field runs from line {record.line} to line "
                f"{self._line} ({len(record.cells)} fields, expected {width})"
            )
        return f"{len(record.cells)} fields, expected {width} (as in the header)"

    def close(self) -> None:
        """Close the underlying file."""
        self._stream.close()

    def __enter__(self) -> CsvFile:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _nul_byte(path: Path, offset: int) -> InvalidInput:
    with path.open("rb") as raw:  # only on the error path: count the lines up to the NUL
        line = raw.read(offset).count(b"\n") + 1
    return InvalidInput(
        f"{path} holds a NUL byte (line {line}): it is not a CSV text file",
        hint="is it a spreadsheet (.xlsx) or UTF-16? save it as CSV UTF-8",
    )


def _not_utf8_mid(path: Path, line: int, exc: UnicodeDecodeError) -> InvalidInput:
    byte = exc.object[exc.start] if exc.start < len(exc.object) else 0
    return InvalidInput(
        f"{path} is not UTF-8: byte 0x{byte:02x} near line {line}",
        hint="name its encoding, e.g. --encoding cp1252 (Excel on Windows) or --encoding latin-1",
    )


def _csv_reason(message: str) -> str:
    if "field larger than field limit" in message:
        return f"a field is longer than {FIELD_LIMIT:,} characters"
    if "unexpected end of data" in message or "EOF" in message:
        return "unbalanced quote: a quoted field is never closed"
    if "NUL" in message:
        return "the line contains a NUL byte (is this a binary file?)"
    if "expected" in message and "after" in message:
        return f"stray quote inside a field ({message})"
    return message


csv.field_size_limit(FIELD_LIMIT)
