"""`export`: data out of salesflow, for other programs: `ics` for calendar apps, `csv` for
spreadsheets, `json` for `salesflow import` (a backup, or a move to another database)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from salesflow.cli.app import app, state

export_app = typer.Typer(
    help="Export data for other programs.", no_args_is_help=True, rich_markup_mode=None
)
app.add_typer(export_app, name="export")
Opt = typer.Option


def write_atomically(path: Path, data: bytes) -> None:
    """Write the whole file or nothing: a temporary file beside it, renamed into place."""
    import os
    import tempfile

    from salesflow.errors import InvalidInput

    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise InvalidInput(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException as exc:
        Path(temp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise InvalidInput(f"cannot write {path}: {exc.strerror or exc}") from None
        raise


@export_app.command()
def ics(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Calendar file to write (`-` for stdout).")],
    owner: Annotated[
        str | None, Opt("--owner", help="This rep's follow-ups (default: yours).")
    ] = None,
    all_: Annotated[bool, Opt("--all", help="Everyone's.")] = False,
) -> None:
    """Follow-ups as an iCalendar file (VTODOs with due dates) for any calendar app."""
    import sys

    from salesflow.clock import now_utc
    from salesflow.errors import UsageProblem
    from salesflow.render.ics import calendar_bytes
    from salesflow.services.task_lists import calendar_tasks
    from salesflow.words import noun

    if owner and all_:
        raise UsageProblem("--owner and --all exclude each other")
    app_ctx = state(ctx)
    who = None if all_ else (owner or app_ctx.actor)
    with app_ctx.reader() as reader:
        tasks = calendar_tasks(reader=reader, owner=who)
    name = f"salesflow follow-ups ({who})" if who else "salesflow follow-ups"
    data = calendar_bytes(tasks, stamp=now_utc(), name=name)
    if str(file) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    write_atomically(file, data)
    done = sum(1 for t in tasks if t.done_at is not None)
    app_ctx.output().line(
        f"Wrote {len(tasks) - done:,} open and {done:,} recently done "
        f"{noun(len(tasks), 'follow-up')} to {file}."
    )


What = Annotated[
    str, Opt("--what", help="deals, contacts, companies, tasks or all.", metavar="WHAT")
]
OutFile = Annotated[
    Path | None, Opt("--out", help="Write to this file (default: standard output).", metavar="FILE")
]


@export_app.command("json")
def json_(ctx: typer.Context, what: What = "all", out: OutFile = None) -> None:
    """Everything (or --what) as salesflow JSON: `salesflow import FILE` reads it back."""
    import sys
    from contextlib import nullcontext

    from salesflow import __version__
    from salesflow.render.exports import atomic_text, write_json
    from salesflow.services import exports
    from salesflow.words import plural

    wanted = exports.check_what(what)
    app_ctx = state(ctx)
    # no export time in the file: the same data always exports to the same bytes
    head = {"salesflow_export": exports.FORMAT_VERSION, "salesflow": __version__, "what": wanted}
    target = atomic_text(out) if out else nullcontext(sys.stdout)
    with app_ctx.read() as session, target as stream:
        sections = {
            name: exports.SECTIONS[name](session=session) for name in exports.json_sections(wanted)
        }
        count = write_json(stream, head, sections)
    if out:
        app_ctx.output().line(f"Wrote {plural(count, 'record')} ({wanted}) to {out}.")


@export_app.command("csv")
def csv_(ctx: typer.Context, what: What = "deals", out: OutFile = None) -> None:
    """One table (or --what all into an --out folder) as spreadsheet-safe CSV."""
    import sys
    from contextlib import nullcontext

    from salesflow.errors import UsageProblem
    from salesflow.render.exports import atomic_text, write_csv
    from salesflow.services import exports
    from salesflow.words import plural

    wanted = exports.check_what(what)
    app_ctx = state(ctx)
    if wanted == "all":
        if out is None:
            raise UsageProblem(
                "CSV holds one table: --what all needs --out FOLDER",
                hint="e.g. salesflow export csv --what all --out backup/",
            )
        out.mkdir(parents=True, exist_ok=True)
        written = []
        with app_ctx.read() as session:
            for table, columns in exports.CSV_COLUMNS.items():
                with atomic_text(out / f"{table}.csv") as stream:
                    n = write_csv(stream, columns, exports.csv_rows(table, session=session))
                written.append(plural(n, *exports.NOUNS[table]))
        app_ctx.output().line(f"Wrote {', '.join(written)} to {out}/.")
        return
    target = atomic_text(out) if out else nullcontext(sys.stdout)
    with app_ctx.read() as session, target as stream:
        count = write_csv(stream, exports.CSV_COLUMNS[wanted],
                          exports.csv_rows(wanted, session=session))  # fmt: skip
    if out:
        app_ctx.output().line(f"Wrote {plural(count, *exports.NOUNS[wanted])} to {out}.")
