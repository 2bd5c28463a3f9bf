"""Pipelines on screen and in JSON."""

from __future__ import annotations

from typing import Any

from salesflow.domain.deals import StageKind
from salesflow.render.output import Column, Output
from salesflow.services.deals.views import PipelineView


def pipeline_json(p: PipelineView) -> dict[str, Any]:
    """A pipeline and its stages."""
    return {
        "name": p.key,
        "default": p.is_default,
        "mql": p.mql,
        "sql": p.sql,
        "open_deals": p.deals_open,
        "stages": [
            {
                "key": s.key,
                "name": s.name,
                "kind": s.kind,
                "probability": float(s.probability),
                "rot_days": s.rot_days,
                "min_score": s.min_score,
                "requires_quote": s.requires_quote,
                "on_enter": s.on_enter,
                "collateral": s.collateral,
            }
            for s in p.stages
        ],
    }


def show_pipelines(out: Output, pipelines: list[PipelineView]) -> None:
    """`pipeline list`."""
    out.table(
        [Column("name"), Column("default"), Column("stages"), Column("open deals", True)],
        [
            [
                p.key,
                "yes" if p.is_default else "",
                " → ".join(s.key for s in p.stages if s.kind == StageKind.OPEN),
                p.deals_open,
            ]  # fmt: skip
            for p in pipelines
        ],
    )


def show_pipeline(out: Output, p: PipelineView) -> None:
    """`pipeline show`: every stage with its probability, rot days, gates and playbook."""
    thresholds = f" · MQL {p.mql} · SQL {p.sql}" if p.mql is not None or p.sql is not None else ""
    out.line(f"Pipeline {p.key}{' (default)' if p.is_default else ''}{thresholds}", style="bold")
    out.table(
        [
            Column("#", True),
            Column("key"),
            Column("name"),
            Column("kind"),
            Column("prob.", True),
            Column("rot days", True),
            Column("gates"),
            Column("on enter"),
        ],  # fmt: skip
        [
            [
                s.position + 1,
                s.key,
                s.name,
                s.kind,
                f"{s.probability * 100:.0f}%",
                s.rot_days or "",
                ", ".join(
                    g
                    for g in (
                        f"score ≥ {s.min_score}" if s.min_score is not None else "",
                        "quote" if s.requires_quote else "",
                    )
                    if g
                ),
                "; ".join(f"{r['text']} ({r.get('due', '+0d')})" for r in s.on_enter),
            ]
            for s in p.stages
        ],
    )
