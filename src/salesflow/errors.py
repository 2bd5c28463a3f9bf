"""Errors that carry their own exit code, so the CLI boundary can report them in one line.

Services raise these; `cli.main` turns them into `Error: …` on stderr and the contract's exit code.
"""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    """The exit codes of the contract."""

    OK = 0
    ERROR = 1
    USAGE = 2
    PARTIAL_IMPORT = 3
    DATABASE_BUSY = 4
    INTERRUPTED = 130


class SalesflowError(Exception):
    """A domain error the user can act on: a message and, where it helps, a hint."""

    exit_code: ExitStatus = ExitStatus.ERROR

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class NotFound(SalesflowError):
    """A deal, stage, pipeline or follow-up that does not exist."""


class AmbiguousReference(SalesflowError):
    """A deal reference that matches more than one deal."""


class InvalidInput(SalesflowError):
    """A value that does not parse or does not validate (dates, money, currency, fields)."""


class InvalidMove(SalesflowError):
    """A stage move the pipeline does not allow (closed deal, failed gate)."""


class GateRefused(InvalidMove):
    """A forward move a stage's gate refuses; `--force` (the board: a confirmed "force")
    overrides it, and the override is recorded."""


class ConcurrentEdit(SalesflowError):
    """Someone else changed the record between our read and our write."""


class DatabaseBusy(SalesflowError):
    """The database stayed locked by another writer after our retries."""

    exit_code = ExitStatus.DATABASE_BUSY


class UsageProblem(SalesflowError):
    """The command line itself is wrong (conflicting options and the like)."""

    exit_code = ExitStatus.USAGE
