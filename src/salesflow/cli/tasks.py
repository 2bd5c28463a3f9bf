"""Follow-ups: `task add | list | done | edit | remove` and the morning list, `due-today`."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from salesflow.cli.app import CsvFlag, JsonFlag, app, group
from salesflow.cli.context import state
from salesflow.parsing.typed import parse_day, validated

task_app = group("task", "Follow-ups on deals.")
Opt = typer.Option
TaskIds = Annotated[list[int], typer.Argument(metavar="ID", help="Follow-up ids (one or more).")]


@task_app.command()
def add(
    ctx: typer.Context,
    deal: Annotated[str, typer.Argument(help="Deal id or a piece of its title/company.")],
    text: Annotated[str, typer.Argument(help="What to do.")],
    due: Annotated[str, Opt("--due", help="Due day: 2026-12-01, tomorrow, +3d, fri, eow …")],
    owner: Annotated[str | None, Opt("--owner", help="Who does it (default: you).")] = None,
    repeat: Annotated[str | None, Opt("--repeat", help="daily, weekly, 2w or monthly.")] = None,
    json: JsonFlag = False,
) -> None:
    """Add a follow-up to a deal."""
    from salesflow.models.schemas import FollowUpCreate
    from salesflow.render.formats import day_json
    from salesflow.services.followups.tasks import add_task

    app_ctx = state(ctx)
    task = validated(FollowUpCreate, text=text, due=parse_day(due), owner=owner or app_ctx.actor,
                     repeat=repeat)  # fmt: skip
    with app_ctx.write() as session:
        row = add_task(deal, task, actor=app_ctx.actor, session=session)
    out = app_ctx.output()
    out.emit(
        json=lambda: {"id": row.id, "deal_id": row.deal_id, "text": row.text,
                      "due": day_json(row.due), "owner": row.owner, "repeat": row.repeat},
        table=lambda: out.line(f"Follow-up {row.id} on deal #{row.deal_id}, due {row.due}."),
    )  # fmt: skip


@task_app.command("list")
def list_(
    ctx: typer.Context,
    owner: Annotated[str | None, Opt("--owner", help="Only this rep's follow-ups.")] = None,
    deal: Annotated[str | None, Opt("--deal", help="Only this deal's follow-ups.")] = None,
    all_: Annotated[bool, Opt("--all", help="Done ones too.")] = False,
    limit: Annotated[int | None, Opt("--limit", help="At most N.")] = None,
    json: JsonFlag = False,
    csv: CsvFlag = False,
) -> None:
    """List open follow-ups, soonest first."""
    from salesflow.render.tasks import TASK_COLUMNS, show_tasks, task_json, task_rows
    from salesflow.services.followups.lists import list_tasks

    app_ctx = state(ctx)
    if deal:  # a deal reference (id, title words …) is resolved the full way
        from salesflow.db.reader import reader_for
        from salesflow.services.deals.leads import resolve_deal

        with app_ctx.read() as session:
            deal_id = resolve_deal(deal, session=session).id
            tasks = list_tasks(reader=reader_for(session), owner=owner, deal_id=deal_id,
                               include_done=all_, limit=limit)  # fmt: skip
    else:
        with app_ctx.reader() as reader:
            tasks = list_tasks(reader=reader, owner=owner, include_done=all_, limit=limit)
    out = app_ctx.output()
    out.emit(
        json=lambda: {"tasks": [task_json(t) for t in tasks]},
        csv=lambda: (TASK_COLUMNS, task_rows(tasks)),
        table=lambda: show_tasks(out, tasks, empty="No open follow-ups.", done=all_),
    )


@task_app.command()
def done(
    ctx: typer.Context,
    task_ids: TaskIds,
    json: JsonFlag = False,
) -> None:
    """Mark follow-ups done (a repeating one schedules its next); one bad id changes nothing."""
    from salesflow.render.formats import day_json, when_json
    from salesflow.services.followups.tasks import finish_tasks

    app_ctx = state(ctx)
    finished = app_ctx.change(finish_tasks, task_ids)
    out = app_ctx.output()

    def data() -> dict[str, Any]:
        items = [{"id": row.id, "done_at": when_json(row.done_at),
                  "next": None if following is None else
                  {"id": following.id, "due": day_json(following.due)}}
                 for row, following in finished]  # fmt: skip
        return items[0] if len(items) == 1 else {"tasks": items}

    def show() -> None:
        for row, following in finished:
            out.line(f"Done: {row.text}")
            if following is not None:
                out.line(f"Next one ({following.repeat}) is follow-up {following.id}, "
                         f"due {following.due}.")  # fmt: skip

    out.emit(json=data, table=show)


@task_app.command()
def remove(
    ctx: typer.Context,
    task_ids: TaskIds,
    json: JsonFlag = False,
) -> None:
    """Remove follow-ups (the deal's history keeps them); one bad id changes nothing."""
    from salesflow.services.followups.tasks import remove_tasks

    app_ctx = state(ctx)
    removed = app_ctx.change(remove_tasks, task_ids)
    out = app_ctx.output()

    def show() -> None:
        for row in removed:
            out.line(f"Removed follow-up {row.id} on deal #{row.deal_id}: {row.text}")

    out.emit(json=lambda: {"removed": [{"id": row.id, "deal_id": row.deal_id, "text": row.text}
                                       for row in removed]}, table=show)  # fmt: skip


@task_app.command()
def edit(
    ctx: typer.Context,
    task_id: Annotated[int, typer.Argument(metavar="ID", help="Follow-up id.")],
    due: Annotated[str | None, Opt("--due", help="New due day.")] = None,
    text: Annotated[str | None, Opt("--text", help="New text.")] = None,
    owner: Annotated[str | None, Opt("--owner", help="New owner.")] = None,
    json: JsonFlag = False,
) -> None:
    """Change a follow-up's due day, text or owner."""
    from salesflow.render.formats import day_json
    from salesflow.services.followups.tasks import edit_task

    app_ctx = state(ctx)
    day = parse_day(due)
    with app_ctx.write() as session:
        row = edit_task(task_id, due=day, text=text, owner=owner, session=session,
                        actor=app_ctx.actor)  # fmt: skip
    out = app_ctx.output()
    out.emit(json=lambda: {"id": row.id, "deal_id": row.deal_id, "text": row.text,
                           "due": day_json(row.due), "owner": row.owner},
             table=lambda: out.line(f"Follow-up {row.id}: {row.text}, due {row.due}."))  # fmt: skip


@app.command("due-today")
def due_today(
    ctx: typer.Context,
    owner: Annotated[str | None, Opt("--owner", help="This rep's list (default: yours).")] = None,
    all_: Annotated[bool, Opt("--all", help="Everyone's.")] = False,
    limit: Annotated[int | None, Opt("--limit", help="At most N.")] = None,
    json: JsonFlag = False,
    csv: CsvFlag = False,
) -> None:
    """What is due by the end of today: overdue first, then today."""
    from salesflow.errors import UsageProblem
    from salesflow.render.tasks import TASK_COLUMNS, due_json, show_due, task_rows
    from salesflow.services.followups.lists import due_today as build

    if owner and all_:
        raise UsageProblem("--owner and --all exclude each other")
    app_ctx = state(ctx)
    who = None if all_ else (owner or app_ctx.actor)
    with app_ctx.reader() as reader:
        due = build(reader=reader, owner=who, limit=limit)
    out = app_ctx.output()
    out.emit(json=lambda: due_json(due), csv=lambda: (TASK_COLUMNS, task_rows(due.tasks)),
             table=lambda: show_due(out, due, yours=who is not None and owner is None))  # fmt: skip
