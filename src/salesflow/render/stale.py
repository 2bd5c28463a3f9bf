"""Deals going cold on screen and in JSON: `stale`."""

from __future__ import annotations

from typing import Any

from salesflow.render.formats import day_json, when_json
from salesflow.render.output import Column, Output
from salesflow.services.followups.views import Stale


def stale_json(stale: Stale) -> dict[str, Any]:
    """`stale --json`: the contract's keys, plus owner, company and the last touch."""
    return {
        "as_of": day_json(stale.as_of),
        "rotting": [
            {
                "deal_id": r.deal_id,
                "deal": r.deal,
                "stage": r.stage,
                "idle_days": r.idle_days,
                "rot_days": r.rot_days,
                "company": r.company,
                "owner": r.owner,
                "last_touch": when_json(r.last_touch),
            }
            for r in stale.rotting
        ],
        "no_next_step": [
            {
                "deal_id": d.deal_id,
                "deal": d.deal,
                "stage": d.stage,
                "company": d.company,
                "owner": d.owner,
            }
            for d in stale.no_next_step
        ],
        "rotting_total": stale.rotting_total,
        "no_next_step_total": stale.no_next_step_total,
    }


def show_stale(out: Output, stale: Stale) -> None:
    """Two lists: rotting (most idle first), then no next step."""
    if not stale.rotting_total and not stale.no_next_step_total:
        out.line("Nothing rotting, and every open deal has a next step.", style="green")
        return
    if stale.rotting:
        out.table(
            [
                Column("id", True),
                Column("deal"),
                Column("company"),
                Column("stage"),
                Column("idle", True),
                Column("rot", True),
                Column("owner"),
            ],
            [
                [
                    r.deal_id,
                    r.deal,
                    r.company or "",
                    r.stage,
                    f"{r.idle_days}d",
                    f"{r.rot_days}d",
                    r.owner,
                ]
                for r in stale.rotting
            ],
            title=_title("Rotting", len(stale.rotting), stale.rotting_total)
            + " (idle longer than the stage allows)",
        )
    else:
        out.line("Nothing rotting.")
    out.line()
    if stale.no_next_step:
        out.table(
            [
                Column("id", True),
                Column("deal"),
                Column("company"),
                Column("stage"),
                Column("owner"),
            ],
            [[d.deal_id, d.deal, d.company or "", d.stage, d.owner] for d in stale.no_next_step],
            title=_title("No next step", len(stale.no_next_step), stale.no_next_step_total)
            + " (no open follow-up)",
        )
    else:
        out.line("Every open deal has a next step.")
    out.line()
    out.line(
        f"{stale.rotting_total} rotting, {stale.no_next_step_total} with no next step "
        "(`salesflow task add DEAL TEXT --due DATE` plans one).",
        style="bold",
    )


def _title(name: str, shown: int, total: int) -> str:
    return f"{name}: {total}" + (f", showing {shown}" if shown < total else "")
