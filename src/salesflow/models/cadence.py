"""Cadences: named sequences of follow-up steps, and their runs on deals.

The tables, and the non-table models a cadence file is validated through before it is stored.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, StringConstraints, field_validator, model_validator
from pydantic import Field as PydanticField
from sqlalchemy import JSON, Column, DateTime, Index
from sqlmodel import Field

from salesflow.models.base import TableModel


class Cadence(TableModel, table=True):
    """A sequence of steps: `[{day, kind, text | template}]`, loaded from TOML."""

    __tablename__ = "cadences"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=100)
    steps: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON))
    source_toml: str = ""
    created_at: datetime = Field(sa_type=DateTime)


class CadenceRun(TableModel, table=True):
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


CADENCE_KINDS = ("call", "email", "task")
TEMPLATE_NAME = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$"  # a file name in the templates folder


class CadenceStepSpec(BaseModel):
    """One step of a cadence file: on `day` (0 = the start day) do a call, email or task."""

    model_config = ConfigDict(extra="forbid", defer_build=True)  # built on first use

    day: int = PydanticField(ge=0, le=3650)
    kind: str
    text: Annotated[str, StringConstraints(max_length=300)] | None = None
    template: Annotated[str, StringConstraints(pattern=TEMPLATE_NAME)] | None = None

    @field_validator("kind")
    @classmethod
    def _kind(cls, value: str) -> str:
        wanted = value.strip().lower()
        if wanted not in CADENCE_KINDS:
            raise ValueError(f"unknown kind {value!r}: use {', '.join(CADENCE_KINDS)}")
        return wanted

    @model_validator(mode="after")
    def _text_or_template(self) -> CadenceStepSpec:
        if self.text is not None:
            self.text = self.text.strip() or None
        if self.text is None and self.template is None:
            raise ValueError("a step needs `text` or `template`")
        if self.template is not None and self.kind != "email":
            raise ValueError("`template` is for email steps")
        return self


class CadenceSpec(BaseModel):
    """A whole cadence file: a name and its steps."""

    model_config = ConfigDict(extra="forbid", defer_build=True)  # built on first use

    name: Annotated[
        str, StringConstraints(strip_whitespace=True, pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")
    ]
    description: str | None = None
    steps: list[CadenceStepSpec] = PydanticField(min_length=1)
