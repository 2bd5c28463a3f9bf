"""A real `salesflow import` stopped part-way: SIGKILL at random points leaves all of the
import or none of it, in a database that checks out; Ctrl-C says "nothing imported", exits 130
and leaves the database as it was."""

from __future__ import annotations

import csv
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import run_salesflow

KILLS = 20
TABLES = ("companies", "contacts", "deals", "stage_moves")


def write_leads(path: Path, rows: int, seed: int = 7) -> None:
    """`rows` leads, one deal each: about one company in three repeated, every email unique
    (the same shape as bench/import_vs_sqlite3.py's file)."""
    rng = random.Random(seed)
    companies = [
        f"Company {i} {rng.choice(['Labs', 'Systems', 'Foods'])}" for i in range(rows // 3)
    ]
    stages = ["Research", "Connected", "Qualified", "Demo", "Proposal"]
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["title", "company", "contact", "email", "value", "stage", "owner", "created"])
        for i in range(rows):
            company = rng.choice(companies)
            out.writerow([
                f"{company} rollout {i}", company, f"Person {i}", f"person.{i}@example.com",
                f"{rng.randint(5, 900) * 100:,}", rng.choice(stages), rng.choice(["ana", "ben"]),
                f"2026-{1 + i % 10:02d}-{1 + i % 28:02d} 10:{i % 60:02d}:00",
            ])  # fmt: skip


def salesflow(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "salesflow", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),  # the isolated fixture's clock, config and user
    )


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return run_salesflow(*args, timeout=300)


def counts(db: Path) -> dict[str, int]:
    conn = sqlite3.connect(db)
    try:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    finally:
        conn.close()


def indexes(db: Path) -> set[tuple[str, str]]:
    conn = sqlite3.connect(db)
    try:
        return set(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index'"))
    finally:
        conn.close()


def base_database(folder: Path) -> Path:
    """A small database to import into: the default pipeline and two deals of its own."""
    base = folder / "base.db"
    for args in (("init",), ("lead", "add", "Existing one", "--company", "Company 1 Labs"),
                 ("lead", "add", "Existing two", "--email", "someone@example.com")):  # fmt: skip
        done = run("--db", str(base), *args)
        assert done.returncode == 0, done.stderr
    assert not Path(f"{base}-wal").exists() or Path(f"{base}-wal").stat().st_size == 0
    return base


def fresh_copy(base: Path, target: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copy(base, target)
    return target


@pytest.mark.slow
def test_sigkill_at_random_points_leaves_all_or_none_of_the_import(tmp_path):
    # every code path of a big import (indexes set aside and rebuilt, batches, the commit, the
    # checkpoint) runs at this size too; the kills are spread over the run, however long it is
    rows = 25_000
    leads = tmp_path / "leads.csv"
    write_leads(leads, rows)
    base = base_database(tmp_path)
    before, base_indexes = counts(base), indexes(base)

    # imports to the end: how long one takes (the median of three, timed as the killed ones
    # are), and what "all of it" looks like
    whole = tmp_path / "whole.db"
    durations = []
    for _ in range(3):
        fresh_copy(base, whole)
        started = time.monotonic()
        process = salesflow("--db", str(whole), "import", str(leads))
        _, stderr = process.communicate(timeout=300)
        durations.append(time.monotonic() - started)
        assert process.returncode == 0, stderr
    duration = sorted(durations)[1]
    after = counts(whole)
    assert after["deals"] == before["deals"] + rows
    assert after["contacts"] == before["contacts"] + rows

    rng = random.Random(20261127)
    outcomes = []
    for attempt in range(KILLS):
        db = fresh_copy(base, tmp_path / "killed.db")
        # anywhere in the run, and every other kill in its last fifth, where the indexes are
        # made again, the transaction commits and the log is checkpointed (and past the end,
        # too: the run's length varies)
        delay = duration * (rng.uniform(0, 1) if attempt % 2 else rng.uniform(0.8, 1.2))
        process = salesflow("--db", str(db), "import", str(leads))
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=60)
        check = run("--db", str(db), "db", "check")
        assert check.returncode == 0, (attempt, delay, check.stdout, check.stderr)
        found = counts(db)
        assert found in (before, after), (attempt, delay, found)
        assert indexes(db) == base_indexes, (attempt, delay)  # none left dropped
        outcomes.append("all" if found == after else "none")
    print(f"\n{KILLS} kills over {duration:.1f} s imports: {outcomes.count('none')} left nothing, "
          f"{outcomes.count('all')} came after the commit")  # fmt: skip


def test_ctrl_c_during_an_import_imports_nothing_and_exits_130(tmp_path):
    leads = tmp_path / "leads.csv"
    write_leads(leads, 60_000)
    base = base_database(tmp_path)
    db = fresh_copy(base, tmp_path / "interrupted.db")
    before, base_indexes = counts(db), indexes(db)

    process = salesflow("--db", str(db), "import", str(leads))
    wal = Path(f"{db}-wal")
    deadline = time.monotonic() + 120
    # rows are being written once the write-ahead log grows (the transaction spills into it)
    while not (wal.exists() and wal.stat().st_size > 0):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the import never started writing"
        time.sleep(0.01)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=120)

    assert (process.returncode, out, err) == (130, "", "Error: interrupted: nothing imported\n")
    assert counts(db) == before
    assert indexes(db) == base_indexes
    check = run("--db", str(db), "db", "check")
    assert check.returncode == 0, check.stderr


def test_ctrl_c_during_another_write_is_one_error_line_and_exit_130(tmp_path):
    """Typer turns Ctrl-C inside a command into a quiet exit 130; we still say so, and the
    demo's deals, written in one transaction, are all rolled back."""
    db = tmp_path / "demo.db"
    process = salesflow("--db", str(db), "demo", "--size", "50000")
    wal = Path(f"{db}-wal")
    deadline = time.monotonic() + 120
    while not (wal.exists() and wal.stat().st_size > 1_000_000):  # deals are being written
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the demo never started writing"
        time.sleep(0.01)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=120)

    assert process.returncode == 130
    assert err.splitlines()[0] == "Error: interrupted"
    assert "Traceback" not in err
    assert counts(db)["deals"] == 0
    check = run("--db", str(db), "db", "check")
    assert check.returncode == 0, check.stderr
