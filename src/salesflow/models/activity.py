"""Activities: what happened on a deal (calls, emails, meetings, notes) and engagement events."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index
from sqlmodel import Field

from salesflow.domain.inputs import ACTIVITY_TYPES, ENGAGEMENT_TYPES
from salesflow.models.base import TableModel

__all__ = ["ACTIVITY_TYPES", "ENGAGEMENT_TYPES", "Activity"]  # the types' rule: domain.inputs


class Activity(TableModel, table=True):
    """One logged touch or engagement event. Restarts the rotting clock of its deal."""

    __tablename__ = "activities"
    __table_args__ = (
        Index("ix_activities_deal_at", "deal_id", "at"),
        Index("ix_activities_type_at", "type", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deals.id")
    type: str = Field(max_length=32)
    summary: str
    outcome: str | None = None
    at: datetime = Field(sa_type=DateTime)
    by: str
    created_at: datetime = Field(sa_type=DateTime)
