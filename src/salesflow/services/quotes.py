"""Quotes: configure, price, quote. Versions, approval, sending, accepting (which wins the deal).

Statuses: draft → (pending_approval → approved) → sent → accepted | rejected, and `expired` once
`valid_until` has passed without a decision. A revision makes version n+1 and supersedes the old
one. A discount above the configured `max_discount` needs approval by someone other than the
author before the quote can be sent: a line's discount, the quote's, or all of them together
(the effective discount against list price). A quote whose total no deal could be won for
(`amount … is too large`) is refused when it is written, not when the customer accepts it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from salesflow.clock import now_utc, today
from salesflow.config import load_config
from salesflow.errors import InvalidInput, InvalidMove, NotFound
from salesflow.models import Company, Contact, Deal, Quote, QuoteLine
from salesflow.parsing.percent import parse_percent
from salesflow.services.catalogue import find_product
from salesflow.services.deals.audit import record_change
from salesflow.services.deals.leads import resolve_deal
from salesflow.services.quote_math import effective_discount_above, quote_totals

if TYPE_CHECKING:
    from sqlmodel import Session

OPEN_STATUSES = ("draft", "pending_approval", "approved", "sent")
DEFAULT_VALID_DAYS = 30


@dataclass(frozen=True)
class LineRequest:
    """A line as typed: `SKU:QTY[:DISC%]`."""

    sku: str
    qty: int
    discount_bp: int


@dataclass(frozen=True)
class LineView:
    """A priced line."""

    sku: str
    name: str
    qty: int
    unit_price_minor: int
    discount_bp: int
    amount_minor: int
    recurring: str | None


@dataclass(frozen=True)
class QuoteView:
    """A quote version with its lines and totals, and the deal it belongs to."""

    id: int
    deal_id: int
    deal: str
    company: str | None
    contact: str | None
    email: str | None
    version: int
    status: str
    currency: str
    lines: list[LineView]
    subtotal_minor: int
    discount_bp: int
    discount_minor: int
    tax_bp: int
    tax_minor: int
    total_minor: int
    valid_until: date
    created_by: str
    approved_by: str | None
    supersedes_id: int | None
    created_at: datetime  # UTC: the issue date of the document


def parse_line(text: str) -> LineRequest:
    """`SKU:QTY[:DISC%]` → a line request."""
    parts = text.strip().split(":")
    if len(parts) not in (2, 3) or not parts[0]:
        raise InvalidInput(
            f"line {text!r} is not SKU:QTY[:DISCOUNT%]", hint="e.g. --line SEAT:10:5%"
        )
    try:
        qty = int(parts[1])
    except ValueError:
        raise InvalidInput(f"quantity {parts[1]!r} in {text!r} is not a whole number") from None
    if qty < 1:
        raise InvalidInput(f"quantity in {text!r} must be 1 or more")
    discount = parse_percent(parts[2], what="line discount") if len(parts) == 3 else 0
    return LineRequest(parts[0], qty, discount)


def max_discount_bp() -> int:
    """The configured `max_discount` (percent, default 20) in hundredths of a percent."""
    raw = load_config().extra.get("max_discount", 20)
    return parse_percent(str(raw), what="config max_discount")


def effective_status(quote: Quote) -> str:
    """The stored status, or `expired` once an open quote is past its validity."""
    if quote.status in OPEN_STATUSES and today() > quote.valid_until:
        return "expired"
    return quote.status


def _get(quote_id: int, *, session: Session) -> Quote:
    quote = session.get(Quote, quote_id, with_for_update=True)
    if quote is None:
        raise NotFound(f"no quote #{quote_id}", hint="`salesflow quote list` shows them")
    return quote


def _price_lines(
    requests: list[LineRequest], currency: str, *, session: Session
) -> list[QuoteLine]:
    if not requests:
        raise InvalidInput("a quote needs at least one --line SKU:QTY")
    lines = []
    for position, request in enumerate(requests):
        product = find_product(request.sku, session=session)
        if not product.active:
            raise InvalidInput(
                f"product {product.sku} is inactive",
                hint="reactivate it with `product edit --active`",
            )
        if product.currency != currency:
            raise InvalidInput(
                f"product {product.sku} is priced in {product.currency}; the deal is in {currency}"
            )
        lines.append(
            QuoteLine(
                quote_id=0,
                position=position,
                product_id=product.id,
                sku=product.sku,
                name=product.name,
                qty=request.qty,
                unit_price_minor=product.price_minor,
                discount_bp=request.discount_bp,
                amount_minor=0,
                recurring=product.recurring,
            )
        )
    return lines


def _store(
    deal: Deal,
    lines: list[QuoteLine],
    *,
    discount_bp: int,
    tax_bp: int,
    valid_days: int,
    version: int,
    supersedes: int | None,
    actor: str,
    session: Session,
) -> int:
    if valid_days < 1 or valid_days > 3650:
        raise InvalidInput("--valid-days must be between 1 and 3650")
    priced = [(ln.qty, ln.unit_price_minor, ln.discount_bp) for ln in lines]
    totals = quote_totals(priced, discount_bp=discount_bp, tax_bp=tax_bp)
    _check_amounts(totals.subtotal, totals.total, currency=deal.currency)
    limit = max_discount_bp()
    needs_approval = (
        discount_bp > limit
        or any(ln.discount_bp > limit for ln in lines)
        or effective_discount_above(priced, totals, limit)
    )
    quote = Quote(
        deal_id=deal.id,
        version=version,
        supersedes_id=supersedes,  # type: ignore[arg-type]
        status="pending_approval" if needs_approval else "draft",
        currency=deal.currency,
        discount_bp=discount_bp,
        tax_bp=tax_bp,
        subtotal_minor=totals.subtotal,
        discount_minor=totals.discount,
        tax_minor=totals.tax,
        total_minor=totals.total,
        valid_until=today() + timedelta(days=valid_days),
        created_at=now_utc(),
        created_by=actor,
    )
    session.add(quote)
    session.flush()
    for line, amount in zip(lines, totals.lines, strict=True):
        line.quote_id, line.amount_minor = quote.id, amount  # type: ignore[assignment]
        session.add(line)
    session.flush()
    from salesflow.parsing.money import money_text

    total = f"{money_text(quote.total_minor, quote.currency)} {quote.currency}"
    record_change(deal.id, f"quote #{quote.id}", None,  # type: ignore[arg-type]
                  f"{quote.status} v{version}, total {total}", actor=actor,
                  session=session, at=quote.created_at)  # fmt: skip
    return quote.id  # type: ignore[return-value]


def _check_amounts(*amounts_minor: int, currency: str) -> None:
    """Refuse a quote with an amount money cannot hold, with the message `quote accept` (which
    wins the deal for the total) would give."""
    from salesflow.parsing.money import from_minor, to_minor

    for amount in amounts_minor:
        to_minor(from_minor(amount, currency), currency)


def new_quote(
    ref: str,
    lines: list[LineRequest],
    *,
    discount_bp: int,
    tax_bp: int,
    valid_days: int | None,
    actor: str,
    session: Session,
) -> int:
    """Version 1 of a new quote on an open deal, in the deal's currency."""
    deal = resolve_deal(ref, session=session)
    if deal.status != "open":
        raise InvalidMove(f"deal #{deal.id} is {deal.status}; quotes are for open deals")
    priced = _price_lines(lines, deal.currency, session=session)
    return _store(
        deal,
        priced,
        discount_bp=discount_bp,
        tax_bp=tax_bp,
        valid_days=DEFAULT_VALID_DAYS if valid_days is None else valid_days,
        version=1,
        supersedes=None,
        actor=actor,
        session=session,
    )


def revise_quote(
    quote_id: int,
    lines: list[LineRequest] | None,
    *,
    discount_bp: int | None,
    tax_bp: int | None,
    valid_days: int | None,
    actor: str,
    session: Session,
) -> int:
    """Version n+1: changed lines or terms; the old version is superseded."""
    from sqlmodel import select

    old = _get(quote_id, session=session)
    if old.status not in OPEN_STATUSES:
        raise InvalidMove(f"quote #{old.id} is {old.status}; only an open quote can be revised")
    deal = session.get(Deal, old.deal_id)
    assert deal is not None
    if deal.status != "open":
        raise InvalidMove(f"deal #{deal.id} is {deal.status}")
    if lines:
        priced = _price_lines(lines, old.currency, session=session)
    else:
        priced = []
        for ln in session.exec(
            select(QuoteLine).where(QuoteLine.quote_id == old.id).order_by(QuoteLine.position)
        ):
            priced.append(
                QuoteLine(
                    quote_id=0,
                    position=ln.position,
                    product_id=ln.product_id,
                    sku=ln.sku,
                    name=ln.name,
                    qty=ln.qty,
                    unit_price_minor=ln.unit_price_minor,
                    discount_bp=ln.discount_bp,
                    amount_minor=0,
                    recurring=ln.recurring,
                )
            )
    _status(old, "superseded", actor=actor, session=session)
    days = (
        max(1, (old.valid_until - old.created_at.date()).days) if valid_days is None else valid_days
    )
    return _store(
        deal,
        priced,
        discount_bp=old.discount_bp if discount_bp is None else discount_bp,
        tax_bp=old.tax_bp if tax_bp is None else tax_bp,
        valid_days=days,
        version=old.version + 1,
        supersedes=old.id,
        actor=actor,
        session=session,
    )


def approve_quote(quote_id: int, *, actor: str, session: Session) -> int:
    """Approve a discount above the limit; the author may not approve their own quote."""
    quote = _get(quote_id, session=session)
    status = effective_status(quote)
    if status != "pending_approval":
        raise InvalidMove(
            f"quote #{quote.id} is {status}; only a quote pending approval is approved"
        )
    if actor.casefold() == quote.created_by.casefold():
        raise InvalidMove(
            f"{actor} wrote quote #{quote.id} and cannot approve it",
            hint="ask a manager: `salesflow --as MANAGER quote approve …`",
        )
    quote.approved_by, quote.approved_at = actor, now_utc()
    _status(quote, "approved", actor=actor, session=session)
    return quote.id  # type: ignore[return-value]


def send_quote(quote_id: int, *, actor: str, session: Session) -> int:
    """Mark a quote sent to the customer (a discount over the limit must be approved first)."""
    quote = _get(quote_id, session=session)
    status = effective_status(quote)
    if status == "pending_approval":
        raise InvalidMove(
            f"quote #{quote.id} has a discount above the {max_discount_bp() / 100:g}% limit",
            hint=f"someone other than {quote.created_by} runs `salesflow quote approve {quote.id}`",
        )
    if status not in ("draft", "approved"):
        raise InvalidMove(f"quote #{quote.id} is {status}; only a draft or approved quote is sent")
    quote.sent_at = now_utc()
    _status(quote, "sent", actor=actor, session=session)
    return quote.id  # type: ignore[return-value]


def accept_quote(quote_id: int, *, actor: str, session: Session) -> int:
    """The customer said yes: the quote is accepted and the deal is won for its total."""
    from decimal import Decimal

    from salesflow.parsing.money import from_minor
    from salesflow.services.deals.moves import win_deal

    quote = _get(quote_id, session=session)
    status = effective_status(quote)
    if status == "expired":
        raise InvalidMove(
            f"quote #{quote.id} expired on {quote.valid_until}",
            hint=f"`salesflow quote revise {quote.id} --valid-days 30` makes a fresh version",
        )
    if status != "sent":
        raise InvalidMove(f"quote #{quote.id} is {status}; only a sent quote is accepted")
    quote.decided_at = now_utc()
    _status(quote, "accepted", actor=actor, session=session)
    session.flush()
    amount: Decimal = from_minor(quote.total_minor, quote.currency)
    win_deal(
        str(quote.deal_id),
        amount=amount,
        on=None,
        note=f"quote #{quote.id} accepted",
        actor=actor,
        session=session,
    )
    return quote.id  # type: ignore[return-value]


def reject_quote(quote_id: int, *, reason: str, actor: str, session: Session) -> int:
    """The customer said no to this version."""
    if not reason.strip():
        raise InvalidInput("say why with --reason")
    quote = _get(quote_id, session=session)
    status = effective_status(quote)
    if status != "sent":
        raise InvalidMove(f"quote #{quote.id} is {status}; only a sent quote is rejected")
    quote.decided_at, quote.reject_reason = now_utc(), reason.strip()
    _status(quote, "rejected", actor=actor, session=session, why=reason.strip())
    return quote.id  # type: ignore[return-value]


def _status(
    quote: Quote, status: str, *, actor: str, session: Session, why: str | None = None
) -> None:
    """Move a quote to `status`, and log the change on its deal."""
    assert quote.id is not None
    old = effective_status(quote)
    quote.status = status
    session.add(quote)
    record_change(quote.deal_id, f"quote #{quote.id}", old,
                  f"{status}: {why}" if why else status, actor=actor, session=session)  # fmt: skip


def has_live_quote(deal_id: int, *, session: Session) -> bool:
    """Whether the deal has a quote that is not superseded or rejected (the proposal gate)."""
    from sqlmodel import select

    return (
        session.exec(
            select(Quote.id).where(
                Quote.deal_id == deal_id,
                Quote.status.not_in(("superseded", "rejected")),  # type: ignore[attr-defined]
            )
        ).first()
        is not None
    )


def quote_view(quote_id: int, *, session: Session) -> QuoteView:
    """A quote with its lines, for show, export and JSON."""
    from sqlmodel import select

    quote = session.get(Quote, quote_id)
    if quote is None:
        raise NotFound(f"no quote #{quote_id}", hint="`salesflow quote list` shows them")
    deal = session.get(Deal, quote.deal_id)
    assert deal is not None
    company = session.get(Company, deal.company_id) if deal.company_id else None
    contact = session.get(Contact, deal.contact_id) if deal.contact_id else None
    lines = session.exec(
        select(QuoteLine).where(QuoteLine.quote_id == quote_id).order_by(QuoteLine.position)
    )
    return QuoteView(
        id=quote.id,
        deal_id=deal.id,
        deal=deal.title,  # type: ignore[arg-type]
        company=company.name if company else None,
        contact=contact.name if contact else None,
        email=contact.email if contact else None,
        version=quote.version,
        status=effective_status(quote),
        currency=quote.currency,
        lines=[
            LineView(
                ln.sku,
                ln.name,
                ln.qty,
                ln.unit_price_minor,
                ln.discount_bp,
                ln.amount_minor,
                ln.recurring,
            )
            for ln in lines
        ],
        subtotal_minor=quote.subtotal_minor,
        discount_bp=quote.discount_bp,
        discount_minor=quote.discount_minor,
        tax_bp=quote.tax_bp,
        tax_minor=quote.tax_minor,
        total_minor=quote.total_minor,
        valid_until=quote.valid_until,
        created_by=quote.created_by,
        approved_by=quote.approved_by,
        supersedes_id=quote.supersedes_id,
        created_at=quote.created_at,
    )


def list_quotes(
    ref: str | None, *, session: Session, include_superseded: bool = False
) -> list[QuoteView]:
    """Quotes of one deal, or all, newest first."""
    from sqlmodel import select

    query = select(Quote.id).order_by(Quote.id.desc())  # type: ignore[union-attr]
    if ref:
        query = query.where(Quote.deal_id == resolve_deal(ref, session=session).id)
    if not include_superseded:
        query = query.where(Quote.status != "superseded")
    return [quote_view(qid, session=session) for qid in session.exec(query)]  # type: ignore[arg-type]
