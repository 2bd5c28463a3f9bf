"""`stale`: rotting deals (idle past their stage's rot days since the last activity or stage
move) and deals with no next step; and the count line `due-today` ends with. Same answers on
SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from factories import Sales
from pg import pg_database, pg_server  # noqa: F401  (fixtures, requested by name below)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def sf(request: pytest.FixtureRequest, cli: Callable[..., Any]) -> Callable[..., Any]:
    """Run salesflow on this backend; fails the test on an unexpected exit code."""
    env = None
    if request.param == "postgresql":
        env = {"SALESFLOW_DB": request.getfixturevalue("pg_database")}

    def run(*args: str, code: int = 0) -> Any:
        result = cli(*args, env=env)
        assert result.exit_code == code, (args, result.stdout, result.stderr)
        return result

    return run


@pytest.fixture
def going_cold(request: pytest.FixtureRequest, sf, set_now, isolated):
    """November 2026 in the default pipeline (prospect rots after 14 days, contacted after 7),
    written through the services (the subject here is `stale`, not the commands that wrote it).

    01 Acme, Globex, Initech arrive · 10 Globex is contacted · 12 a call on Initech · 13 Hooli
    arrives · 20 Umbrella arrives, Acme's research is done (no next step left) · 27 today."""
    backend = request.node.callspec.params["sf"]
    target = request.getfixturevalue("pg_database") if backend == "postgresql" else isolated
    sales = Sales(target, set_now).at("2026-11-01T09:00")
    _acme, globex, initech = (
        sales.lead(title, company=title.split()[0])
        for title in ("Acme rollout", "Globex pilot", "Initech renewal")
    )
    sales.at("2026-11-10T16:00").advance(globex)
    sales.at("2026-11-12T11:00").log(initech, "call", "Discovery call")
    sales.at("2026-11-13T08:00").lead("Hooli search", company="Hooli", owner="ben")
    sales.at("2026-11-20T09:00").lead("Umbrella expansion", company="Umbrella")
    sales.done(1)  # Acme's only follow-up
    sales.at("2026-11-27T09:00")
    return sf


def test_rotting_most_idle_first_and_no_next_step(going_cold):
    stale = going_cold("stale", "--json").json()
    assert stale["rotting"] == [
        {"deal_id": 1, "deal": "Acme rollout", "stage": "prospect", "idle_days": 26,
         "rot_days": 14, "company": "Acme", "owner": "ana",
         "last_touch": "2026-11-01T09:00:00Z"},
        {"deal_id": 2, "deal": "Globex pilot", "stage": "contacted", "idle_days": 17,
         "rot_days": 7, "company": "Globex", "owner": "ana",
         "last_touch": "2026-11-10T16:00:00Z"},
        {"deal_id": 3, "deal": "Initech renewal", "stage": "prospect", "idle_days": 15,
         "rot_days": 14, "company": "Initech", "owner": "ana",
         "last_touch": "2026-11-12T11:00:00Z"},
    ]  # fmt: skip
    # Hooli is exactly 14 days idle in a 14-day stage: not rotting yet
    assert stale["no_next_step"] == [
        {"deal_id": 1, "deal": "Acme rollout", "stage": "prospect", "company": "Acme",
         "owner": "ana"}
    ]  # fmt: skip
    assert (stale["rotting_total"], stale["no_next_step_total"]) == (3, 1)


def test_a_day_later_hooli_rots_and_an_activity_or_move_resets_the_clock(going_cold, set_now):
    set_now("2026-11-28T09:00")
    rotting = going_cold("stale", "--json").json()["rotting"]
    assert [(r["deal"], r["idle_days"]) for r in rotting][-1] == ("Hooli search", 15)
    going_cold("log", "acme", "email", "Sent the case study")
    going_cold("advance", "initech")
    rotting = going_cold("stale", "--json").json()["rotting"]
    assert [r["deal_id"] for r in rotting] == [2, 4]


def test_closed_deals_are_neither_rotting_nor_missing_a_step(going_cold):
    going_cold("lost", "acme", "--reason", "timing")
    going_cold("won", "globex")
    stale = going_cold("stale", "--json").json()
    assert [r["deal_id"] for r in stale["rotting"]] == [3]
    assert stale["no_next_step"] == []


def test_due_today_ends_with_the_counts(going_cold):
    text = going_cold("due-today").stdout
    assert text.splitlines()[-1] == ("3 deals rotting, 1 with no next step: see `salesflow stale`")
    mine = going_cold("due-today", "--json").json()
    assert (mine["rotting"], mine["no_next_step"]) == (3, 1)
    bens = going_cold("due-today", "--owner", "ben", "--json").json()
    assert (bens["rotting"], bens["no_next_step"]) == (0, 0)
    assert "rotting" not in going_cold("due-today", "--owner", "ben").stdout
    assert going_cold("due-today", "--all", "--json").json()["rotting"] == 3


def test_screen_output_and_limit(going_cold):
    text = going_cold("stale").stdout
    assert "Rotting: 3 (idle longer than the stage allows)" in text
    assert "No next step: 1 (no open follow-up)" in text
    assert "26d" in text and "14d" in text
    assert text.splitlines()[-1].startswith("3 rotting, 1 with no next step")
    limited = going_cold("stale", "--limit", "1", "--json").json()
    assert [r["deal_id"] for r in limited["rotting"]] == [1]
    assert limited["rotting_total"] == 3
    assert "Rotting: 3, showing 1" in going_cold("stale", "--limit", "1").stdout
    assert [
        r["deal_id"] for r in going_cold("stale", "--owner", "BEN", "--json").json()["rotting"]
    ] == []


def test_pipeline_filter_and_stages_without_rot_days(sf, set_now, tmp_path):
    calm = tmp_path / "calm.toml"
    calm.write_text('name = "calm"\n[[stages]]\nkey = "talk"\nname = "Talk"\nprobability = 0.2\n')
    sf("pipeline", "add", str(calm))
    set_now("2026-09-01T09:00")
    sf("lead", "add", "Slow burner", "--pipeline", "calm")
    sf("lead", "add", "Old prospect")
    set_now("2026-11-27T09:00")
    everything = sf("stale", "--json").json()
    assert [r["deal"] for r in everything["rotting"]] == ["Old prospect"]
    assert [d["deal"] for d in everything["no_next_step"]] == ["Slow burner"]  # no playbook
    calm_only = sf("stale", "--pipeline", "calm", "--json").json()
    assert calm_only["rotting"] == [] and len(calm_only["no_next_step"]) == 1
    assert sf("stale", "--pipeline", "sales", "--json").json()["no_next_step"] == []


def test_nothing_stale(cli):
    assert cli("lead", "add", "Fresh").exit_code == 0
    run = cli("stale")
    assert run.exit_code == 0
    assert "Nothing rotting, and every open deal has a next step." in run.stdout
    assert cli("stale", "--json").json() == {
        "as_of": "2026-11-27",
        "rotting": [],
        "no_next_step": [],
        "rotting_total": 0,
        "no_next_step_total": 0,
    }


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (("stale", "--pipeline", "nope"), "no pipeline 'nope'"),
        (("stale", "--limit", "0"), "--limit must be 1 or more"),
    ],
)
def test_bad_input(cli, dump, args, error):
    cli("lead", "add", "Something")
    before = dump()
    run = cli(*args)
    assert run.exit_code == 1 and run.stdout == ""
    assert run.stderr.splitlines()[0] == f"Error: {error}"
    assert dump() == before
