"""Which team, manager or office a rep's deals belong to: an SQL expression over `d`, the deal,
for the reports' GROUP BY (`report reps --by team|manager|office`), and the same map in Python
for what is counted per rep (activities, overdue follow-ups). A rep in no team groups as NULL;
reps are matched by `team_members.rep_key` against `lower(d.owner)`, as `--owner` matches."""

from __future__ import annotations

from typing import Any, LiteralString

from salesflow.db.reader import Reader

_JOIN = " FROM team_members m JOIN teams t ON t.id = m.team_id"
_OF_DEAL = " WHERE m.rep_key = lower(d.owner))"
_GROUP_SQL: dict[str, LiteralString] = {
    "team": "(SELECT t.name" + _JOIN + _OF_DEAL,
    "manager": "(SELECT t.manager" + _JOIN + _OF_DEAL,
    "office": "(SELECT t.office" + _JOIN + _OF_DEAL,
}
_OF_REPS: dict[str, LiteralString] = {
    "team": "SELECT m.rep_key, t.name" + _JOIN,
    "manager": "SELECT m.rep_key, t.manager" + _JOIN,
    "office": "SELECT m.rep_key, t.office" + _JOIN,
}
TEAM_GROUPS = tuple(_GROUP_SQL)  # what `report reps --by` takes besides `rep`
_TEAMS = """
SELECT t.id, t.name, t.manager, t.office, m.rep FROM teams t
LEFT JOIN team_members m ON m.team_id = t.id
ORDER BY lower(t.name), t.id, m.rep_key"""


def team_group_sql(by: str) -> LiteralString:
    """The team's name, manager or office of the deal's owner, as an SQL expression."""
    return _GROUP_SQL[by]


def team_group_of_reps(by: str, *, reader: Reader) -> dict[str, Any]:
    """rep key → the team's name, manager or office, for every rep in a team."""
    return dict(reader.rows(_OF_REPS[by]))


def team_rows(*, reader: Reader) -> list[tuple[Any, ...]]:
    """(id, name, manager, office, rep or None) per team and rep: teams by name, reps by key."""
    return reader.rows(_TEAMS)
