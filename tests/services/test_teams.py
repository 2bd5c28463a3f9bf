"""Sales teams on the command line: `team add`, `team member`, `team list`, the refusals, and
`report reps --by team|manager|office` on a hand-counted history."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from checks import NOT_FOUND_OR_INVALID, USAGE, assert_one_error


def ok(cli: Callable[..., Any], *args: str) -> Any:
    run = cli(*args)
    assert run.exit_code == 0, run.stderr
    return run


def test_teams_their_reps_and_moving_a_rep(cli: Callable[..., Any]) -> None:
    assert ok(cli, "team", "add", "North", "--manager", "Kim Lo", "--office", "Leeds").stdout == (
        "Added team North.\n"
    )
    ok(cli, "team", "add", "South")
    assert ok(cli, "team", "member", "ana", "--team", "north").stdout == "ana is in North.\n"
    assert ok(cli, "team", "member", " Ben ", "--team", "NORTH").stdout == "Ben is in North.\n"
    # a rep is in one team at most: moving says where from (names compared as --owner does)
    moved = ok(cli, "team", "member", "ANA", "--team", "South", "--json").json()
    assert moved == {"rep": "ANA", "team": "South", "was": "North"}
    assert ok(cli, "team", "list", "--json").json() == {"teams": [
        {"id": 1, "name": "North", "manager": "Kim Lo", "office": "Leeds", "reps": ["Ben"]},
        {"id": 2, "name": "South", "manager": None, "office": None, "reps": ["ANA"]},
    ]}  # fmt: skip
    assert ok(cli, "team", "member", "ben", "--none").stdout == "ben is in no team (was North).\n"
    assert ok(cli, "team", "list", "--csv").stdout.splitlines() == [
        "name,manager,office,reps", "North,Kim Lo,Leeds,", "South,,,ANA",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("args", "code", "error"),
    [
        (("team", "add", "north"), NOT_FOUND_OR_INVALID, "team 'north' exists"),
        (("team", "add", "  "), NOT_FOUND_OR_INVALID, "the team name must not be empty"),
        (("team", "add", "X", "--manager", "a\x07b"), NOT_FOUND_OR_INVALID, "control character"),
        (("team", "member", "ana", "--team", "nope"), NOT_FOUND_OR_INVALID, "no team 'nope'"),
        (("team", "member", "ana"), USAGE, "give --team TEAM or --none"),
        (("team", "member", "ana", "--team", "North", "--none"), USAGE, "give --team"),
        (("team", "member", "", "--team", "North"), NOT_FOUND_OR_INVALID, "the rep's name"),
        (("team", "member", "x" * 101, "--team", "North"), NOT_FOUND_OR_INVALID, "at most 100"),
        (("report", "reps", "--by", "region"), NOT_FOUND_OR_INVALID, "--by must be rep, team"),
        (("report", "kpis", "--by", "owner"), NOT_FOUND_OR_INVALID, "--by must be one of source"),
    ],
)
def test_bad_input_is_one_error_and_changes_nothing(
    cli: Callable[..., Any], dump: Callable[[], str], args: tuple[str, ...], code: int, error: str
) -> None:
    ok(cli, "team", "add", "North")
    ok(cli, "team", "member", "ana", "--team", "North")
    before = dump()
    assert_one_error(cli(*args), code, error=error)
    assert dump() == before


@pytest.fixture
def sales(cli: Callable[..., Any], set_now: Callable[[str], None]) -> None:
    """ana and ben in North (manager Kim, Leeds), cy in South (Kim, Bristol), dee in no team.
    ana wins 1,000 (10 days) and 3,000 (20 days) and loses one; ben wins 500 (4 days); cy loses
    one; dee wins 2,000 (1 day). Open: ben one, cy one, dee one."""
    set_now("2026-03-01T09:00")
    for name, owner, value in [
        ("A1", "ana", "1000"),
        ("A2", "ana", "3000"),
        ("A3", "ana", "9"),
        ("B1", "ben", "500"),
        ("B2", "ben", "7"),
        ("C1", "cy", "800"),
        ("C2", "cy", "5"),
        ("D1", "dee", "2000"),
        ("D2", "dee", "1"),
    ]:
        ok(cli, "lead", "add", name, "--owner", owner, "--value", value)
    ok(cli, "team", "add", "North", "--manager", "Kim", "--office", "Leeds")
    ok(cli, "team", "add", "South", "--manager", "Kim", "--office", "Bristol")
    for rep, team in [("ana", "North"), ("Ben", "North"), ("cy", "South")]:
        ok(cli, "team", "member", rep, "--team", team)
    for when, args in [("2026-03-02T09:00", ("won", "8")), ("2026-03-05T09:00", ("won", "4")),
                       ("2026-03-11T09:00", ("won", "1")), ("2026-03-11T10:00", ("lost", "3",
                        "--reason", "price")), ("2026-03-12T09:00", ("lost", "6", "--reason",
                        "price")), ("2026-03-21T09:00", ("won", "2"))]:  # fmt: skip
        set_now(when)
        ok(cli, *args)
    set_now("2026-03-25T09:00")


def group(name: str | None, **figures: Any) -> dict[str, Any]:
    return {"group": name, "activities": 0} | figures


def deal_figures(groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in g.items() if k != "overdue"} for g in groups]


@pytest.mark.usefixtures("sales")
def test_reps_by_team_manager_and_office(cli: Callable[..., Any]) -> None:
    north = {
        "open": 1,
        "won": 3,
        "lost": 1,
        "win_rate": 0.75,
        "won_value": "4500.00",
        "avg_won_value": "1500.00",
        "median_cycle_days": 10.0,
    }  # cycles 4, 10, 20
    south = {
        "open": 1,
        "won": 0,
        "lost": 1,
        "win_rate": 0.0,
        "won_value": "0.00",
        "avg_won_value": None,
        "median_cycle_days": None,
    }
    nobody = {
        "open": 1,
        "won": 1,
        "lost": 0,
        "win_rate": 1.0,
        "won_value": "2000.00",
        "avg_won_value": "2000.00",
        "median_cycle_days": 1.0,
    }
    by_team = ok(cli, "report", "reps", "--by", "team", "--json").json()
    assert (by_team["by"], deal_figures(by_team["groups"])) == (
        "team",
        [group("North", **north), group("South", **south), group(None, **nobody)],
    )
    # both teams have Kim: one manager line for all three reps
    kim = {
        "open": 2,
        "won": 3,
        "lost": 2,
        "win_rate": 0.6,
        "won_value": "4500.00",
        "avg_won_value": "1500.00",
        "median_cycle_days": 10.0,
    }
    by_manager = ok(cli, "report", "reps", "--by", "manager", "--json").json()["groups"]
    assert deal_figures(by_manager) == [group("Kim", **kim), group(None, **nobody)]
    offices = ok(cli, "report", "reps", "--by", "office", "--json").json()["groups"]
    assert [g["group"] for g in offices] == ["Leeds", "Bristol", None]  # no office: last
    # the same figures as the whole: the groups add up to `report reps`
    reps = ok(cli, "report", "reps", "--json").json()
    assert reps["by"] == "rep"
    for key in ("open", "won", "lost", "overdue"):
        assert sum(g[key] for g in offices) == sum(r[key] for r in reps["reps"]), key
    overdue = {r["owner"].lower(): r["overdue"] for r in reps["reps"]}
    assert [g["overdue"] for g in by_team["groups"]] == [
        overdue["ana"] + overdue["ben"],
        overdue["cy"],
        overdue["dee"],
    ]
    shown = ok(cli, "report", "reps", "--by", "team").stdout
    assert "(no team)" in shown and "North" in shown
    assert ok(cli, "report", "reps", "--by", "office", "--owner", "cy", "--csv").stdout.splitlines() == [
        "group,open,won,lost,win_rate,won_value,avg_won_value,median_cycle_days,activities,overdue",
        f"Bristol,1,0,1,0.0,0.00,,,0,{overdue['cy']}",
    ]  # fmt: skip


@pytest.mark.usefixtures("sales")
def test_kpis_by_team_add_up_to_the_whole(cli: Callable[..., Any]) -> None:
    data = ok(cli, "report", "kpis", "--by", "team", "--json").json()
    assert data["by"] == "team"
    # best won value first, the deals of reps in no team last
    assert [(g["group"], g["deals_created"], g["won"], g["lost"], g["won_value"],
             g["avg_won_value"], g["median_cycle_days"], g["open_deals"])
            for g in data["groups"]] == [
        ("North", 5, 3, 1, "4500.00", "1500.00", 10.0, 1),
        ("South", 2, 0, 1, "0.00", None, None, 1),
        (None, 2, 1, 0, "2000.00", "2000.00", 1.0, 1),
    ]  # fmt: skip
    for key in ("deals_created", "won", "lost", "open_deals"):
        assert sum(g[key] for g in data["groups"]) == data[key], key
    csv = ok(cli, "report", "kpis", "--by", "team", "--csv").stdout.splitlines()
    assert csv[0].startswith("group,deals_created,won,lost,")
    assert csv[1].startswith("North,5,3,1,0.75,4500.00,1500.00,10.0,1,")


def test_the_maven_preset_makes_a_team_per_manager_and_says_what_the_file_left_unclear(
    cli: Callable[..., Any], tmp_path: Any
) -> None:
    """sales_teams.csv with its dirt made worse: an agent without a manager, a manager with a
    second office, the same manager in capitals. And a manager name too long: refused with the
    file's line, nothing imported."""
    import csv
    import shutil

    from conftest import maven_dir

    folder = tmp_path / "maven"
    shutil.copytree(maven_dir(), folder)
    path = folder / "sales_teams.csv"
    rows = list(csv.reader(path.open(newline="")))
    assert rows[1][:2] == ["Anna Snelling", "Dustin Brinkmann"]
    rows[1][1] = ""  # Anna: no manager
    rows[2][2] = "West"  # Cecily, Dustin's: another office than his others (Central)
    rows[3][1] = "DUSTIN BRINKMANN"  # Versie: her manager in capitals
    csv.writer(path.open("w", newline="")).writerows(rows)
    run = cli("import", "--preset", "maven", *map(str, sorted(folder.glob("*.csv"))))
    assert run.exit_code == 0, run.stderr
    assert "manager Dustin Brinkmann is listed with the offices West, Central" in run.stdout
    assert "1 sales agent without a manager in no team: Anna Snelling" in run.stdout
    assert "in 6 teams" in run.stdout
    teams = {t["name"]: t for t in ok(cli, "team", "list", "--json").json()["teams"]}
    dustin = teams["Dustin Brinkmann's team"]
    assert (dustin["office"], "Anna Snelling" in dustin["reps"], len(teams)) == ("West", False, 6)
    assert {"Cecily Lampkin", "Versie Hillebrand"} <= set(dustin["reps"])

    rows[4][1] = "x" * 501
    csv.writer(path.open("w", newline="")).writerows(rows)
    other = tmp_path / "other.db"
    bad = cli("--db", str(other), "import", "--preset", "maven",
              *map(str, sorted(folder.glob("*.csv"))))  # fmt: skip
    assert_one_error(bad, NOT_FOUND_OR_INVALID,
                     error="sales_teams.csv line 5: manager must be at most 500 characters")  # fmt: skip


def test_export_json_carries_the_teams_and_import_brings_them_back(
    cli: Callable[..., Any], tmp_path: Any
) -> None:
    import json

    ok(cli, "lead", "add", "Deal", "--owner", "ana")
    ok(cli, "team", "add", "North", "--manager", "Kim", "--office", "Leeds")
    ok(cli, "team", "add", "South")
    ok(cli, "team", "member", "ana", "--team", "North")
    out = tmp_path / "all.json"
    ok(cli, "export", "json", "--out", str(out))
    data = json.loads(out.read_text())
    assert data["teams"] == [
        {"name": "North", "manager": "Kim", "office": "Leeds", "reps": ["ana"]},
        {"name": "South", "manager": None, "office": None, "reps": []},
    ]
    other = tmp_path / "other.db"
    ok(cli, "--db", str(other), "import", str(out))
    assert (
        ok(cli, "--db", str(other), "team", "list", "--json").json()
        == ok(cli, "team", "list", "--json").json()
    )
    again = tmp_path / "again.json"
    ok(cli, "--db", str(other), "export", "json", "--out", str(again))
    assert again.read_text() == out.read_text()  # export → import → export: the same file
    # a team's rep refused as the command line refuses it, with where it is in the file
    data["teams"][0]["reps"] = ["bad\u0007rep"]
    out.write_text(json.dumps(data))
    third = tmp_path / "third.db"
    bad = cli("--db", str(third), "import", str(out))
    assert bad.exit_code == NOT_FOUND_OR_INVALID
    assert "teams[0].reps[0]" in bad.stderr, bad.stderr
