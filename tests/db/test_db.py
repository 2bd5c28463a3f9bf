"""Storage for real: concurrent writers lose nothing, a held lock exits 4, backup and check."""

from __future__ import annotations

import itertools
import sqlite3
from concurrent.futures import ThreadPoolExecutor

from conftest import run_salesflow as salesflow


def test_concurrent_processes_lose_no_write(cli):
    assert cli("lead", "add", "Shared deal").exit_code == 0

    def work(i: int) -> int:
        if i % 2:
            return salesflow("task", "add", "1", f"task {i}", "--due", "today").returncode
        return salesflow("lead", "add", f"Lead {i}", "--company", "Same Co").returncode

    with ThreadPoolExecutor(max_workers=6) as pool:
        codes = list(pool.map(work, range(12)))
    assert codes == [0] * 12
    deals = cli("lead", "list", "--json").json()["deals"]
    assert len(deals) == 7
    texts = {t["text"] for t in cli("task", "list", "--json").json()["tasks"]}
    assert {f"task {i}" for i in range(1, 12, 2)} <= texts


def test_concurrent_advances_serialise_into_a_clean_history(cli):
    assert cli("lead", "add", "Raced").exit_code == 0

    def move(stage: str) -> int:
        return salesflow("advance", "1", "--to", stage, "--force").returncode

    with ThreadPoolExecutor(max_workers=4) as pool:
        codes = list(pool.map(move, ["contacted", "qualified", "demo", "proposal"]))
    assert codes == [0, 0, 0, 0]
    history = cli("show", "1", "--json").json()["history"]
    assert len(history) == 5
    # every move starts where the previous one ended: no update was lost
    for before, after in itertools.pairwise(history):
        assert after["from"] == before["to"]


def test_a_held_write_lock_gives_exit_4_and_changes_nothing(cli, isolated, dump):
    assert cli("lead", "add", "Locked out").exit_code == 0
    before = dump()
    holder = sqlite3.connect(isolated, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        run = salesflow("lead", "add", "Waiting", env={"SALESFLOW_BUSY_TIMEOUT_MS": "300"})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert run.returncode == 4
    assert run.stderr.splitlines()[0] == "Error: the database is busy: another salesflow is writing"
    assert "Traceback" not in run.stderr
    assert dump() == before


def test_backup_is_a_working_copy_and_check_passes(cli, tmp_path):
    cli("lead", "add", "Backed up", "--value", "7k")
    target = tmp_path / "copy.db"
    run = cli("db", "backup", str(target))
    assert run.exit_code == 0, run.stderr
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    copy = cli("--db", str(target), "show", "1", "--json")
    assert copy.json()["value"] == "7000.00"
    again = cli("db", "backup", str(target))
    assert again.exit_code == 1 and "already exists" in again.stderr
    check = cli("db", "check", "--json")
    assert check.exit_code == 0
    assert check.json() == {"ok": True, "problems": []}


def test_db_check_finds_a_broken_foreign_key(cli, isolated):
    cli("lead", "add", "Orphan maker")
    conn = sqlite3.connect(isolated)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("UPDATE deals SET stage_id = 999")
    conn.commit()
    conn.close()
    run = cli("db", "check")
    assert run.exit_code == 1
    assert "deals" in run.stdout and "stages" in run.stdout


def test_python_dash_m_runs_the_cli():
    run = salesflow("--version")
    assert run.returncode == 0 and run.stdout.startswith("salesflow ")


def test_db_check_finds_a_deal_whose_status_and_outcomes_disagree(cli, isolated):
    """J17: a status the stage and the close outcomes do not back is a broken database."""
    for args in (("lead", "add", "Said won"), ("lead", "add", "Reopened win"), ("won", "2")):
        assert cli(*args).exit_code == 0
    assert cli("db", "check").exit_code == 0
    conn = sqlite3.connect(isolated)
    with conn:
        conn.execute("UPDATE deals SET status = 'won' WHERE id = 1")
        conn.execute("UPDATE close_outcomes SET reopened_at = '2026-11-27 09:30:00'")
    conn.close()
    run = cli("db", "check")
    assert run.exit_code == 1
    assert run.stdout.splitlines() == [
        "problem: deal #1: status 'won' but stage 'prospect' is an open stage",
        "problem: deal #2: status 'won' but no won outcome stands (none without reopened_at)",
    ]
    assert cli("db", "check", "--json").json()["ok"] is False
