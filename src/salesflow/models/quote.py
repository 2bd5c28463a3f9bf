"""Quotes and their lines. Amounts are computed once, when the version is made, and kept."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, DateTime
from sqlmodel import Field

from salesflow.models.base import TableModel


class Quote(TableModel, table=True):
    """One version of a quote on a deal. Percentages are hundredths of a percent (12.5% = 1250)."""

    __tablename__ = "quotes"

    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deals.id", index=True)
    version: int = 1
    supersedes_id: int | None = Field(default=None, foreign_key="quotes.id")
    status: str = Field(default="draft", max_length=16)
    currency: str = Field(max_length=3)
    discount_bp: int = 0
    tax_bp: int = 0
    subtotal_minor: int = Field(default=0, sa_type=BigInteger)
    discount_minor: int = Field(default=0, sa_type=BigInteger)
    tax_minor: int = Field(default=0, sa_type=BigInteger)
    total_minor: int = Field(default=0, sa_type=BigInteger)
    valid_until: date
    created_at: datetime = Field(sa_type=DateTime)
    created_by: str
    approved_by: str | None = None
    approved_at: datetime | None = Field(default=None, sa_type=DateTime)
    sent_at: datetime | None = Field(default=None, sa_type=DateTime)
    decided_at: datetime | None = Field(default=None, sa_type=DateTime)
    reject_reason: str | None = None


class QuoteLine(TableModel, table=True):
    """A line: qty × unit price, less the line discount, rounded half-up to the minor unit."""

    __tablename__ = "quote_lines"

    id: int | None = Field(default=None, primary_key=True)
    quote_id: int = Field(foreign_key="quotes.id", index=True)
    position: int
    product_id: int | None = Field(default=None, foreign_key="products.id")
    sku: str
    name: str
    qty: int
    unit_price_minor: int = Field(sa_type=BigInteger)
    discount_bp: int = 0
    amount_minor: int = Field(sa_type=BigInteger)
    recurring: str | None = Field(default=None, max_length=8)
