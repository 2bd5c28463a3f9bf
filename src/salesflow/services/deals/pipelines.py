"""Pipelines: the built-in `sales` pipeline, pipelines from TOML files, and stage lookup."""

from __future__ import annotations

import re
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from salesflow.clock import now_utc
from salesflow.domain.deals import DealStatus, StageKind
from salesflow.errors import InvalidInput
from salesflow.models import Deal, Pipeline, Stage
from salesflow.models.schemas import PipelineSpec
from salesflow.services.deals.views import PipelineView, StageView
from salesflow.services.toml_files import key_line, load_spec

if TYPE_CHECKING:
    from sqlmodel import Session


def default_pipeline_toml() -> str:
    """The TOML text of the built-in `sales` pipeline."""
    return resources.files("salesflow.data").joinpath("sales.toml").read_text(encoding="utf-8")


def parse_pipeline(text: str, source: str = "pipeline file") -> PipelineSpec:
    """Parse and validate a pipeline file; errors name the line and the field."""
    return load_spec(text, PipelineSpec, source, _line_of)


def _line_of(text: str, loc: tuple[Any, ...]) -> int | None:
    """Best-effort line number of a field, following `[[stages]]` tables by index."""
    lines = text.splitlines()
    start, end = 0, len(lines)
    parts = list(loc)
    if parts and parts[0] in ("stages", "won", "lost"):
        table = parts.pop(0)
        header = re.compile(rf"^\s*\[\[?\s*{table}\s*\]\]?\s*(#.*)?$")
        hits = [i for i, line in enumerate(lines) if header.match(line)]
        index = parts.pop(0) if table == "stages" and parts and isinstance(parts[0], int) else 0
        if index < len(hits):
            start = hits[index]
            following = [
                i for i, ln in enumerate(lines) if i > start and ln.lstrip().startswith("[")
            ]
            end = following[0] if following else len(lines)
        elif not parts:
            return None
        if not parts:
            return start + 1
    elif parts:  # a top-level key lives above the first table, not in a stage's `name = …`
        tables = [i for i, ln in enumerate(lines) if ln.lstrip().startswith("[")]
        end = tables[0] if tables else len(lines)
    return key_line(lines, parts, start, end)


def add_pipeline(
    spec: PipelineSpec, source_toml: str, *, session: Session, make_default: bool = False
) -> PipelineView:
    """Store a new pipeline with its stages. Refuses a name that exists."""
    from sqlmodel import select

    if session.exec(select(Pipeline).where(Pipeline.key == spec.name)).first():
        raise InvalidInput(f"pipeline {spec.name!r} already exists")
    has_default = session.exec(select(Pipeline).where(Pipeline.is_default)).first() is not None
    pipeline = Pipeline(
        key=spec.name,
        is_default=make_default or not has_default,
        mql=spec.mql,
        sql=spec.sql,
        source_toml=source_toml,
        created_at=now_utc(),
    )
    if pipeline.is_default and has_default:
        for other in session.exec(select(Pipeline).where(Pipeline.is_default)):
            other.is_default = False
            session.add(other)
    session.add(pipeline)
    session.flush()
    assert pipeline.id is not None
    position = 0
    for stage in spec.stages:
        session.add(
            Stage(
                pipeline_id=pipeline.id,
                key=stage.key,
                name=stage.name,
                position=position,
                kind=StageKind.OPEN,
                probability_bp=int((Decimal(str(stage.probability)) * 10000).to_integral_value()),
                rot_days=stage.rot_days,
                min_score=getattr(spec, stage.min_score)
                if isinstance(stage.min_score, str)
                else stage.min_score,
                requires_quote=stage.requires_quote,
                on_enter=[s.model_dump(exclude_none=True) for s in stage.on_enter],
                collateral=[c.model_dump() for c in stage.collateral],
            )
        )
        position += 1
    for kind, outcome in ((StageKind.WON, spec.won), (StageKind.LOST, spec.lost)):
        session.add(
            Stage(
                pipeline_id=pipeline.id,
                key=outcome.key,
                name=outcome.name,
                position=position,
                kind=kind,
                probability_bp=10000 if kind == StageKind.WON else 0,
                on_enter=[s.model_dump(exclude_none=True) for s in outcome.on_enter],
                collateral=[c.model_dump() for c in outcome.collateral],
            )
        )
        position += 1
    session.flush()
    return pipeline_view(pipeline, session=session)


def install_pipeline_file(path: Path, *, make_default: bool, session: Session) -> tuple[str, bool]:
    """Add the pipeline in a TOML file; (name, False) when an identical one is already there."""
    from sqlmodel import select

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        from salesflow.outfiles import cannot_read

        raise cannot_read(path, exc) from None
    spec = parse_pipeline(text, str(path))
    existing = session.exec(select(Pipeline).where(Pipeline.key == spec.name)).first()
    if existing is not None:
        if existing.source_toml != text:
            raise InvalidInput(
                f"pipeline {spec.name!r} already exists with different stages",
                hint="give the new one another `name`",
            )
        if make_default and not existing.is_default:
            for other in session.exec(select(Pipeline).where(Pipeline.is_default)):
                other.is_default = False
                session.add(other)
            existing.is_default = True
            session.add(existing)
        return spec.name, False
    add_pipeline(spec, text, session=session, make_default=make_default)
    return spec.name, True


def ensure_default_pipeline(*, session: Session) -> None:
    """Install the built-in `sales` pipeline when the database has no pipeline at all."""
    from sqlmodel import select

    if session.exec(select(Pipeline.id)).first() is None:
        text = default_pipeline_toml()
        add_pipeline(parse_pipeline(text, "built-in sales pipeline"), text, session=session)


def get_pipeline(name: str | None, *, session: Session) -> Pipeline:
    """The pipeline called `name`, or the default one (the rule lives in `lookups`)."""
    from salesflow.db.reader import reader_for
    from salesflow.services.deals.lookups import pipeline_id

    found = session.get(Pipeline, pipeline_id(name, reader=reader_for(session)))
    assert found is not None
    return found


def stages_of(pipeline_id: int, *, session: Session) -> list[Stage]:
    """All stages of a pipeline in order: open stages, won, lost."""
    from sqlmodel import col, select

    query = select(Stage).where(Stage.pipeline_id == pipeline_id).order_by(col(Stage.position))
    return list(session.exec(query))


def pipeline_view(pipeline: Pipeline, *, session: Session) -> PipelineView:
    """A pipeline as a read model, with its count of open deals."""
    from sqlmodel import func, select

    assert pipeline.id is not None
    open_deals = session.exec(
        select(func.count())
        .select_from(Deal)
        .where(Deal.pipeline_id == pipeline.id, Deal.status == DealStatus.OPEN)
    ).one()
    return PipelineView(
        key=pipeline.key,
        is_default=pipeline.is_default,
        mql=pipeline.mql,
        sql=pipeline.sql,
        stages=[stage_view(s) for s in stages_of(pipeline.id, session=session)],
        deals_open=int(open_deals),
    )


def stage_view(stage: Stage) -> StageView:
    """A stage as a read model."""
    return StageView(
        key=stage.key,
        name=stage.name,
        kind=stage.kind,
        position=stage.position,
        probability=stage.probability,
        rot_days=stage.rot_days,
        min_score=stage.min_score,
        requires_quote=stage.requires_quote,
        on_enter=list(stage.on_enter or []),
        collateral=list(stage.collateral or []),
    )


def list_pipelines(*, session: Session) -> list[PipelineView]:
    """Every pipeline, the default first."""
    from sqlmodel import select

    rows = session.exec(select(Pipeline).order_by(Pipeline.is_default.desc(), Pipeline.key))  # type: ignore[attr-defined]
    return [pipeline_view(p, session=session) for p in rows]
