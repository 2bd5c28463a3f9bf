"""The schema is owned by migrations: an empty database upgrades to head and matches the models."""

from __future__ import annotations

import os
import stat

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Column
from sqlalchemy.schema import CreateIndex
from sqlmodel import SQLModel

import salesflow.models  # noqa: F401
from salesflow.db.engine import Database
from salesflow.db.schema import HEAD_REVISION, current_revision, head_revision, upgrade


def test_head_constant_matches_the_migration_scripts():
    assert head_revision() == HEAD_REVISION


# SQLAlchemy cannot reflect SQLite's expression indexes, so autogenerate skips them (with these
# warnings); the test below compares them itself.
@pytest.mark.filterwarnings("ignore:.*expression-based index")
def test_empty_database_upgrades_to_head_and_autogenerate_finds_nothing(tmp_path):
    db = Database(str(tmp_path / "empty.db"))
    assert current_revision(db) is None
    upgrade(db)
    assert current_revision(db) == HEAD_REVISION
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
        expression_indexes = [
            index
            for table in SQLModel.metadata.tables.values()
            for index in table.indexes
            if any(not isinstance(e, Column) for e in index.expressions)
        ]
        assert [i.name for i in expression_indexes] == ["ix_deals_board_order"]
        for index in expression_indexes:
            stored = conn.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?", (index.name,)
            ).scalar()
            made = str(CreateIndex(index).compile(dialect=conn.dialect)).strip()
            assert " ".join(str(stored).split()) == " ".join(made.split())
    assert diff == []


def test_first_use_creates_file_0600_in_folder_0700_with_default_pipeline(cli, isolated):
    assert not isolated.exists()
    run = cli("pipeline", "list", "--json")
    assert run.exit_code == 0, run.stderr
    assert [p["name"] for p in run.json()["pipelines"]] == ["sales"]
    assert stat.S_IMODE(os.stat(isolated).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(isolated.parent).st_mode) == 0o700


def test_sqlite_connections_use_wal_and_foreign_keys(cli, isolated):
    cli("init")
    db = Database(str(isolated))
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000


def test_init_is_idempotent_and_db_upgrade_reports_head(cli):
    assert cli("init").exit_code == 0
    assert cli("init").exit_code == 0
    run = cli("db", "upgrade")
    assert run.exit_code == 0
    assert HEAD_REVISION in run.stdout
    status = cli("db", "status", "--json").json()
    assert status["revision"] == HEAD_REVISION
    assert status["up_to_date"] is True
    assert status["rows"]["pipelines"] == 1


def test_a_populated_database_upgrades_from_the_first_schema_keeping_every_row(cli, tmp_path):
    from salesflow.db.schema import downgrade

    path = tmp_path / "old.db"
    assert cli("--db", str(path), "demo", "--size", "300").exit_code == 0
    db = Database(str(path))
    tables = ("deals", "stage_moves", "follow_ups", "close_outcomes", "companies", "contacts")

    def counts():
        with db.engine.connect() as conn:
            return {t: conn.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar() for t in tables}

    before = counts()
    downgrade(db, "0001")
    assert current_revision(db) == "0001"
    upgrade(db)
    assert current_revision(db) == HEAD_REVISION
    assert counts() == before
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert cli("--db", str(path), "db", "check").exit_code == 0
