"""Read models of pipelines and their stages."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class StageView:
    """A stage as shown by `pipeline show`."""

    key: str
    name: str
    kind: str
    position: int
    probability: Decimal
    rot_days: int | None
    min_score: int | None
    requires_quote: bool
    on_enter: list[dict[str, Any]]
    collateral: list[dict[str, Any]]


@dataclass(frozen=True)
class PipelineView:
    """A pipeline with its stages in order (open stages, then won, then lost)."""

    key: str
    is_default: bool
    mql: int | None
    sql: int | None
    stages: list[StageView]
    deals_open: int = 0
