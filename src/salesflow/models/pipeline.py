"""Pipelines and their stages: ordered open stages plus one won and one lost outcome."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Column, DateTime, UniqueConstraint
from sqlmodel import Field

from salesflow.domain.deals import StageKind
from salesflow.models.base import TableModel
from salesflow.parsing.percent import fraction


class Pipeline(TableModel, table=True):
    """A named sales process; exactly one is the default."""

    __tablename__ = "pipelines"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=64)
    is_default: bool = False
    mql: int | None = None
    sql: int | None = None
    source_toml: str = ""
    created_at: datetime = Field(sa_type=DateTime)


class Stage(TableModel, table=True):
    """One step of a pipeline. `kind` is open, won or lost; `position` orders them."""

    __tablename__ = "stages"
    __table_args__ = (UniqueConstraint("pipeline_id", "key", name="uq_stages_pipeline_key"),)

    id: int | None = Field(default=None, primary_key=True)
    pipeline_id: int = Field(foreign_key="pipelines.id", index=True)
    key: str = Field(max_length=64)
    name: str
    position: int
    kind: str = Field(default=StageKind.OPEN, max_length=8)
    probability_bp: int = 0  # basis points: 0.45 is 4500, exact for weighted values
    rot_days: int | None = None
    min_score: int | None = None
    requires_quote: bool = False
    on_enter: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON))
    collateral: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON))

    @property
    def probability(self) -> Decimal:
        """Win probability 0–1 as an exact Decimal."""
        return fraction(self.probability_bp)

    @property
    def is_open(self) -> bool:
        """Whether a deal in this stage is still being worked."""
        return self.kind == StageKind.OPEN
