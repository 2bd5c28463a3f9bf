"""`lead add | list`: bringing leads in and seeing the open pipeline."""

from __future__ import annotations

from typing import Annotated

import typer

from salesflow.cli.app import (
    CsvFlag,
    JsonFlag,
    group,
)
from salesflow.cli.context import state

lead_app = group("lead", "Add and list leads (deals).")

Opt = typer.Option


@lead_app.command()
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The lead's name: the deal title.")],
    company: Annotated[str | None, Opt("--company", help="Company (reused by name).")] = None,
    contact: Annotated[str | None, Opt("--contact", help="Contact person.")] = None,
    email: Annotated[str | None, Opt("--email", help="Contact email (reused when known).")] = None,
    phone: Annotated[str | None, Opt("--phone", help="Contact phone.")] = None,
    title: Annotated[str | None, Opt("--title", help="Contact's job title.")] = None,
    source: Annotated[
        str | None, Opt("--source", help="Lead source (referral, inbound …).")
    ] = None,
    value: Annotated[
        str | None, Opt("--value", help="Deal value: 12000, 12,000.50, 12.5k.")
    ] = None,
    currency: Annotated[
        str | None, Opt("--currency", help="ISO 4217 code (default: config).")
    ] = None,
    owner: Annotated[str | None, Opt("--owner", help="Owning rep (default: you).")] = None,
    close_by: Annotated[str | None, Opt("--close-by", help="Expected close date.")] = None,
    created: Annotated[
        str | None, Opt("--created", help="When the deal started, if before today.", metavar="DATE")
    ] = None,
    pipeline: Annotated[
        str | None, Opt("--pipeline", help="Pipeline (default: the default).")
    ] = None,
    industry: Annotated[str | None, Opt("--industry", help="Company industry.")] = None,
    employees: Annotated[int | None, Opt("--employees", help="Company head count.")] = None,
    country: Annotated[str | None, Opt("--country", help="Company country.")] = None,
    upsell_of: Annotated[
        str | None,
        Opt("--upsell-of", help="An expansion of this won deal (same customer).", metavar="DEAL"),
    ] = None,
    json: JsonFlag = False,
) -> None:
    """Add a lead: company, contact and a deal in the pipeline's first stage. Prints its id."""
    from salesflow.render.deals import deal_json, warn_repeat
    from salesflow.services.deals.leads import add_lead, typed_lead

    app_ctx = state(ctx)
    lead = typed_lead(
        name=name, company=company, contact=contact, email=email, phone=phone, job_title=title,
        source=source, value=value, currency=currency, owner=owner or app_ctx.actor,
        close_by=close_by, created=created, industry=industry, employees=employees,
        country=country,
    )  # fmt: skip
    with app_ctx.write() as session:
        added = add_lead(lead, pipeline=pipeline, actor=app_ctx.actor, session=session,
                         upsell_of=upsell_of)  # fmt: skip
        card = None
        if app_ctx.format == "json":  # the card of this very write, read in its transaction
            from salesflow.db.reader import reader_for
            from salesflow.services.deals.card import deal_card

            card = deal_card(added.id, reader=reader_for(session))
    out = app_ctx.output()
    if added.repeats is not None:
        warn_repeat(added.repeats)
    out.emit(json=lambda: deal_json(card) if card is not None else None,
             table=lambda: out.line(str(added.id)))  # fmt: skip


@lead_app.command("list")
def list_(
    ctx: typer.Context,
    stage: Annotated[str | None, Opt("--stage", help="Only this stage (key or name).")] = None,
    owner: Annotated[str | None, Opt("--owner", help="Only this rep's deals.")] = None,
    pipeline: Annotated[str | None, Opt("--pipeline", help="Only this pipeline.")] = None,
    all_: Annotated[bool, Opt("--all", help="Closed deals too.")] = False,
    sort: Annotated[str, Opt("--sort", help="score, value, age, close or id.")] = "id",
    limit: Annotated[int | None, Opt("--limit", help="At most N deals.")] = None,
    json: JsonFlag = False,
    csv: CsvFlag = False,
) -> None:
    """List open deals (--all: closed ones too)."""
    from salesflow.render.deals import LIST_COLUMNS, deal_json, list_rows, show_list
    from salesflow.services.deals.lists import list_deals

    app_ctx = state(ctx)
    with app_ctx.reader() as reader:
        deals = list_deals(reader=reader, stage=stage, owner=owner, pipeline=pipeline,
                           include_closed=all_, sort=sort, limit=limit)  # fmt: skip
    out = app_ctx.output()
    out.emit(
        json=lambda: {"deals": [deal_json(d, history=False) for d in deals]},
        csv=lambda: (LIST_COLUMNS, list_rows(deals)),
        table=lambda: show_list(out, deals),
    )
