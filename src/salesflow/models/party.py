"""Companies (accounts) and the contacts who work there."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime
from sqlmodel import Field

from salesflow.models.base import TableModel


class Company(TableModel, table=True):
    """An organisation we sell to; reused by name (case-insensitive) when leads are added."""

    __tablename__ = "companies"

    id: int | None = Field(default=None, primary_key=True)
    name: str
    name_key: str = Field(unique=True)  # lower-cased name, for reuse and lookup
    industry: str | None = None
    employees: int | None = None
    country: str | None = None
    created_at: datetime = Field(sa_type=DateTime)


class Contact(TableModel, table=True):
    """A person at a company; reused by email (or name at the same company)."""

    __tablename__ = "contacts"

    id: int | None = Field(default=None, primary_key=True)
    name: str
    email: str | None = Field(default=None, unique=True)
    phone: str | None = None
    title: str | None = None
    company_id: int | None = Field(default=None, foreign_key="companies.id", index=True)
    created_at: datetime = Field(sa_type=DateTime)
