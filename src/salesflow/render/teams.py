"""`team list` and what `team add` and `team member` print, on screen and in JSON."""

from __future__ import annotations

from typing import Any

from salesflow.render.output import Column, Output
from salesflow.services.teams import Membership, TeamView


def team_json(team: TeamView) -> dict[str, Any]:
    return {"id": team.id, "name": team.name, "manager": team.manager, "office": team.office,
            "reps": team.reps}  # fmt: skip


def membership_json(done: Membership) -> dict[str, Any]:
    return {"rep": done.rep, "team": done.team, "was": done.was}


def membership_line(done: Membership) -> str:
    if done.team is None:
        return f"{done.rep} is in no team" + (f" (was {done.was})." if done.was else ".")
    was = f" (was {done.was})" if done.was and done.was != done.team else ""
    return f"{done.rep} is in {done.team}{was}."


def show_teams(out: Output, teams: list[TeamView]) -> None:
    """`team list`."""
    if not teams:
        out.line("No teams yet: `salesflow team add NAME --manager M --office O`.")
        return
    out.table(
        [Column("team"), Column("manager"), Column("office"), Column("reps")],
        [[t.name, t.manager or "", t.office or "", ", ".join(t.reps)] for t in teams],
    )
