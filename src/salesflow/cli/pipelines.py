"""`pipeline list | show | add`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from salesflow.cli.app import JsonFlag, group
from salesflow.cli.context import state

pipeline_app = group("pipeline", "Pipelines and their stages.")


@pipeline_app.command("list")
def list_(ctx: typer.Context, json: JsonFlag = False) -> None:
    """List pipelines (the default first)."""
    from salesflow.render.pipelines import pipeline_json, show_pipelines
    from salesflow.services.deals.pipelines import list_pipelines

    app_ctx = state(ctx)
    with app_ctx.read() as session:
        pipelines = list_pipelines(session=session)
    out = app_ctx.output()
    out.emit(json=lambda: {"pipelines": [pipeline_json(p) for p in pipelines]},
             table=lambda: show_pipelines(out, pipelines))  # fmt: skip


@pipeline_app.command()
def show(
    ctx: typer.Context,
    name: Annotated[
        str | None, typer.Argument(help="Pipeline name (default: the default).")
    ] = None,
    json: JsonFlag = False,
) -> None:
    """Show a pipeline's stages, probabilities, rot days, gates and playbook."""
    from salesflow.render.pipelines import pipeline_json, show_pipeline
    from salesflow.services.deals.pipelines import get_pipeline, pipeline_view

    app_ctx = state(ctx)
    with app_ctx.read() as session:
        view = pipeline_view(get_pipeline(name, session=session), session=session)
    out = app_ctx.output()
    out.emit(json=lambda: pipeline_json(view), table=lambda: show_pipeline(out, view))


@pipeline_app.command()
def add(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Pipeline TOML file.", metavar="FILE.toml")],
    default: Annotated[bool, typer.Option("--default", help="Make it the default.")] = False,
    json: JsonFlag = False,
) -> None:
    """Add a pipeline from a TOML file."""
    from salesflow.errors import InvalidInput
    from salesflow.render.pipelines import pipeline_json
    from salesflow.services.deals.pipelines import (
        get_pipeline,
        install_pipeline_file,
        pipeline_view,
    )

    app_ctx = state(ctx)
    with app_ctx.write() as session:
        name, added = install_pipeline_file(file, make_default=default, session=session)
        if not added and not default:
            raise InvalidInput(f"pipeline {name!r} already exists")
        view = pipeline_view(get_pipeline(name, session=session), session=session)
    out = app_ctx.output()
    out.emit(json=lambda: pipeline_json(view),
             table=lambda: out.line(f"Added pipeline {name}: "
                                    f"{' → '.join(s.key for s in view.stages)}"))  # fmt: skip
