"""The error boundary: library and click errors become `Error: …` lines and exit codes."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any, NoReturn

from salesflow.errors import ExitStatus, SalesflowError


def _debugging(args: Any) -> bool:
    argv = list(args) if args is not None else sys.argv[1:]
    return "--debug" in argv or os.environ.get("SALESFLOW_DEBUG", "") not in ("", "0")


def one_line(text: str) -> str:
    """A message squeezed onto one line: the contract promises one `Error:` line, and driver
    messages (SQLAlchemy's "(Background on this error …)", psycopg's tips) span several."""
    parts = [p.strip() for p in str(text).splitlines()]
    return " ".join(p for p in parts if p and not p.startswith("(Background on this error"))


def _database_error(exc: Exception) -> SalesflowError | None:
    """A driver error raised outside the storage layer's own translation (opening, migrating)."""
    from sqlalchemy.exc import DBAPIError

    if not isinstance(exc, DBAPIError):
        return None
    from salesflow.db.engine import is_busy
    from salesflow.errors import DatabaseBusy

    reason = one_line(str(exc.orig))
    if is_busy(exc.orig):
        return DatabaseBusy(
            "the database is busy: another salesflow is writing", hint="try again in a moment"
        )
    return SalesflowError(
        f"database error: {reason}",
        hint="check --db / SALESFLOW_DB and that the database is reachable",
    )


def check_arguments(words: list[str]) -> None:
    """Refuse a command line carrying control characters or bytes that are not UTF-8.

    Nothing a user means to type is in there: an escape sequence in a deal title would recolour
    or rewrite the terminal of whoever lists it later, a NUL truncates text in other tools, and
    bytes that are not UTF-8 (Python keeps them as lone surrogates) cannot be stored. Tabs and
    line breaks may appear in free text such as notes; one-line fields such as names refuse them
    when they are validated.
    """
    for word in words:
        if not word.isprintable():  # the usual case, checked in C, imports nothing
            from salesflow.parsing.typed import check_typed

            check_typed(word)


_KNOWN_TARGETS: list[str] = []  # the database targets of this command line (passwords masked)


def _masked(text: str) -> str:
    from salesflow.db.location import mask_password

    return mask_password(text, known=_KNOWN_TARGETS)


def _report(message: str, hint: str | None = None) -> None:
    from salesflow.render.output import error

    error(_masked(one_line(message)), _masked(one_line(hint)) if hint else None)


def _masked_excepthook(kind: Any, value: Any, tb: Any) -> None:
    """--debug: Python's traceback, with any database password in it masked."""
    import traceback

    sys.stderr.write(_masked("".join(traceback.format_exception(kind, value, tb))))
    sys.stderr.flush()


def run_guarded(main: Callable[..., Any], *, args: Any, **kwargs: Any) -> NoReturn:
    """Run click's main in non-standalone mode and exit with the contract's code."""
    from typer import _click
    from typer.exceptions import Abort

    from salesflow.db.location import given_targets

    click_errors = _click.exceptions
    _KNOWN_TARGETS[:] = given_targets(list(args) if args is not None else sys.argv[1:])
    try:
        check_arguments(list(args) if args is not None else sys.argv[1:])
        result = main(args=args, standalone_mode=False, **kwargs)
    except SalesflowError as exc:
        _report(exc.message, exc.hint)
        sys.exit(int(exc.exit_code))
    except click_errors.NoArgsIsHelpError as exc:  # `salesflow lead`: the help, as click does
        exc.show()
        sys.exit(int(ExitStatus.USAGE))
    except click_errors.UsageError as exc:
        hint = None
        if exc.ctx is not None:
            hint = f"see `{exc.ctx.command_path} --help`"
        _report(exc.format_message(), hint)
        # A value that does not convert (`--limit abc`) is a bad value (1); a missing one, an
        # unknown option or command is a usage error (2).
        bad_value = isinstance(exc, click_errors.BadParameter) and not isinstance(
            exc, click_errors.MissingParameter
        )
        sys.exit(int(ExitStatus.ERROR if bad_value else ExitStatus.USAGE))
    except click_errors.ClickException as exc:
        _report(exc.format_message())
        sys.exit(exc.exit_code)
    except (KeyboardInterrupt, Abort, Interrupted):  # Ctrl-C: the write under way rolled back
        _report("interrupted", "the change under way, if any, was rolled back")
        sys.exit(int(ExitStatus.INTERRUPTED))
    except (BrokenPipeError, OutputClosed):
        _stop_writing()
        sys.exit(0)
    except Exception as exc:  # the last line of defence: no traceback for users
        if _debugging(args):
            sys.excepthook = _masked_excepthook  # the traceback is printed by Python, masked
            raise
        known = _database_error(exc)
        if known is not None:
            _report(known.message, known.hint)
            sys.exit(int(known.exit_code))
        if isinstance(exc, OverflowError):  # a number past what the database or calendar holds
            _report(f"a value is out of range: {exc}", "give a smaller number or a nearer date")
            sys.exit(int(ExitStatus.ERROR))
        _report(f"unexpected {type(exc).__name__}: {exc}", "run again with --debug for details")
        sys.exit(int(ExitStatus.ERROR))
    sys.exit(result if isinstance(result, int) else 0)


class Interrupted(Exception):
    """Ctrl-C in a command, raised in place of KeyboardInterrupt (which Typer would turn into a
    silent exit 130)."""


class OutputClosed(Exception):
    """The reader of our output went away (`salesflow show 1 | head -1`). Raised in place of
    BrokenPipeError, which Typer would turn into a silent exit 1, a "domain error" here."""


def _stop_writing() -> None:
    """Whatever is still buffered for the closed pipe goes nowhere, without a second error at
    exit (Python's recommendation for EPIPE)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
