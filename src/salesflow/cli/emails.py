"""`email draft`: a templated email to a deal's contact, drafted to the outbox or sent."""

from __future__ import annotations

from typing import Annotated

import typer

from salesflow.cli.app import JsonFlag, group
from salesflow.cli.context import state

email_app = group("email", "Emails to a deal's contact from templates.")


@email_app.command()
def draft(
    ctx: typer.Context,
    deal: Annotated[str, typer.Argument(help="Deal id (42, #42) or a piece of its title/company.")],
    template: Annotated[
        str, typer.Option("--template", help="Template name: NAME.eml.j2 in the templates folder.")
    ],
    send: Annotated[
        bool, typer.Option("--send", help="Send it through the [smtp] server in config.toml.")
    ] = False,
    json: JsonFlag = False,
) -> None:
    """Render a template for the deal's contact into an .eml in the outbox (and --send it)."""
    from salesflow.config import outbox_dir
    from salesflow.render.emails import email_json, show_email
    from salesflow.services.emails import draft_email

    app_ctx = state(ctx)
    outbox = outbox_dir(app_ctx.database().target)
    with app_ctx.write() as session:
        result = draft_email(deal, template, send=send, actor=app_ctx.actor, outbox=outbox,
                             session=session)  # fmt: skip
    out = app_ctx.output()
    out.emit(json=lambda: email_json(result), table=lambda: show_email(out, result))
