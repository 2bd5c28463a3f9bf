"""`history DEAL`: the audit trail of one deal."""

from __future__ import annotations

from typing import Annotated

import typer

from salesflow.cli.app import JsonFlag, app
from salesflow.cli.context import state


@app.command()
def history(
    ctx: typer.Context,
    deal: Annotated[str, typer.Argument(help="Deal id (42, #42) or a piece of its title/company.")],
    json: JsonFlag = False,
) -> None:
    """The audit trail: every change to the deal, who, when, old → new."""
    from salesflow.render.history import history_json, show_history
    from salesflow.services.deals.history import deal_history

    app_ctx = state(ctx)
    with app_ctx.read() as session:
        trail = deal_history(deal, session=session)
    out = app_ctx.output()
    out.emit(json=lambda: history_json(trail), table=lambda: show_history(out, trail))
