"""Customer-ready quote documents (Markdown or HTML) from sandboxed Jinja2 templates.

Besides the quote itself a template gets `seller` (config `seller`, else the `[smtp] from`
name, else the rep who made the quote) and `issued` (the day the quote was made, local time).

The built-in templates live in the package; a user's `quote.md.j2` / `quote.html.j2` in the
templates folder (next to the config file, or config `templates_dir`) replaces them.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from salesflow.errors import InvalidInput
from salesflow.parsing.money import money_text
from salesflow.parsing.percent import percent_text
from salesflow.services.quote_views import QuoteView

FORMATS = {".md": "quote.md.j2", ".html": "quote.html.j2", ".htm": "quote.html.j2"}


def _template_text(name: str) -> str:
    from salesflow.config import templates_dir

    custom = templates_dir() / name
    if custom.is_file():
        return custom.read_text(encoding="utf-8")
    return resources.files("salesflow.data").joinpath(name).read_text(encoding="utf-8")


def _fields(quote: QuoteView) -> dict[str, Any]:
    def money(minor: int) -> str:
        return f"{money_text(minor, quote.currency)}"

    from salesflow.clock import to_local
    from salesflow.config import seller_name

    return {
        "quote": {"id": quote.id, "version": quote.version, "status": quote.status},
        "seller": seller_name(quote.created_by),
        "issued": to_local(quote.created_at).date().isoformat(),
        "deal": quote.deal,
        "company": quote.company,
        "contact": quote.contact,
        "currency": quote.currency,
        "valid_until": quote.valid_until.isoformat(),
        "lines": [
            {
                "sku": ln.sku,
                "name": ln.name,
                "qty": ln.qty,
                "unit_price": money(ln.unit_price_minor),
                "discount": f"{percent_text(ln.discount_bp)}%" if ln.discount_bp else "",
                "amount": money(ln.amount_minor),
                "recurring": ln.recurring,
            }
            for ln in quote.lines
        ],
        "subtotal": money(quote.subtotal_minor),
        "discount_pct": percent_text(quote.discount_bp),
        "discount": money(quote.discount_minor),
        "tax_pct": percent_text(quote.tax_bp),
        "tax": money(quote.tax_minor),
        "total": money(quote.total_minor),
    }


def render_quote(quote: QuoteView, out: Path) -> str:
    """The document text for `out`'s format (by suffix; Markdown for `-`, standard output)."""
    from jinja2 import StrictUndefined, TemplateError
    from jinja2.sandbox import SandboxedEnvironment

    from salesflow.outfiles import is_stdout

    name = FORMATS.get(".md" if is_stdout(out) else out.suffix.lower())
    if name is None:
        raise InvalidInput(f"cannot tell the format of {out.name}", hint="use a .md or .html file")
    html = name.startswith("quote.html")
    env = SandboxedEnvironment(
        undefined=StrictUndefined, autoescape=html, keep_trailing_newline=True
    )
    try:
        return env.from_string(_template_text(name)).render(**_fields(quote))
    except TemplateError as exc:
        raise InvalidInput(f"quote template {name}: {exc}") from None
