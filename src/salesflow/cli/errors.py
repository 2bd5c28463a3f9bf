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


def run_guarded(main: Callable[..., Any], *, args: Any, **kwargs: Any) -> NoReturn:
    """Run click's main in non-standalone mode and exit with the contract's code."""
    from typer import _click
    from typer.exceptions import Abort

    from salesflow.render.output import error

    try:
        result = main(args=args, standalone_mode=False, **kwargs)
    except SalesflowError as exc:
        error(exc.message, exc.hint)
        sys.exit(int(exc.exit_code))
    except _click.exceptions.UsageError as exc:
        hint = None
        if exc.ctx is not None:
            hint = f"see `{exc.ctx.command_path} --help`"
        error(exc.format_message(), hint)
        sys.exit(int(ExitStatus.USAGE))
    except _click.exceptions.ClickException as exc:
        error(exc.format_message())
        sys.exit(exc.exit_code)
    except (KeyboardInterrupt, Abort):
        sys.stderr.write("Interrupted.\n")
        sys.exit(int(ExitStatus.INTERRUPTED))
    except BrokenPipeError:
        sys.exit(0)
    except Exception as exc:  # the last line of defence: no traceback for users
        if _debugging(args):
            raise
        error(f"unexpected {type(exc).__name__}: {exc}", "run again with --debug for details")
        sys.exit(int(ExitStatus.ERROR))
    sys.exit(result if isinstance(result, int) else 0)
