"""`import`: deals, companies and contacts from CSV exports, or our own JSON export."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from salesflow.cli.app import JsonFlag, app, state

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
    from salesflow.services.imports import import_files, total_bytes

    if errors is not None and not skip_invalid:
        raise UsageProblem("--errors goes with --skip-invalid")
    app_ctx = state(ctx)
    session_of = app_ctx.read if dry_run else app_ctx.write
    with _progress(total_bytes(files), sys.stderr.isatty()) as on_read, session_of() as session:
        report = import_files(
            files, session=session, actor=app_ctx.actor, preset=preset, maps=maps or [],
            pipeline=pipeline, new_pipeline=new_pipeline, stages=stages or [], dry_run=dry_run,
            skip_invalid=skip_invalid, errors_path=errors, on_duplicate=on_duplicate,
            encoding=encoding, on_read=on_read,
        )  # fmt: skip
    out = app_ctx.output()
    if json:
        out.json(import_json(report))
    else:
        show_import(out, report)
    if report.rejected:
        raise typer.Exit(int(ExitStatus.PARTIAL_IMPORT))
