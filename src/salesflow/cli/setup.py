"""`init` and `demo`: getting a database to work with."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from salesflow.cli.app import app
from salesflow.cli.context import state


@app.command()
def init(
    ctx: typer.Context,
    pipeline: Annotated[
        Path | None, typer.Option("--pipeline", help="Install this pipeline file as the default.")
    ] = None,
) -> None:
    """Create the database (safe to run again)."""
    from salesflow.services.deals.pipelines import install_pipeline_file

    app_ctx = state(ctx)
    db = app_ctx.database()
    out = app_ctx.output()
    if pipeline is not None:
        with app_ctx.write() as session:
            name, added = install_pipeline_file(pipeline, make_default=True, session=session)
        out.line(f"Pipeline {name} {'installed' if added else 'already there'} (default).")
    out.line(f"Database ready: {db.display_name}")


@app.command()
def demo(
    ctx: typer.Context,
    size: Annotated[int, typer.Option("--size", help="How many deals to make.")] = 200,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same data).")] = 7,
) -> None:
    """Build a realistic demo database (demo.db unless --db) and tour it."""
    from salesflow.db.reader import reader_for
    from salesflow.errors import InvalidInput
    from salesflow.render.funnel import show_funnel
    from salesflow.render.tasks import show_due
    from salesflow.services.demo import build_demo
    from salesflow.services.followups.lists import due_today
    from salesflow.services.reports.funnel import build_funnel

    if size < 1 or size > 2_000_000:
        raise InvalidInput("--size must be between 1 and 2,000,000")
    app_ctx = state(ctx)
    db = app_ctx.database(default_name="demo.db")
    out = app_ctx.output()
    with app_ctx.write() as session:
        summary = build_demo(size=size, seed=seed, session=session)
    out.line(f"Demo database: {db.display_name} ({summary})", style="bold")
    out.line()
    with app_ctx.read() as session:
        funnel = build_funnel(reader=reader_for(session))
        due = due_today(reader=reader_for(session), owner=None, limit=10)
    show_funnel(out, funnel)
    out.line()
    show_due(out, due)
    out.line()
    import shlex

    env = "SALESFLOW_DB=" + shlex.quote(db.path or db.display_name)
    out.line("Explore it:")
    for command in ("lead list --limit 10", "due-today --all", "show 1", "funnel --owner ana",
                    "advance 1", "pipeline show"):  # fmt: skip
        out.line(f"  {env} salesflow {command}")
