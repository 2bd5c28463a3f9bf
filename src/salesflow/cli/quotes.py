"""`product …` (the catalogue) and `quote …` (configure, price, quote)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from salesflow.cli.app import CsvFlag, JsonFlag, group
from salesflow.cli.context import state
from salesflow.parsing.typed import currency_option, parse_money_option

Opt = typer.Option
product_app = group("product", "The product catalogue.")
quote_app = group("quote", "Quotes: lines, discounts, tax, approval, versions.")
QuoteId = Annotated[int, typer.Argument(metavar="Q", help="Quote id.")]


@product_app.command()
def add(
    ctx: typer.Context,
    sku: Annotated[str, typer.Argument(help="Stock-keeping unit, e.g. SEAT.")],
    name: Annotated[str, typer.Argument(help="Product name.")],
    price: Annotated[str, Opt("--price", help="Unit price: 49, 1,200.50, 12k.")],
    currency: Annotated[str | None, Opt("--currency", help="ISO 4217 (default: config).")] = None,
    unit: Annotated[
        str | None, Opt("--unit", help="seat, hour, licence … (default: each).")
    ] = None,
    recurring: Annotated[
        str | None,
        Opt("--recurring", help="month or year (default: one-off).", metavar="month|year"),
    ] = None,
    bundle: Annotated[
        str | None, Opt("--bundle", help="A bundle of SKU:QTY,… priced as a whole.")
    ] = None,
    json: JsonFlag = False,
) -> None:
    """Add a product (or a bundle) to the catalogue."""
    from salesflow.render.quotes import product_json
    from salesflow.services.catalogue import add_product, parse_bundle

    app_ctx = state(ctx)
    amount = parse_money_option(price)
    assert amount is not None
    items = parse_bundle(bundle) if bundle is not None else None
    with app_ctx.write() as session:
        view = add_product(
            sku,
            name,
            price=amount,
            currency=currency_option(currency),
            unit=unit,
            recurring=recurring,
            bundle=items,
            session=session,
        )
    out = app_ctx.output()
    out.emit(
        json=lambda: product_json(view), table=lambda: out.line(f"Added {view.sku}: {view.name}.")
    )


@product_app.command("list")
def list_products_(
    ctx: typer.Context,
    all_: Annotated[bool, Opt("--all", help="Inactive products too.")] = False,
    json: JsonFlag = False,
    csv: CsvFlag = False,
) -> None:
    """List the catalogue."""
    from salesflow.render.quotes import product_json, show_products
    from salesflow.services.catalogue import list_products

    app_ctx = state(ctx)
    with app_ctx.read() as session:
        products = list_products(session=session, include_inactive=all_)
    out = app_ctx.output()
    keys = ["sku", "name", "price", "currency", "unit", "recurring", "active"]
    out.emit(
        json=lambda: {"products": [product_json(p) for p in products]},
        csv=lambda: (keys, [[product_json(p)[k] for k in keys] for p in products]),
        table=lambda: show_products(out, products),
    )


@product_app.command()
def edit(
    ctx: typer.Context,
    sku: Annotated[str, typer.Argument(help="The product's SKU.")],
    name: Annotated[str | None, Opt("--name", help="New name.")] = None,
    price: Annotated[
        str | None, Opt("--price", help="New unit price (existing quotes keep theirs).")
    ] = None,
    unit: Annotated[str | None, Opt("--unit", help="New unit.")] = None,
    recurring: Annotated[
        str | None, Opt("--recurring", help="month, year or none.", metavar="month|year|none")
    ] = None,
    active: Annotated[
        bool | None, Opt("--active/--inactive", help="Offer it, or stop offering it.")
    ] = None,
    json: JsonFlag = False,
) -> None:
    """Change a product."""
    from salesflow.render.quotes import product_json
    from salesflow.services.catalogue import edit_product

    app_ctx = state(ctx)
    amount = parse_money_option(price)
    with app_ctx.write() as session:
        view = edit_product(
            sku,
            name=name,
            price=amount,
            unit=unit,
            recurring=recurring,
            active=active,
            session=session,
        )
    out = app_ctx.output()
    out.emit(json=lambda: product_json(view), table=lambda: out.line(f"Updated {view.sku}."))


def _terms(discount: str | None, tax: str | None) -> tuple[int | None, int | None]:
    from salesflow.parsing.percent import parse_percent

    return (
        None if discount is None else parse_percent(discount, what="discount"),
        None if tax is None else parse_percent(tax, what="tax"),
    )


def _print_quote(ctx: typer.Context, quote_id: int, message: str | None = None) -> None:
    """The quote as JSON, or `message` (formatted with the quote as `q`), or the whole quote."""
    from salesflow.render.quotes import quote_json, show_quote
    from salesflow.services.quotes import quote_view

    app_ctx = state(ctx)
    with app_ctx.read() as session:
        view = quote_view(quote_id, session=session)
    out = app_ctx.output()

    def show() -> None:
        if message:
            out.line(message.format(q=view))
        else:
            show_quote(out, view)

    out.emit(json=lambda: quote_json(view), table=show)


Lines = Annotated[list[str] | None, Opt("--line", help="SKU:QTY[:DISCOUNT%], repeatable.")]
Discount = Annotated[str | None, Opt("--discount", help="Quote discount in percent.")]
Tax = Annotated[str | None, Opt("--tax", help="Tax rate in percent.")]
ValidDays = Annotated[int | None, Opt("--valid-days", help="Valid for N days (default 30).")]


@quote_app.command()
def new(
    ctx: typer.Context,
    deal: Annotated[str, typer.Argument(help="Deal id or a piece of its title/company.")],
    line: Lines = None,
    discount: Discount = None,
    tax: Tax = None,
    valid_days: ValidDays = None,
    json: JsonFlag = False,
) -> None:
    """Make a quote for a deal, in the deal's currency."""
    from salesflow.services.quotes import new_quote, parse_line

    app_ctx = state(ctx)
    requests = [parse_line(x) for x in line or []]
    disc, rate = _terms(discount, tax)
    with app_ctx.write() as session:
        quote_id = new_quote(
            deal,
            requests,
            discount_bp=disc or 0,
            tax_bp=rate or 0,
            valid_days=valid_days,
            actor=app_ctx.actor,
            session=session,
        )
    _print_quote(ctx, quote_id)


@quote_app.command()
def revise(
    ctx: typer.Context,
    quote: QuoteId,
    line: Lines = None,
    discount: Discount = None,
    tax: Tax = None,
    valid_days: ValidDays = None,
    json: JsonFlag = False,
) -> None:
    """Make version n+1 of a quote (new lines replace the old); the old one is superseded."""
    from salesflow.services.quotes import parse_line, revise_quote

    app_ctx = state(ctx)
    requests = [parse_line(x) for x in line or []] or None
    disc, rate = _terms(discount, tax)
    with app_ctx.write() as session:
        quote_id = revise_quote(
            quote,
            requests,
            discount_bp=disc,
            tax_bp=rate,
            valid_days=valid_days,
            actor=app_ctx.actor,
            session=session,
        )
    _print_quote(ctx, quote_id)


@quote_app.command()
def show(ctx: typer.Context, quote: QuoteId, json: JsonFlag = False) -> None:
    """Show a quote: lines, discounts, tax, total."""
    _print_quote(ctx, quote)


@quote_app.command("list")
def list_quotes_(
    ctx: typer.Context,
    deal: Annotated[str | None, typer.Argument(help="Only this deal's quotes.")] = None,
    all_: Annotated[bool, Opt("--all", help="Superseded versions too.")] = False,
    json: JsonFlag = False,
) -> None:
    """List quotes, newest first."""
    from salesflow.render.quotes import quote_json, show_quotes
    from salesflow.services.quotes import list_quotes

    app_ctx = state(ctx)
    with app_ctx.read() as session:
        quotes = list_quotes(deal, session=session, include_superseded=all_)
    out = app_ctx.output()
    out.emit(json=lambda: {"quotes": [quote_json(q) for q in quotes]},
             table=lambda: show_quotes(out, quotes))  # fmt: skip


@quote_app.command()
def export(
    ctx: typer.Context,
    quote: QuoteId,
    out_file: Annotated[Path, Opt("--out", help="FILE.md or FILE.html.", metavar="FILE")],
) -> None:
    """Write a customer-ready document (Markdown or HTML)."""
    from salesflow.services.quote_documents import render_quote
    from salesflow.services.quotes import quote_view

    app_ctx = state(ctx)
    app_ctx.check_output(out_file)  # before anything is opened or created
    with app_ctx.read() as session:
        view = quote_view(quote, session=session)
    text = render_quote(view, out_file)
    app_ctx.write_file(out_file, text, what="quote export")
    app_ctx.output().line(f"Wrote {out_file}.")


def _decide(ctx: typer.Context, quote: int, action: str, message: str, **extra: str) -> None:
    """Run one status move (`approve_quote`, `send_quote` …) and print the quote."""
    from salesflow.services import quotes as service

    app_ctx = state(ctx)
    with app_ctx.write() as session:
        getattr(service, f"{action}_quote")(quote, actor=app_ctx.actor, session=session, **extra)
    _print_quote(ctx, quote, message)


@quote_app.command()
def approve(ctx: typer.Context, quote: QuoteId, json: JsonFlag = False) -> None:
    """Approve a discount above max_discount (not your own quote)."""
    _decide(ctx, quote, "approve", "Quote #{q.id} approved.")


@quote_app.command()
def send(ctx: typer.Context, quote: QuoteId, json: JsonFlag = False) -> None:
    """Mark a quote sent to the customer."""
    _decide(ctx, quote, "send", "Quote #{q.id} sent.")


@quote_app.command()
def accept(ctx: typer.Context, quote: QuoteId, json: JsonFlag = False) -> None:
    """The customer accepted: the deal is won with the quote's total."""
    _decide(ctx, quote, "accept", "Quote #{q.id} accepted: deal #{q.deal_id} won.")


@quote_app.command()
def reject(
    ctx: typer.Context,
    quote: QuoteId,
    reason: Annotated[str, Opt("--reason", help="Why the customer said no.")],
    json: JsonFlag = False,
) -> None:
    """The customer rejected this version."""
    _decide(ctx, quote, "reject", "Quote #{q.id} rejected.", reason=reason)
