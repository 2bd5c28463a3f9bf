"""Locks as a user meets them: a writer waits for another one within the busy timeout, a reader
never waits, and a lock held past the timeout is exit 4 with one clear line, on SQLite and on
PostgreSQL (where `lock_timeout` plays the busy timeout's part). Never "database is locked".
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time

import pytest
from conftest import run_salesflow as salesflow
from pg import pg_database, pg_server  # noqa: F401  (fixtures, requested by name below)

BUSY = 4


@pytest.fixture
def pg_url(request: pytest.FixtureRequest) -> str:
    """A fresh PostgreSQL database (tests/pg.py)."""
    return request.getfixturevalue("pg_database")


def test_a_writer_waits_for_a_short_lock_instead_of_failing(cli, isolated):
    assert cli("lead", "add", "Waited for").exit_code == 0
    holder = sqlite3.connect(isolated, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    released = threading.Timer(1.5, lambda: holder.execute("COMMIT"))
    released.start()
    try:
        started = time.monotonic()
        run = salesflow("log", "1", "call", "after the lock")
        waited = time.monotonic() - started
    finally:
        released.join()
        holder.close()
    assert run.returncode == 0, run.stderr
    assert "locked" not in run.stderr.lower()
    assert waited >= 1.0  # it really waited for the lock (busy timeout 5 s)
    assert cli("show", "1", "--json").json()["activities"][0]["summary"] == "after the lock"


def test_a_reader_is_answered_while_a_writer_holds_the_lock(cli, isolated):
    assert cli("lead", "add", "Readable").exit_code == 0
    holder = sqlite3.connect(isolated, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("UPDATE deals SET title = 'not yet committed'")
    try:
        run = salesflow("show", "1", "--json", env={"SALESFLOW_BUSY_TIMEOUT_MS": "300"})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert run.returncode == 0, run.stderr
    assert '"title": "Readable"' in run.stdout


def test_four_processes_creating_the_same_new_database_at_once(tmp_path):
    path = tmp_path / "fresh" / "new.db"
    env = {"SALESFLOW_DB": str(path)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "salesflow", "lead", "add", f"First {n}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, **env},
        )
        for n in range(4)
    ]
    results = [(p.wait(timeout=120), p.stdout.read(), p.stderr.read()) for p in procs]  # type: ignore[union-attr]
    for p in procs:
        p.stdout.close()  # type: ignore[union-attr]
        p.stderr.close()  # type: ignore[union-attr]
    assert [code for code, _, _ in results] == [0] * 4, results
    assert sorted(int(out) for _, out, _ in results) == [1, 2, 3, 4]
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("SELECT count(*) FROM pipelines").fetchone() == (1,)
        assert conn.execute("SELECT count(*) FROM deals").fetchone() == (4,)
    finally:
        conn.close()


@pytest.mark.postgres
def test_a_row_lock_held_too_long_on_postgresql_is_exit_4(cli, pg_url):
    import psycopg
    from sqlalchemy.engine import make_url

    env = {"SALESFLOW_DB": pg_url}
    assert cli("lead", "add", "Locked row", "--value", "100", env=env).exit_code == 0
    raw = make_url(pg_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(raw) as holder:
        holder.execute("SELECT id FROM deals WHERE id = 1 FOR UPDATE")
        run = salesflow("edit", "1", "--value", "200",
                        env={**env, "SALESFLOW_BUSY_TIMEOUT_MS": "500"})  # fmt: skip
        holder.rollback()
    assert run.returncode == BUSY, run.stderr
    lines = run.stderr.splitlines()
    assert lines[0] == "Error: the database is busy: another salesflow is writing"
    assert lines[1:] == ["Hint: try again in a moment"]
    assert "Traceback" not in run.stderr
    assert cli("show", "1", "--json", env=env).json()["value"] == "100.00"
    assert salesflow("edit", "1", "--value", "200", env=env).returncode == 0


@pytest.mark.postgres
def test_a_writer_waits_for_a_short_row_lock_on_postgresql(cli, pg_url):
    import psycopg
    from sqlalchemy.engine import make_url

    env = {"SALESFLOW_DB": pg_url}
    assert cli("lead", "add", "Briefly locked", env=env).exit_code == 0
    raw = make_url(pg_url).set(drivername="postgresql").render_as_string(hide_password=False)
    holder = psycopg.connect(raw)
    holder.execute("SELECT id FROM deals WHERE id = 1 FOR UPDATE")
    released = threading.Timer(1.5, holder.rollback)
    released.start()
    try:
        started = time.monotonic()
        run = salesflow("advance", "1", env=env)
        waited = time.monotonic() - started
    finally:
        released.join()
        holder.close()
    assert run.returncode == 0, run.stderr
    assert waited >= 1.0
    assert cli("show", "1", "--json", env=env).json()["stage"] == "contacted"


def test_postgresql_connections_get_a_lock_timeout_and_keep_the_urls_options():
    from salesflow.db.engine import server_connect_args

    url = "postgresql+psycopg://u@/d?host=/x&options=-c%20search_path%3Dsales"
    assert server_connect_args(url, 5000) == {
        "options": "-c jit=off -c search_path=sales -c lock_timeout=5000"
    }
    assert server_connect_args("postgresql+psycopg://u@h/d", 300) == {
        "options": "-c jit=off -c lock_timeout=300"
    }
    assert server_connect_args("sqlite:///x.db", 300) == {}
    # the URL read as SQLAlchemy connects with it: a '#' in the password keeps the query
    assert server_connect_args("postgresql+psycopg://u:p#w@h/d?options=-c%20search_path%3Ds",
                               300) == {"options": "-c jit=off -c search_path=s -c lock_timeout=300"}  # fmt: skip
