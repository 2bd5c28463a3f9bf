"""One deal: `show`, `edit`, `advance`, `won`, `lost`, `reopen`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from salesflow.cli.app import JsonFlag, app
from salesflow.cli.context import state
from salesflow.parsing.typed import currency_option, parse_day, parse_money_option, validated

if TYPE_CHECKING:
    from salesflow.services.deals.moves import Moved

Opt = typer.Option
DealArg = Annotated[str, typer.Argument(help="Deal id (42, #42) or a piece of its title/company.")]


def _confirm(ctx: typer.Context, moved: Moved, line: str) -> None:
    """A move's confirmation: `line` (made from what the move returned) and the playbook
    follow-ups it closed; with --json the whole card, as the contract promises (read only then).
    """
    out = state(ctx).output()

    def show() -> None:
        out.line(line)
        also = moved.closed.sentence()
        if also:
            out.line(also)

    out.emit(json=lambda: _card_json(ctx, moved.deal_id), table=show)


def _card_json(ctx: typer.Context, deal_id: int) -> dict[str, Any]:
    """The deal card as JSON, read after the write."""
    from salesflow.render.deals import deal_json
    from salesflow.services.deals.card import deal_card

    with state(ctx).reader() as reader:
        return deal_json(deal_card(deal_id, reader=reader))


@app.command()
def show(ctx: typer.Context, deal: DealArg, json: JsonFlag = False) -> None:
    """The deal card: company, contact, stage, value, follow-ups, history, quotes."""
    from salesflow.render.deals import deal_json, show_card
    from salesflow.services.deals.card import deal_card
    from salesflow.services.deals.lookups import deal_id

    app_ctx = state(ctx)
    with app_ctx.reader() as reader:
        card = deal_card(deal_id(deal, reader=reader), reader=reader)
    out = app_ctx.output()
    out.emit(json=lambda: deal_json(card), table=lambda: show_card(out, card))


@app.command()
def edit(
    ctx: typer.Context,
    deal: DealArg,
    title: Annotated[str | None, Opt("--title", help="New title.")] = None,
    value: Annotated[str | None, Opt("--value", help="New value.")] = None,
    currency: Annotated[str | None, Opt("--currency", help="New currency (ISO 4217).")] = None,
    owner: Annotated[str | None, Opt("--owner", help="New owner.")] = None,
    close_by: Annotated[str | None, Opt("--close-by", help="New expected close date.")] = None,
    source: Annotated[str | None, Opt("--source", help="New source.")] = None,
    if_version: Annotated[
        int | None,
        Opt(
            "--if-version",
            min=1,
            help="Refuse (exit 1) if the deal changed since this version (`show --json`).",
        ),
    ] = None,
    json: JsonFlag = False,
) -> None:
    """Change a deal's fields; each change is recorded with who and when."""
    from salesflow.models.schemas import DealEdit
    from salesflow.services.deals.leads import edit_deal

    app_ctx = state(ctx)
    changes = validated(
        DealEdit,
        title=title,
        value=parse_money_option(value),
        currency=currency_option(currency) if currency else None,
        owner=owner,
        close_by=parse_day(close_by),
        source=source,
    )
    with app_ctx.write() as session:
        edited = edit_deal(deal, changes, actor=app_ctx.actor, session=session,
                           if_version=if_version)  # fmt: skip
    out = app_ctx.output()
    out.emit(json=lambda: _card_json(ctx, edited.id),
             table=lambda: out.line(f"Updated #{edited.id} {edited.title}."))  # fmt: skip


@app.command()
def advance(
    ctx: typer.Context,
    deal: DealArg,
    to: Annotated[
        str | None, Opt("--to", help="Target stage (key or name); back moves allowed.")
    ] = None,
    note: Annotated[str | None, Opt("--note", help="Why.")] = None,
    force: Annotated[
        bool, Opt("--force", help="Override the gates of the stages entered (recorded).")
    ] = False,
    json: JsonFlag = False,
) -> None:
    """Move a deal to the next stage, or to --to STAGE."""
    from salesflow.services.deals.moves import advance_deal

    app_ctx = state(ctx)
    with app_ctx.write() as session:
        moved = advance_deal(deal, to=to, note=note, force=force, actor=app_ctx.actor,
                               session=session)  # fmt: skip
    _confirm(ctx, moved, f"#{moved.deal_id} {moved.title} → {moved.stage_name}")


@app.command()
def won(
    ctx: typer.Context,
    deal: DealArg,
    amount: Annotated[str | None, Opt("--amount", help="Won amount (default: deal value).")] = None,
    on: Annotated[str | None, Opt("--on", help="Close date (default: today).")] = None,
    note: Annotated[str | None, Opt("--note", help="Note.")] = None,
    handoff: Annotated[
        str | None, Opt("--handoff", help="What was promised, for customer success.")
    ] = None,
    json: JsonFlag = False,
) -> None:
    """Close a deal as won (the company becomes a customer)."""
    from salesflow.services.deals.moves import win_deal

    app_ctx = state(ctx)
    amount_value, day = parse_money_option(amount), parse_day(on)
    with app_ctx.write() as session:
        moved = win_deal(deal, amount=amount_value, on=day, note=note, actor=app_ctx.actor,
                           session=session, handoff=handoff)  # fmt: skip
    _confirm(ctx, moved, f"Won #{moved.deal_id} {moved.title}. Nice.")


@app.command()
def lost(
    ctx: typer.Context,
    deal: DealArg,
    reason: Annotated[
        str, Opt("--reason", help="price, timing, competitor, no-budget, no-decision, fit, other.")
    ],
    competitor: Annotated[str | None, Opt("--competitor", help="Who won it.")] = None,
    note: Annotated[str | None, Opt("--note", help="Note.")] = None,
    on: Annotated[str | None, Opt("--on", help="Close date (default: today).")] = None,
    json: JsonFlag = False,
) -> None:
    """Close a deal as lost, with a reason."""
    from salesflow.services.deals.moves import lose_deal

    app_ctx = state(ctx)
    day = parse_day(on)
    with app_ctx.write() as session:
        moved = lose_deal(deal, reason=reason, competitor=competitor, note=note, on=day,
                            actor=app_ctx.actor, session=session)  # fmt: skip
    _confirm(ctx, moved, f"Lost #{moved.deal_id} {moved.title} ({moved.reason}).")


@app.command()
def reopen(
    ctx: typer.Context,
    deal: DealArg,
    to: Annotated[
        str | None, Opt("--to", help="Open stage to return to (default: where it closed).")
    ] = None,
    note: Annotated[str | None, Opt("--note", help="Why.")] = None,
    json: JsonFlag = False,
) -> None:
    """Put a won or lost deal back into the pipeline."""
    from salesflow.services.deals.moves import reopen_deal

    app_ctx = state(ctx)
    with app_ctx.write() as session:
        moved = reopen_deal(deal, to=to, note=note, actor=app_ctx.actor, session=session)
    _confirm(ctx, moved, f"Reopened #{moved.deal_id} {moved.title} in {moved.stage_name}.")
