"""Schema evolution keeps every row: each migration, applied to a database full of data at the
revision before it, loses and changes nothing in the tables and columns both revisions have.
And a backup (`db backup FILE`), used as the database (`--db FILE`), is the same database.

The revisions come from the migration scripts themselves, so a migration added later is tested
without touching this file. The data: a demo database plus one of everything the demo does not
make (activities, edits, quotes and their lines, a bundle, rules, a cadence run, a contract,
feedback, an imported deal, a team and a member), brought down to the older revision by the migrations' own
downgrades, then upgraded one step.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from conftest import REPO
from typer.testing import CliRunner

from salesflow.db.engine import Database
from salesflow.db.schema import HEAD_REVISION, MIGRATIONS, current_revision, downgrade, upgrade

EXAMPLES = REPO / "examples"


def _steps() -> list[tuple[str, str]]:
    """(previous revision, revision) for every migration that has a previous one, oldest first."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    scripts = list(ScriptDirectory.from_config(config).walk_revisions())
    steps = []
    for script in reversed(scripts):
        downs = script.down_revision
        for down in (downs,) if isinstance(downs, str) else downs or ():
            steps.append((down, script.revision))
    return steps


STEPS = _steps()


def _cli(db: Path, env: dict[str, str]) -> Any:
    from salesflow import clock, config
    from salesflow.cli.main import full_app

    app, runner = full_app(), CliRunner()

    def run(*args: str) -> str:
        config.load_config.cache_clear()
        clock.local_zone.cache_clear()
        clock._parse_frozen.cache_clear()
        result = runner.invoke(app, ["--db", str(db), *args], env=env, catch_exceptions=False)
        assert result.exit_code == 0, (args, result.stdout, result.stderr)
        return result.stdout

    return run


@pytest.fixture(scope="module")
def full_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database at head holding a row in every table."""
    folder = tmp_path_factory.mktemp("evolution")
    (folder / "config.toml").write_text('timezone = "UTC"\ncurrency = "USD"\n')
    shutil.copytree(EXAMPLES / "templates", folder / "templates")
    env = {"SALESFLOW_CONFIG": str(folder / "config.toml"), "SALESFLOW_USER": "ana",
           "SALESFLOW_NOW": "2026-11-27T09:00", "XDG_DATA_HOME": str(folder / "data")}  # fmt: skip
    db = folder / "full.db"
    sf = _cli(db, env)
    sf("demo", "--size", "120", "--seed", "3")
    sf("lead", "add", "Evolving deal", "--company", "Evolve Co", "--contact", "Eve Lution",
       "--email", "eve@evolve.example", "--value", "9,000")  # fmt: skip
    deal = sf("lead", "list", "--sort", "age", "--json").split('"id": ')[-1].split(",")[0]
    sf("log", deal, "call", "Discovery call", "--outcome", "interested")
    sf("edit", deal, "--value", "9,500", "--close-by", "2026-12-31")
    sf("product", "add", "SEAT", "Seat", "--price", "100", "--recurring", "month")
    sf("product", "add", "SETUP", "Setup", "--price", "1k")
    sf("product", "add", "PACK", "Starter pack", "--price", "1,050", "--bundle", "SEAT:5,SETUP:1")
    sf("quote", "new", deal, "--line", "SEAT:10:5%", "--line", "PACK:1", "--tax", "20")
    sf("quote", "revise", "1", "--line", "SEAT:12")
    sf("quote", "send", "2")
    sf("rule", "load", str(EXAMPLES / "rules.toml"), "--replace")
    sf("cadence", "add", str(EXAMPLES / "cadences" / "warm-inbound.toml"))
    other = sf("lead", "add", "Cadenced", "--company", "Evolve Co").strip()
    sf("cadence", "start", other, "warm-inbound")
    sf("quote", "accept", "2")  # wins the deal: a contract with a renewal
    sf("feedback", "add", deal, "--score", "9", "--note", "smooth")
    csv = folder / "import.csv"
    csv.write_text("title,company,value,stage\nImported deal,Imported Co,1234.50,demo\n")
    sf("import", str(csv))
    sf("team", "add", "North", "--manager", "Kim", "--office", "Leeds")
    sf("team", "member", "ana", "--team", "North")
    sf("export", "json", "--out", str(folder / "export.json"))  # a row in written_files
    conn = sqlite3.connect(db)
    try:
        empty = [t for t in _tables(conn) if _count(conn, t) == 0]
    finally:
        conn.close()
    assert empty == [], f"the test data leaves tables empty: {empty}"
    return db


def _tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND name != 'alembic_version' ORDER BY name"
    )
    return [name for (name,) in rows]


def _count(conn: sqlite3.Connection, table: str) -> int:
    return int(conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])


def _snapshot(path: Path) -> dict[str, tuple[list[str], Counter[tuple[Any, ...]]]]:
    """Every table: its columns, and its rows as a multiset of tuples (order does not matter)."""
    conn = sqlite3.connect(path)
    try:
        result = {}
        for table in _tables(conn):
            columns = [row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')]
            rows = Counter(conn.execute(f'SELECT * FROM "{table}"').fetchall())
            result[table] = (columns, rows)
        return result
    finally:
        conn.close()


def _project(
    snapshot: tuple[list[str], Counter[tuple[Any, ...]]], columns: list[str]
) -> Counter[tuple[Any, ...]]:
    names, rows = snapshot
    picks = [names.index(c) for c in columns]
    projected: Counter[tuple[Any, ...]] = Counter()
    for row, times in rows.items():
        projected[tuple(row[i] for i in picks)] += times
    return projected


def test_the_steps_cover_every_migration_up_to_head():
    assert STEPS, "no migration has a previous revision"
    assert STEPS[-1][1] == HEAD_REVISION
    revisions = [rev for _, rev in STEPS]
    assert len(set(revisions)) == len(revisions)


# Columns a migration derives anew by design (checked against their rule below, not kept as-is).
RECOMPUTED = {"0006": {"companies": {"name_key"}}}


@pytest.mark.parametrize(("previous", "revision"), STEPS, ids=[f"{a}-to-{b}" for a, b in STEPS])
def test_upgrading_a_full_database_keeps_every_row(full_database, tmp_path, previous, revision):
    path = tmp_path / "evolving.db"
    shutil.copy(full_database, path)
    db = Database(str(path))
    try:
        downgrade(db, previous)
        assert current_revision(db) == previous
        before = _snapshot(path)
        assert sum(_count_rows(t) for t in before.values()) > 1000
        upgrade(db, revision)
        assert current_revision(db) == revision
        after = _snapshot(path)
        assert set(before) <= set(after), f"{revision} dropped {set(before) - set(after)}"
        for table, (columns, rows) in before.items():
            recomputed = RECOMPUTED.get(revision, {}).get(table, set())
            common = [c for c in columns if c in after[table][0] and c not in recomputed]
            assert sum(rows.values()) == sum(after[table][1].values()), f"{table}: row count"
            assert _project(before[table], common) == _project(after[table], common), (
                f"{revision} changed rows of {table}"
            )
        if revision == "0006":  # every company keyed by its company key (duplicates padded)
            from salesflow.domain.companies import company_key

            names, rows = after["companies"]
            for row in rows:
                name, key = row[names.index("name")], row[names.index("name_key")]
                assert key.rstrip(" ") == company_key(name), (name, key)
        upgrade(db)  # and on to head, where the database checks out
        assert current_revision(db) == HEAD_REVISION
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    finally:
        db.dispose()


def _count_rows(snapshot: tuple[list[str], Counter[tuple[Any, ...]]]) -> int:
    return sum(snapshot[1].values())


def test_a_backup_used_as_the_database_is_the_same_database(full_database, tmp_path, cli):
    source = tmp_path / "live.db"
    shutil.copy(full_database, source)
    backup = tmp_path / "backup.db"
    run = cli("--db", str(source), "db", "backup", str(backup))
    assert run.exit_code == 0, run.stderr

    def dump(path: Path) -> str:
        conn = sqlite3.connect(path)
        try:
            return "\n".join(conn.iterdump())
        finally:
            conn.close()

    # every table, row and index, byte for byte as SQL; the live database also lists the backup
    # it just made in written_files (recorded once the copy is in place)
    live = [line for line in dump(source).splitlines() if "'db backup'" not in line]
    assert dump(backup).splitlines() == live
    exports = [cli("--db", str(p), "export", "json", "--what", "all") for p in (source, backup)]
    assert all(e.exit_code == 0 for e in exports)
    assert exports[0].stdout == exports[1].stdout and len(exports[0].stdout) > 10_000
    check = cli("--db", str(backup), "db", "check", "--json")
    assert check.exit_code == 0 and check.json() == {"ok": True, "problems": []}
    # the restored database is a working one: a write lands in it and not in the source
    assert cli("--db", str(backup), "log", "1", "note", "after the restore").exit_code == 0
    assert dump(backup) != dump(source)
