"""Products and quotes on screen and in JSON."""

from __future__ import annotations

from typing import Any

from salesflow.parsing.percent import percent_text
from salesflow.render.formats import day_json, money_json, money_screen
from salesflow.render.output import Column, Output
from salesflow.services.catalogue import ProductView
from salesflow.services.quote_views import QuoteView


def product_json(p: ProductView) -> dict[str, Any]:
    """A product's JSON keys."""
    return {
        "sku": p.sku,
        "name": p.name,
        "price": money_json(p.price_minor, p.currency),
        "currency": p.currency,
        "unit": p.unit,
        "recurring": p.recurring,
        "active": p.active,
        "bundle": [{"sku": s, "qty": q} for s, q in p.bundle],
    }


def show_products(out: Output, products: list[ProductView]) -> None:
    """`product list`."""
    if not products:
        out.line("The catalogue is empty: `salesflow product add SKU NAME --price P`.")
        return
    out.table(
        [
            Column("sku"),
            Column("name"),
            Column("price", True),
            Column("unit"),
            Column("recurring"),
            Column("bundle"),
            Column("active"),
        ],
        [
            [
                p.sku,
                p.name,
                money_screen(p.price_minor, p.currency),
                p.unit,
                p.recurring or "",
                ", ".join(f"{q} × {s}" for s, q in p.bundle),
                "yes" if p.active else "no",
            ]
            for p in products
        ],
    )


def quote_json(q: QuoteView) -> dict[str, Any]:
    """`quote show --json`: the contract's keys."""
    return {
        "id": q.id,
        "deal_id": q.deal_id,
        "version": q.version,
        "status": q.status,
        "currency": q.currency,
        "lines": [
            {
                "sku": ln.sku,
                "name": ln.name,
                "qty": ln.qty,
                "unit_price": money_json(ln.unit_price_minor, q.currency),
                "discount_pct": percent_text(ln.discount_bp),
                "amount": money_json(ln.amount_minor, q.currency),
                "recurring": ln.recurring,
            }
            for ln in q.lines
        ],
        "subtotal": money_json(q.subtotal_minor, q.currency),
        "discount_pct": percent_text(q.discount_bp),
        "discount": money_json(q.discount_minor, q.currency),
        "tax_pct": percent_text(q.tax_bp),
        "tax": money_json(q.tax_minor, q.currency),
        "total": money_json(q.total_minor, q.currency),
        "valid_until": day_json(q.valid_until),
        "created_by": q.created_by,
        "approved_by": q.approved_by,
        "supersedes": q.supersedes_id,
    }


def show_quote(out: Output, q: QuoteView) -> None:
    """A quote for people."""
    out.line(
        f"Quote #{q.id} v{q.version} · {q.status} · deal #{q.deal_id} {q.deal}"
        f"{' · ' + q.company if q.company else ''} · valid until {q.valid_until}",
        style="bold",
    )
    out.table(
        [
            Column("sku"),
            Column("item"),
            Column("qty", True),
            Column("unit price", True),
            Column("disc.", True),
            Column("amount", True),
        ],
        [
            [
                ln.sku,
                ln.name + (f" /{ln.recurring}" if ln.recurring else ""),
                ln.qty,
                money_screen(ln.unit_price_minor, q.currency),
                f"{percent_text(ln.discount_bp)}%" if ln.discount_bp else "",
                money_screen(ln.amount_minor, q.currency),
            ]
            for ln in q.lines
        ],
    )
    rows = [("Subtotal", money_screen(q.subtotal_minor, q.currency))]
    if q.discount_bp:
        rows.append(
            (
                f"Discount {percent_text(q.discount_bp)}%",
                "-" + money_screen(q.discount_minor, q.currency),
            )
        )
    if q.tax_bp:
        rows.append((f"Tax {percent_text(q.tax_bp)}%", money_screen(q.tax_minor, q.currency)))
    rows.append(("Total", money_screen(q.total_minor, q.currency)))
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        out.line(f"  {key.ljust(width)}  {value}")


def show_quotes(out: Output, quotes: list[QuoteView]) -> None:
    """`quote list`."""
    if not quotes:
        out.line("No quotes.")
        return
    out.table(
        [
            Column("id", True),
            Column("deal"),
            Column("v", True),
            Column("status"),
            Column("total", True),
            Column("valid until"),
        ],
        [
            [
                q.id,
                f"#{q.deal_id} {q.deal}",
                q.version,
                q.status,
                money_screen(q.total_minor, q.currency),
                q.valid_until,
            ]
            for q in quotes
        ],
    )
