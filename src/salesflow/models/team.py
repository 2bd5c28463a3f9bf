"""Sales teams: a name, a manager and an office, and the reps in each (a rep is in one team at
most). Reps are the owner names on deals; a team member is matched to deals by `rep_key`, the
same lower-cased, trimmed name `--owner` compares."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime
from sqlmodel import Field

from salesflow.models.base import TableModel


class Team(TableModel, table=True):
    """A team of reps, with its manager and office (both optional)."""

    __tablename__ = "teams"

    id: int | None = Field(default=None, primary_key=True)
    name: str
    name_key: str = Field(unique=True)  # lower-cased name, for lookup
    manager: str | None = None
    office: str | None = None
    created_at: datetime = Field(sa_type=DateTime)


class TeamMember(TableModel, table=True):
    """A rep's team."""

    __tablename__ = "team_members"

    id: int | None = Field(default=None, primary_key=True)
    rep: str  # as written
    rep_key: str = Field(unique=True)  # queries.filters.owner_key(rep)
    team_id: int = Field(foreign_key="teams.id", index=True)
    created_at: datetime = Field(sa_type=DateTime)
