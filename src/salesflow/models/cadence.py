"""Cadences: named sequences of follow-up steps, and their runs on deals."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Index
from sqlmodel import Field, SQLModel


class Cadence(SQLModel, table=True):
    """A sequence of steps: `[{day, kind, text | template}]`, loaded from TOML."""

    __tablename__ = "cadences"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=100)
    steps: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON))
    source_toml: str = ""
    created_at: datetime = Field(sa_type=DateTime)


class CadenceRun(SQLModel, table=True):
    """A cadence running on a deal; stopped by hand, by a close, or by a `replied` activity."""

    __tablename__ = "cadence_runs"
    __table_args__ = (Index("ix_cadence_runs_deal_stopped", "deal_id", "stopped_at"),)

    id: int | None = Field(default=None, primary_key=True)
    cadence_id: int = Field(foreign_key="cadences.id")
    deal_id: int = Field(foreign_key="deals.id")
    started_on: date
    started_at: datetime = Field(sa_type=DateTime)
    started_by: str
    stopped_at: datetime | None = Field(default=None, sa_type=DateTime)
    stop_reason: str | None = None
