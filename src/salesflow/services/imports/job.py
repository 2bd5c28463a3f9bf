"""One import's settings, running state and report: what it read, imported and rejected (the
first few rejections kept for the report, every one written to the errors file as it comes)."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from salesflow.errors import ExitStatus, SalesflowError
from salesflow.formulas import neutralised
from salesflow.outfiles import OutputFile, Protected
from salesflow.services.imports.csvfile import CsvFile
from salesflow.services.imports.records import Counts

if TYPE_CHECKING:
    from sqlmodel import Session

    from salesflow.services.imports.writer import ImportWriter

SHOWN_REJECTIONS = 20  # rejections kept in the report; the errors file has them all


class ImportInterrupted(SalesflowError):
    """The user stopped an import (Ctrl-C); its transaction was rolled back."""

    exit_code = ExitStatus.INTERRUPTED


@dataclass(frozen=True)
class Rejection:
    """A row that was not imported."""

    file: str
    line: int | None  # None in a JSON file: the reason says where
    reason: str


@dataclass
class ImportReport:
    """What an import did, or on a dry run would do."""

    preset: str
    files: list[str]
    dry_run: bool
    on_duplicate: str
    rows: int = 0  # data records read (blank lines aside)
    rejected: int = 0
    rejections: list[Rejection] = field(default_factory=list)  # the first few
    errors_file: str | None = None
    counts: Counts = field(default_factory=Counts)
    pipelines: dict[str, int] = field(default_factory=dict)  # pipeline → deals imported into it
    pipeline_created: str | None = None
    products_created: int = 0
    products_reused: int = 0
    ignored_columns: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)  # preset-specific facts (JSON)


class ErrorSink:
    """Rejected rows, written as they come to an output file (`outfiles`: a temporary file put
    in place at the end). The target is checked when the sink is made, before any row is
    imported: never the database, its companions, or an input file of the import."""

    def __init__(self, path: Path | None, protected: Iterable[Protected] = ()) -> None:
        self.path = path
        self._file = OutputFile(path, protected) if path is not None else None
        self._handle: IO[str] | None = None
        self._writer: Any = None
        self._header: tuple[str, ...] | None = None

    def write(
        self, file: str, line: int | None, reason: str, header: list[str], cells: list[str]
    ) -> None:
        if self._file is None:
            return
        if self._handle is None:
            self._handle = handle = self._file.open()
            self._writer = csv.writer(handle, lineterminator="\n")
        wanted = ("file", "line", "reason", *header)
        try:
            if wanted != self._header:  # a new file (or the first): its header row
                self._writer.writerow([neutralised(c) for c in wanted])
                self._header = wanted
            # the row's cells as they came, formulas neutralised (the import restores them, so
            # the fixed file imports to the original text)
            self._writer.writerow([neutralised(file), line, neutralised(reason),
                                   *(neutralised(c) for c in cells)])  # fmt: skip
        except OSError as exc:
            self._file.discard()
            raise self._file.error(exc) from None

    def commit(self) -> str | None:
        """Put the file in place; its path as given, or None when no row was rejected."""
        if self._handle is None or self._file is None or self.path is None:
            return None
        self._file.commit()
        return str(self.path)

    @property
    def written(self) -> str | None:
        """The absolute path of the regular file put in place (not a device like /dev/null)."""
        if self._handle is None or self._file is None or not self._file.regular:
            return None
        return str(self._file.real)

    def discard(self) -> None:
        if self._file is not None:
            self._file.discard()


@dataclass
class ImportJob:
    """One import's settings and running state, shared by the presets."""

    session: Session
    report: ImportReport
    actor: str
    skip_invalid: bool
    errors: ErrorSink
    encoding: str | None
    on_read: Callable[[int], None] | None
    maps: dict[str, str]
    pipeline: str | None
    stage_map: dict[str, str]
    writer: ImportWriter | None = None

    def reject(
        self, file: str, line: int | None, reason: str, header: list[str], cells: list[str]
    ) -> None:
        """Count a bad row and keep it for the errors file."""
        report = self.report
        report.rejected += 1
        if len(report.rejections) < SHOWN_REJECTIONS:
            report.rejections.append(Rejection(file, line, reason))
        self.errors.write(file, line, reason, header, cells)

    @property
    def keeps(self) -> bool:
        """Whether this import will be committed (not a dry run, no row failing it)."""
        return not self.failing and not self.report.dry_run

    @property
    def failing(self) -> bool:
        """All or nothing, and a row was bad: keep reading to count, stop writing."""
        return self.report.rejected > 0 and not self.skip_invalid

    def open_csv(self, path: Path) -> CsvFile:
        return CsvFile(path, encoding=self.encoding, on_read=self.on_read)
