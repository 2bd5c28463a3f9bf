"""Sales teams: `team add`, `team member`, `team list`. A team has a manager and an office; a
rep (an owner name on deals) is in one team at most. `report reps --by team|manager|office`
groups by them (`queries/teams.py`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from salesflow.clock import now_utc
from salesflow.db.reader import Reader
from salesflow.domain import inputs
from salesflow.errors import InvalidInput, NotFound
from salesflow.queries.filters import owner_key

if TYPE_CHECKING:
    from sqlmodel import Session

    from salesflow.models import Team


@dataclass(frozen=True)
class TeamView:
    """A team as `team list` shows it: its reps by name."""

    id: int
    name: str
    manager: str | None
    office: str | None
    reps: list[str]


@dataclass(frozen=True)
class Membership:
    """What `team member` did: the rep, the team now (None: none) and the one before."""

    rep: str
    team: str | None
    was: str | None


def _field(what: str, value: str, check: object = inputs.text) -> str:
    try:
        return check(value)  # type: ignore[operator,no-any-return]
    except inputs.Refused as exc:
        raise InvalidInput(f"{what} {exc.message}") from None


def _optional(what: str, value: str | None) -> str | None:
    return None if value is None or not value.strip() else _field(what, value)


def _lock_teams(session: Session) -> None:
    """On PostgreSQL, team writes wait for each other (SQLite's BEGIN IMMEDIATE does that
    already): two `team member` or `team add` runs at once would both find no row and both
    insert one, and the second would fail on the unique key instead of being told."""
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("LOCK TABLE teams, team_members IN SHARE ROW EXCLUSIVE MODE")


def team_key(name: str) -> str:
    """How team names are compared: trimmed, case-insensitive (`teams.name_key`)."""
    return name.strip().lower()


def team_named(name: str, *, session: Session) -> Team | None:
    """The team called `name` (case-insensitive), if there is one."""
    from sqlmodel import select

    from salesflow.models import Team

    return session.exec(select(Team).where(Team.name_key == team_key(name))).first()


def find_team(name: str, *, session: Session) -> Team:
    """A team by name (case-insensitive)."""
    found = team_named(name, session=session)
    if found is None:
        raise NotFound(f"no team {name.strip()!r}", hint="`salesflow team list` shows them")
    return found


def add_team(name: str, *, manager: str | None, office: str | None, session: Session) -> TeamView:
    """A new team; its name is new (case-insensitive)."""
    from salesflow.models import Team

    clean = _field("the team name", name)
    _lock_teams(session)
    if team_named(clean, session=session) is not None:
        raise InvalidInput(f"team {clean!r} exists", hint="`salesflow team list` shows them")
    team = Team(
        name=clean,
        name_key=team_key(clean),
        manager=_optional("the manager", manager),
        office=_optional("the office", office),
        created_at=now_utc(),
    )
    session.add(team)
    session.flush()
    assert team.id is not None
    return TeamView(id=team.id, name=team.name, manager=team.manager, office=team.office, reps=[])


def ensure_team(name: str, *, manager: str | None, office: str | None, session: Session) -> None:
    """The team `name` (made when new: an import filling teams a second time adds nothing)."""
    _lock_teams(session)
    if team_named(name, session=session) is None:
        add_team(name, manager=manager, office=office, session=session)


def set_membership(rep: str, team: str | None, *, session: Session) -> Membership:
    """Put `rep` in `team` (out of any other), or in no team when `team` is None."""
    from sqlmodel import select

    from salesflow.models import Team, TeamMember

    name = _field("the rep's name", rep, inputs.rep_name)
    key = owner_key(name)
    assert key is not None
    _lock_teams(session)
    target = find_team(team, session=session) if team is not None else None
    member = session.exec(select(TeamMember).where(TeamMember.rep_key == key)).first()
    was = session.get(Team, member.team_id).name if member is not None else None  # type: ignore[union-attr]
    if target is None:
        if member is not None:
            session.delete(member)
    elif member is None:
        assert target.id is not None
        session.add(TeamMember(rep=name, rep_key=key, team_id=target.id, created_at=now_utc()))
    else:
        assert target.id is not None
        member.rep, member.team_id = name, target.id
        session.add(member)
    session.flush()
    return Membership(rep=name, team=target.name if target is not None else None, was=was)


def list_teams(*, reader: Reader) -> list[TeamView]:
    """Every team, by name, with its reps."""
    from salesflow.queries.teams import team_rows

    teams: dict[int, TeamView] = {}
    for team_id, name, manager, office, rep in team_rows(reader=reader):
        view = teams.setdefault(team_id, TeamView(team_id, name, manager, office, []))
        if rep is not None:
            view.reps.append(rep)
    return list(teams.values())
