"""Files salesflow wrote that hold customer data (exports, backups), so `contact forget` can name
the copies it cannot reach."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime
from sqlmodel import Field

from salesflow.models.base import TableModel


class WrittenFile(TableModel, table=True):
    """One file written by an export or a backup: where, what, when and by whom."""

    __tablename__ = "written_files"

    id: int | None = Field(default=None, primary_key=True)
    path: str  # absolute, as written
    what: str = Field(max_length=40)  # the command that wrote it, e.g. "export json", "db backup"
    at: datetime = Field(sa_type=DateTime)
    by: str
