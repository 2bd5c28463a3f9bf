"""`team …`: sales teams, their manager and office, and which team each rep is in."""

from __future__ import annotations

from typing import Annotated

import typer

from salesflow.cli.app import CsvFlag, JsonFlag, group
from salesflow.cli.context import state

Opt = typer.Option
team_app = group("team", "Sales teams: a manager, an office and their reps.")


@team_app.command()
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The team's name.")],
    manager: Annotated[str | None, Opt("--manager", help="Who manages it.")] = None,
    office: Annotated[str | None, Opt("--office", help="Its office or region.")] = None,
    json: JsonFlag = False,
) -> None:
    """Add a team."""
    from salesflow.render.teams import team_json
    from salesflow.services.teams import add_team

    app_ctx = state(ctx)
    with app_ctx.write() as session:
        team = add_team(name, manager=manager, office=office, session=session)
    out = app_ctx.output()
    out.emit(json=lambda: team_json(team), table=lambda: out.line(f"Added team {team.name}."))


@team_app.command()
def member(
    ctx: typer.Context,
    rep: Annotated[str, typer.Argument(help="The rep (an owner name on deals).")],
    team: Annotated[str | None, Opt("--team", help="The team the rep is in from now on.")] = None,
    none: Annotated[bool, Opt("--none", help="Take the rep out of any team.")] = False,
    json: JsonFlag = False,
) -> None:
    """Put a rep in a team (out of the one before), or in none."""
    from salesflow.errors import UsageProblem
    from salesflow.render.teams import membership_json, membership_line
    from salesflow.services.teams import set_membership

    if (team is None) == (not none):
        raise UsageProblem("give --team TEAM or --none")
    app_ctx = state(ctx)
    with app_ctx.write() as session:
        done = set_membership(rep, team, session=session)
    out = app_ctx.output()
    out.emit(json=lambda: membership_json(done), table=lambda: out.line(membership_line(done)))


@team_app.command("list")
def list_teams_(ctx: typer.Context, json: JsonFlag = False, csv: CsvFlag = False) -> None:
    """List the teams with their manager, office and reps."""
    from salesflow.render.teams import show_teams, team_json
    from salesflow.services.teams import list_teams

    app_ctx = state(ctx)
    with app_ctx.reader() as reader:
        teams = list_teams(reader=reader)
    out = app_ctx.output()
    keys = ["name", "manager", "office", "reps"]
    out.emit(
        json=lambda: {"teams": [team_json(t) for t in teams]},
        csv=lambda: (keys, [[t.name, t.manager, t.office, ";".join(t.reps)] for t in teams]),
        table=lambda: show_teams(out, teams),
    )
