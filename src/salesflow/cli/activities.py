"""`log`: recording what happened on a deal."""

from __future__ import annotations

from typing import Annotated

import typer

from salesflow.cli.app import JsonFlag, app
from salesflow.cli.context import state

Opt = typer.Option


@app.command()
def log(
    ctx: typer.Context,
    deal: Annotated[str, typer.Argument(help="Deal id or a piece of its title/company.")],
    kind: Annotated[
        str,
        typer.Argument(
            metavar="TYPE",
            help="call, email, meeting, demo, note, support, or an engagement event: "
            "email_opened, link_clicked, site_visit, form_submitted, demo_requested, replied.",
        ),
    ],
    summary: Annotated[str, typer.Argument(help="What happened.")],
    at: Annotated[
        str | None, Opt("--at", help="When (default: now): 2026-11-20T14:30, -2d …")
    ] = None,
    outcome: Annotated[str | None, Opt("--outcome", help="How it went.")] = None,
    json: JsonFlag = False,
) -> None:
    """Log an activity or engagement event on a deal."""
    from salesflow.parsing.typed import parse_moment
    from salesflow.render.formats import when_json
    from salesflow.services.deals.activities import log_activity

    app_ctx = state(ctx)
    moment = parse_moment(at)
    with app_ctx.write() as session:
        activity = log_activity(
            deal, kind, summary, at=moment, outcome=outcome, actor=app_ctx.actor, session=session
        )
    out = app_ctx.output()
    out.emit(
        json=lambda: {
            "id": activity.id,
            "deal_id": activity.deal_id,
            "type": activity.type,
            "summary": activity.summary,
            "at": when_json(activity.at),
            "by": activity.by,
            "outcome": activity.outcome,
        },
        table=lambda: out.line(f"Logged {activity.type} on deal #{activity.deal_id}."),
    )
