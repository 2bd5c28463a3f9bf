"""A pipeline and its stages as the reports read them (plain rows, no ORM)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from salesflow.db.reader import Reader
from salesflow.domain.deals import StageKind


@dataclass(frozen=True)
class PipelineRow:
    """The pipeline a report looks at."""

    id: int
    key: str
    source_toml: str


@dataclass(frozen=True)
class StageRow:
    """One stage of it."""

    id: int
    key: str
    name: str
    position: int
    kind: str
    probability_bp: int
    min_score: int | None

    @property
    def is_open(self) -> bool:
        """Whether a deal in this stage is still being worked."""
        return self.kind == StageKind.OPEN

    @property
    def probability(self) -> Decimal:
        """Win probability 0–1 as an exact Decimal."""
        from salesflow.parsing.percent import fraction

        return fraction(self.probability_bp)


def pipeline_row(name: str | None, *, reader: Reader) -> PipelineRow:
    """The pipeline called `name`, or the default one (the rule lives in `lookups.pipeline_id`)."""
    from salesflow.services.deals.lookups import pipeline_id

    chosen = pipeline_id(name, reader=reader)
    found = reader.row("SELECT id, key, source_toml FROM pipelines WHERE id = :id", id=chosen)
    assert found is not None
    return PipelineRow(int(found[0]), str(found[1]), str(found[2] or ""))


def stage_rows(pipeline: int, *, reader: Reader) -> list[StageRow]:
    """All stages of a pipeline in order: open stages, won, lost."""
    rows = reader.rows(
        "SELECT id, key, name, position, kind, probability_bp, min_score FROM stages"
        " WHERE pipeline_id = :pipeline ORDER BY position",
        pipeline=pipeline,
    )
    return [
        StageRow(
            int(i), str(k), str(n), int(p), str(kind), int(bp or 0), None if ms is None else int(ms)
        )  # fmt: skip
        for i, k, n, p, kind, bp, ms in rows
    ]
