"""`import`: deals, companies and contacts from CSV exports, or our own JSON export."""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Annotated

import typer

from salesflow.cli.app import JsonFlag, app
from salesflow.cli.context import state

Opt = typer.Option


@contextmanager
def _progress(total: int, enabled: bool) -> Iterator[Callable[[int], None] | None]:
    """A Rich progress bar on stderr when it is a terminal; nothing on a pipe."""
    if not enabled or total <= 0:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("Importing", total=total)
        yield lambda n: bar.advance(task, n)


class _CtrlC:
    """Ctrl-C during an import: the first one stops it (the transaction is rolled back); once
    the commit has begun, or while rolling back, a Ctrl-C is held, so "nothing imported" is
    never said of an import that landed, and a second Ctrl-C cannot cut the rollback short."""

    def __init__(self) -> None:
        self.holding = False

    def _on_sigint(self, _signum: int, _frame: FrameType | None) -> None:
        if self.holding:
            return
        self.holding = True
        raise KeyboardInterrupt

    @contextmanager
    def installed(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield  # signal handlers belong to the main thread (Python's default stays)
            return
        previous = signal.signal(signal.SIGINT, self._on_sigint)
        try:
            yield
        finally:
            signal.signal(signal.SIGINT, previous)


@app.command("import")
def import_(
    ctx: typer.Context,
    files: Annotated[
        list[Path],
        typer.Argument(help="CSV files (or a folder of them), or an `export json` file."),
    ],
    preset: Annotated[
        str | None,
        Opt("--preset", help="pipedrive, hubspot, maven or salesflow (default: from the headers)."),
    ] = None,
    maps: Annotated[
        list[str] | None,
        Opt(
            "--map",
            help="COLUMN=FIELD: read a column as a field (FIELD - ignores it).",
            metavar="COLUMN=FIELD",
        ),
    ] = None,  # fmt: skip
    pipeline: Annotated[
        str | None, Opt("--pipeline", help="Put every deal in this pipeline.")
    ] = None,
    new_pipeline: Annotated[
        str | None,
        Opt(
            "--new-pipeline",
            help="Make a pipeline NAME from the file's stages, and use it.",
            metavar="NAME",
        ),
    ] = None,  # fmt: skip
    stages: Annotated[
        list[str] | None,
        Opt(
            "--stage",
            help="FILE_STAGE=STAGE: map a stage of the file onto one of ours.",
            metavar="FILE_STAGE=STAGE",
        ),
    ] = None,  # fmt: skip
    dry_run: Annotated[
        bool, Opt("--dry-run", help="Check and count everything, write nothing.")
    ] = False,
    skip_invalid: Annotated[
        bool, Opt("--skip-invalid", help="Import the good rows; bad ones go to --errors (exit 3).")
    ] = False,
    errors: Annotated[
        Path | None,
        Opt("--errors", help="Where rejected rows go (default: FILE.errors.csv beside the file)."),
    ] = None,
    on_duplicate: Annotated[
        str, Opt("--on-duplicate", help="skip, update or fail on records that already exist.")
    ] = "skip",
    encoding: Annotated[
        str | None, Opt("--encoding", help="The file's encoding when it is not UTF-8 (cp1252 …).")
    ] = None,
    json: JsonFlag = False,
) -> None:
    """Import deals, companies and contacts: Pipedrive, HubSpot, Maven CRM or any CSV."""
    from salesflow.errors import ExitStatus, UsageProblem
    from salesflow.render.imports import import_json, show_import
    from salesflow.services.imports import ImportInterrupted, import_files, total_bytes

    if errors is not None and not skip_invalid:
        raise UsageProblem("--errors goes with --skip-invalid")
    app_ctx = state(ctx)
    session_of = app_ctx.read if dry_run else app_ctx.write
    ctrl_c = _CtrlC()
    with ctrl_c.installed():
        try:
            with (
                _progress(total_bytes(files), sys.stderr.isatty()) as on_read,
                session_of() as session,
            ):
                report = import_files(
                    files, session=session, actor=app_ctx.actor, preset=preset,
                    maps=maps or [], pipeline=pipeline, new_pipeline=new_pipeline,
                    stages=stages or [], dry_run=dry_run, skip_invalid=skip_invalid,
                    errors_path=errors, on_duplicate=on_duplicate, encoding=encoding,
                    on_read=on_read, protected=app_ctx.protected_files(),
                )  # fmt: skip
                ctrl_c.holding = True  # the commit (on leaving the block) is not interrupted
        except KeyboardInterrupt:
            raise ImportInterrupted("interrupted: nothing imported") from None
    out = app_ctx.output()
    out.emit(json=lambda: import_json(report), table=lambda: show_import(out, report))
    if report.rejected:
        raise typer.Exit(int(ExitStatus.PARTIAL_IMPORT))
