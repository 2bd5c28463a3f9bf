"""`export`: data out of salesflow, for other programs: `ics` for calendar apps, `csv` for
spreadsheets, `json` for `salesflow import` (a backup, or a move to another database)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from salesflow.cli.app import group
from salesflow.cli.context import state
from salesflow.outfiles import typed_text

export_app = group("export", "Export data for other programs.")
Opt = typer.Option


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
    from salesflow.outfiles import is_stdout
    from salesflow.render.ics import calendar_bytes
    from salesflow.services.followups.lists import calendar_tasks
    from salesflow.words import noun

    if owner and all_:
        raise UsageProblem("--owner and --all exclude each other")
    app_ctx = state(ctx)
    to_stdout = is_stdout(file)  # `./-` is a file named `-`
    if not to_stdout:
        app_ctx.check_output(file)  # before anything is opened or created
    who = None if all_ else (owner or app_ctx.actor)
    with app_ctx.reader() as reader:
        tasks = calendar_tasks(reader=reader, owner=who)
    name = f"salesflow follow-ups ({who})" if who else "salesflow follow-ups"
    data = calendar_bytes(tasks, stamp=now_utc(), name=name)
    if to_stdout:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    app_ctx.write_file(file, data, what="export ics")
    done = sum(1 for t in tasks if t.closed_as == "done")
    closed = sum(1 for t in tasks if t.done_at is not None) - done
    dropped = f", {closed} closed by their stage's playbook" if closed else ""
    app_ctx.output().line(
        f"Wrote {len(tasks) - done - closed:,} open and {done:,} recently done "
        f"{noun(len(tasks), 'follow-up')}{dropped} to {file}."
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
    from salesflow.render.exports import write_json
    from salesflow.services import exports
    from salesflow.words import plural

    wanted = exports.check_what(what)
    app_ctx = state(ctx)
    # no export time in the file: the same data always exports to the same bytes
    head = {"salesflow_export": exports.FORMAT_VERSION, "salesflow": __version__, "what": wanted}
    target = app_ctx.writing(out, what="export json") if out else nullcontext(sys.stdout)
    with target as stream, app_ctx.read() as session:  # the target is checked first
        sections = {
            name: exports.SECTIONS[name](session=session) for name in exports.json_sections(wanted)
        }
        count = write_json(stream, head, sections)
    if out:
        app_ctx.output().line(f"Wrote {plural(count, 'record')} ({wanted}) to {typed_text(out)}.")


@export_app.command("csv")
def csv_(ctx: typer.Context, what: What = "deals", out: OutFile = None) -> None:
    """One table (or --what all into an --out folder) as spreadsheet-safe CSV."""
    import sys
    from contextlib import nullcontext

    from salesflow.errors import UsageProblem
    from salesflow.render.exports import write_csv
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
        from salesflow.errors import InvalidInput

        folder = app_ctx.check_output(out, folder=True)
        files = [out / f"{table}.csv" for table in exports.CSV_COLUMNS]
        if folder.is_dir():  # every file checked before any is written (a new folder has none)
            for file in files:
                app_ctx.check_output(file)
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            raise InvalidInput(f"cannot write {out}: {exc.strerror or exc}") from None
        written = []
        with app_ctx.read() as session:
            for file, (table, columns) in zip(files, exports.CSV_COLUMNS.items(), strict=True):
                with app_ctx.writing(file, what="export csv") as stream:
                    n = write_csv(stream, columns, exports.csv_rows(table, session=session))
                written.append(plural(n, *exports.NOUNS[table]))
        app_ctx.output().line(f"Wrote {', '.join(written)} to {typed_text(out).rstrip('/')}/.")
        return
    target = app_ctx.writing(out, what="export csv") if out else nullcontext(sys.stdout)
    with target as stream, app_ctx.read() as session:  # the target is checked first
        count = write_csv(stream, exports.CSV_COLUMNS[wanted],
                          exports.csv_rows(wanted, session=session))  # fmt: skip
    if out:
        what = plural(count, *exports.NOUNS[wanted])
        app_ctx.output().line(f"Wrote {what} to {typed_text(out)}.")
