"""`db upgrade | status | check | backup`: looking after the database file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from salesflow.cli.app import JsonFlag, group
from salesflow.cli.context import state

db_app = group("db", "Database maintenance.")


@db_app.command()
def upgrade(ctx: typer.Context) -> None:
    """Apply schema migrations (also done automatically on open)."""
    from salesflow.db.schema import current_revision
    from salesflow.db.schema import upgrade as run_upgrade

    app_ctx = state(ctx)
    db = app_ctx.database()
    run_upgrade(db)
    app_ctx.output().line(f"Database at revision {current_revision(db)} (head).")


@db_app.command()
def status(ctx: typer.Context, json: JsonFlag = False) -> None:
    """Where the database is, its schema revision and what it holds."""
    from salesflow.db.maintenance import database_status

    app_ctx = state(ctx)
    info = database_status(app_ctx.database())
    out = app_ctx.output()

    def show() -> None:
        for key, value in info.items():
            if isinstance(value, dict):
                out.line(f"{key}: " + ", ".join(f"{k} {v}" for k, v in value.items()))
            else:
                out.line(f"{key}: {value}")

    out.emit(json=lambda: info, table=show)


@db_app.command()
def check(ctx: typer.Context, json: JsonFlag = False) -> None:
    """Check integrity and foreign keys; exit 1 when a problem is found."""
    from salesflow.db.maintenance import check_database

    app_ctx = state(ctx)
    problems = check_database(app_ctx.database())
    out = app_ctx.output()

    def show() -> None:
        for problem in problems:
            out.line(f"problem: {problem}", style="red")
        if not problems:
            out.line("ok: integrity and foreign keys check out.")

    out.emit(json=lambda: {"ok": not problems, "problems": problems}, table=show)
    if problems:
        raise typer.Exit(1)


@db_app.command()
def backup(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Where to write the copy.", metavar="FILE")],
) -> None:
    """Copy the database safely while it is in use (SQLite online backup)."""
    from salesflow.db.maintenance import backup_database
    from salesflow.words import plural

    app_ctx = state(ctx)
    pages = backup_database(app_ctx.database(), file)
    app_ctx.wrote(file.expanduser().resolve(), "db backup")
    app_ctx.output().line(f"Backed up to {file} ({plural(pages, 'page')}).")
