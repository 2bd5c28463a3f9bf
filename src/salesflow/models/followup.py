"""Follow-ups: the next steps a rep owes a deal, each due on a day."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import DateTime, Index
from sqlmodel import Field

from salesflow.models.base import TableModel


class FollowUp(TableModel, table=True):
    """A task on a deal. Open while `done_at` is empty; `repeat` schedules the next on done.

    `playbook_stage_id` names the stage whose `on_enter` playbook made it (None for a follow-up a
    rep added); `closed_as` says how it ended: `done` (finished by a rep), `superseded` (the deal
    left the playbook's stage) or `cancelled` (the deal closed); None while open and for
    follow-ups finished before the column existed (read as `done`)."""

    __tablename__ = "follow_ups"
    __table_args__ = (Index("ix_follow_ups_open_due", "done_at", "due", "owner"),)

    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deals.id", index=True)
    text: str
    due: date
    owner: str
    repeat: str | None = Field(default=None, max_length=8)  # daily | weekly | 2w | monthly
    cadence_run_id: int | None = Field(default=None, foreign_key="cadence_runs.id", index=True)
    playbook_stage_id: int | None = Field(default=None, foreign_key="stages.id")
    done_at: datetime | None = Field(default=None, sa_type=DateTime)
    closed_as: str | None = Field(default=None, max_length=12)
    created_at: datetime = Field(sa_type=DateTime)
    created_by: str
