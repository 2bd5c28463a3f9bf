"""`cadence add | list | start | stop`: sequences of follow-ups run on a deal."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from salesflow.cli.app import JsonFlag, group
from salesflow.cli.context import state

cadence_app = group("cadence", "Cadences: timed sequences of calls, emails and tasks on a deal.")
DealArg = Annotated[str, typer.Argument(help="Deal id (42, #42) or a piece of its title/company.")]


@cadence_app.command()
def add(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Cadence TOML file.", metavar="FILE.toml")],
    json: JsonFlag = False,
) -> None:
    """Add a cadence from a TOML file (name, [[steps]] with day, kind, text or template)."""
    from salesflow.render.cadences import cadence_json, step_line
    from salesflow.services.followups.cadences import add_cadence
    from salesflow.words import plural

    app_ctx = state(ctx)
    with app_ctx.write() as session:
        cadence = add_cadence(file, session=session)
    out = app_ctx.output()

    def show() -> None:
        out.line(f"Added cadence {cadence.name}: {plural(len(cadence.steps), 'step')}.")
        for step in cadence.steps:
            out.line(f"  {step_line(step)}")

    out.emit(json=lambda: cadence_json(cadence), table=show)


@cadence_app.command("list")
def list_(ctx: typer.Context, json: JsonFlag = False) -> None:
    """List cadences, their steps and how many deals each is running on."""
    from salesflow.render.cadences import cadence_json, show_cadences
    from salesflow.services.followups.cadences import list_cadences

    app_ctx = state(ctx)
    with app_ctx.read() as session:
        cadences = list_cadences(session=session)
    out = app_ctx.output()
    out.emit(json=lambda: {"cadences": [cadence_json(c) for c in cadences]},
             table=lambda: show_cadences(out, cadences))  # fmt: skip


@cadence_app.command()
def start(
    ctx: typer.Context,
    deal: DealArg,
    name: Annotated[str, typer.Argument(help="Cadence name (see `cadence list`).")],
    json: JsonFlag = False,
) -> None:
    """Start a cadence on an open deal: its steps become follow-ups from today."""
    from salesflow.render.cadences import run_json, show_started
    from salesflow.services.followups.cadences import start_cadence

    app_ctx = state(ctx)
    with app_ctx.write() as session:
        run = start_cadence(deal, name, actor=app_ctx.actor, session=session)
    out = app_ctx.output()
    out.emit(json=lambda: run_json(run), table=lambda: show_started(out, run))


@cadence_app.command()
def stop(
    ctx: typer.Context,
    deal: DealArg,
    reason: Annotated[
        str | None, typer.Option("--reason", help="Why (kept on the run; default: by whom).")
    ] = None,
    json: JsonFlag = False,
) -> None:
    """Stop the deal's cadence: its open follow-ups go, done ones stay."""
    from salesflow.render.cadences import run_json, show_stopped
    from salesflow.services.followups.cadences import stop_cadence

    app_ctx = state(ctx)
    with app_ctx.write() as session:
        run = stop_cadence(deal, reason=reason, actor=app_ctx.actor, session=session)
    out = app_ctx.output()
    out.emit(json=lambda: run_json(run), table=lambda: show_stopped(out, run))
