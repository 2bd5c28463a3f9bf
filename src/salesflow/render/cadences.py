"""Cadences on screen and in JSON: `cadence list | start | stop`."""

from __future__ import annotations

from typing import Any

from salesflow.render.formats import day_json, when_json
from salesflow.render.output import Column, Output
from salesflow.services.followups.views import CadenceRunView, CadenceView
from salesflow.words import plural


def step_line(step: dict[str, Any]) -> str:
    """`day 2 call: Ask about the pilot` / `day 0 email: template intro`."""
    what = step.get("text") or ""
    if step.get("template"):
        what = f"{what} (template {step['template']})" if what else f"template {step['template']}"
    return f"day {step['day']} {step['kind']}: {what}"


def cadence_json(cadence: CadenceView) -> dict[str, Any]:
    """A cadence's JSON keys."""
    return {
        "name": cadence.name,
        "description": cadence.description,
        "steps": [
            {
                "day": s["day"],
                "kind": s["kind"],
                "text": s.get("text"),
                "template": s.get("template"),
            }
            for s in cadence.steps
        ],
        "running": cadence.running,
    }


def show_cadences(out: Output, cadences: list[CadenceView]) -> None:
    """`cadence list`: one row per cadence, its steps in day order."""
    if not cadences:
        out.line("No cadences yet: `salesflow cadence add FILE.toml` adds one.")
        return
    out.table(
        [
            Column("name"),
            Column("steps", True),
            Column("days", True),
            Column("running", True),
            Column("sequence"),
        ],
        [
            [
                c.name,
                len(c.steps),
                max(int(s["day"]) for s in c.steps) if c.steps else 0,
                c.running,
                " → ".join(f"d{s['day']} {s['kind']}" for s in c.steps),
            ]
            for c in cadences
        ],
    )


def run_json(run: CadenceRunView) -> dict[str, Any]:
    """A started or stopped run; `tasks` are the follow-ups made (start) or removed (stop)."""
    return {
        "run_id": run.run_id,
        "cadence": run.cadence,
        "deal_id": run.deal_id,
        "deal": run.deal,
        "started_on": day_json(run.started_on),
        "stopped_at": when_json(run.stopped_at),
        "stop_reason": run.stop_reason,
        "tasks": [
            {"id": t.id, "text": t.text, "due": day_json(t.due), "owner": t.owner}
            for t in run.tasks
        ],
        "kept": run.kept,
    }


def show_started(out: Output, run: CadenceRunView) -> None:
    """What `cadence start` made."""
    out.line(
        f"Started {run.cadence} on #{run.deal_id} {run.deal}: "
        f"{plural(len(run.tasks), 'follow-up')}."
    )
    out.table(
        [Column("id", True), Column("due"), Column("follow-up"), Column("owner")],
        [[t.id, t.due, t.text, t.owner] for t in run.tasks],
    )


def show_stopped(out: Output, run: CadenceRunView) -> None:
    """What `cadence stop` removed and kept."""
    removed = len(run.tasks)
    out.line(
        f"Stopped {run.cadence} on #{run.deal_id} {run.deal} ({run.stop_reason}): "
        f"removed {plural(removed, 'open follow-up')}, "
        f"kept {run.kept} done."
    )
