"""After the win: the contract term and renewal, hand-off notes, and customer feedback."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, DateTime
from sqlmodel import Field

from salesflow.models.base import TableModel


class Contract(TableModel, table=True):
    """The term a won deal starts: dates, recurring value, renewal date, hand-off note."""

    __tablename__ = "contracts"

    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deals.id", unique=True)
    company_id: int | None = Field(default=None, foreign_key="companies.id", index=True)
    starts_on: date
    ends_on: date | None = None
    renewal_on: date | None = Field(default=None, index=True)
    recurring_minor: int = Field(default=0, sa_type=BigInteger)
    period: str | None = Field(default=None, max_length=8)  # month | year
    currency: str = Field(max_length=3)
    handoff_note: str | None = None
    created_at: datetime = Field(sa_type=DateTime)


class Feedback(TableModel, table=True):
    """An NPS-style score (0–10) from a customer, on a deal."""

    __tablename__ = "feedback"

    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deals.id", index=True)
    company_id: int | None = Field(default=None, foreign_key="companies.id", index=True)
    score: int
    note: str | None = None
    at: datetime = Field(sa_type=DateTime)
    by: str
