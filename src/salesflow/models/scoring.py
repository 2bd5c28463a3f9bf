"""Scoring rules: fit rules over company/contact/deal fields and engagement rules over events."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime
from sqlmodel import Field

from salesflow.models.base import TableModel


class ScoringRule(TableModel, table=True):
    """A named rule. Fit: `field op value` → points. Engagement: points per `event`, with
    optional half-life decay (days), a cap on the total and a look-back window (days)."""

    __tablename__ = "scoring_rules"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=100)
    kind: str = Field(max_length=16)  # fit | engagement
    field: str | None = Field(default=None, max_length=32)
    op: str | None = Field(default=None, max_length=16)
    value: str | None = None  # JSON text: a string, a number or a list (for `in`)
    event: str | None = Field(default=None, max_length=32)
    points: int
    half_life_days: int | None = None
    max_points: int | None = None
    within_days: int | None = None
    created_at: datetime = Field(sa_type=DateTime)
