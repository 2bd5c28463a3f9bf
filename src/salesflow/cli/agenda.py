"""Looking ahead and looking for cold deals: `agenda` and `stale`."""

from __future__ import annotations

from typing import Annotated

import typer

from salesflow.cli.app import CsvFlag, JsonFlag, app
from salesflow.cli.context import state

Opt = typer.Option


def _who(ctx: typer.Context, owner: str | None, all_: bool) -> str | None:
    from salesflow.errors import UsageProblem

    if owner and all_:
        raise UsageProblem("--owner and --all exclude each other")
    return None if all_ else (owner or state(ctx).actor)


@app.command()
def agenda(
    ctx: typer.Context,
    days: Annotated[int, Opt("--days", help="How many days from today (default 7).")] = 7,
    owner: Annotated[str | None, Opt("--owner", help="This rep's agenda (default: yours).")] = None,
    all_: Annotated[bool, Opt("--all", help="Everyone's.")] = False,
    json: JsonFlag = False,
    csv: CsvFlag = False,
) -> None:
    """Open follow-ups per day for the coming days, overdue ones first."""
    from salesflow.render.agenda import agenda_json, show_agenda
    from salesflow.render.tasks import TASK_COLUMNS, task_rows
    from salesflow.services.followups.lists import agenda as build

    app_ctx = state(ctx)
    who = _who(ctx, owner, all_)
    with app_ctx.reader() as reader:
        result = build(reader=reader, days=days, owner=who)
    out = app_ctx.output()
    tasks = result.overdue + [t for d in result.days for t in d.tasks]
    out.emit(json=lambda: agenda_json(result), csv=lambda: (TASK_COLUMNS, task_rows(tasks)),
             table=lambda: show_agenda(out, result))  # fmt: skip


@app.command()
def stale(
    ctx: typer.Context,
    pipeline: Annotated[str | None, Opt("--pipeline", help="Only this pipeline's deals.")] = None,
    owner: Annotated[str | None, Opt("--owner", help="Only this rep's deals.")] = None,
    limit: Annotated[int | None, Opt("--limit", help="At most N of each list.")] = None,
    json: JsonFlag = False,
) -> None:
    """Rotting deals (idle past their stage's rot days) and deals with no next step."""
    from salesflow.render.stale import show_stale, stale_json
    from salesflow.services.followups.stale import find_stale

    app_ctx = state(ctx)
    with app_ctx.reader() as reader:
        result = find_stale(reader=reader, pipeline=pipeline, owner=owner, limit=limit)
    out = app_ctx.output()
    out.emit(json=lambda: stale_json(result), table=lambda: show_stale(out, result))
