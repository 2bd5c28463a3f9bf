"""A quote as it is shown, exported and sent: one version with its priced lines, totals and
deal, and its status as it stands today (an open quote past its validity is `expired`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from salesflow.clock import today
from salesflow.errors import NotFound
from salesflow.models import Company, Contact, Deal, Quote, QuoteLine
from salesflow.services.deals.leads import resolve_deal

if TYPE_CHECKING:
    from sqlmodel import Session

OPEN_STATUSES = ("draft", "pending_approval", "approved", "sent")


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


def effective_status(quote: Quote) -> str:
    """The stored status, or `expired` once an open quote is past its validity."""
    if quote.status in OPEN_STATUSES and today() > quote.valid_until:
        return "expired"
    return quote.status


def quote_view(quote_id: int, *, session: Session) -> QuoteView:
    """A quote with its lines, for show, export and JSON."""
    from sqlmodel import col, select

    quote = session.get(Quote, quote_id)
    if quote is None:
        raise NotFound(f"no quote #{quote_id}", hint="`salesflow quote list` shows them")
    deal = session.get(Deal, quote.deal_id)
    assert deal is not None
    company = session.get(Company, deal.company_id) if deal.company_id else None
    contact = session.get(Contact, deal.contact_id) if deal.contact_id else None
    lines = session.exec(
        select(QuoteLine).where(QuoteLine.quote_id == quote_id).order_by(col(QuoteLine.position))
    )
    assert quote.id is not None
    assert deal.id is not None
    return QuoteView(
        id=quote.id,
        deal_id=deal.id,
        deal=deal.title,
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
    from sqlmodel import col, select

    query = select(col(Quote.id)).order_by(col(Quote.id).desc())
    if ref:
        query = query.where(Quote.deal_id == resolve_deal(ref, session=session).id)
    if not include_superseded:
        query = query.where(Quote.status != "superseded")
    return [quote_view(qid, session=session) for qid in session.exec(query) if qid is not None]
