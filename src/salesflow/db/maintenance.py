"""Database upkeep: status, integrity check and online backup."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from salesflow.db.engine import Database
from salesflow.db.schema import HEAD_REVISION, current_revision
from salesflow.errors import InvalidInput, SalesflowError

COUNTED = ("pipelines", "companies", "contacts", "deals", "stage_moves", "follow_ups")


def database_status(db: Database) -> dict[str, Any]:
    """Where it is, which revision, and how many rows the main tables hold."""
    from sqlalchemy import func, select, table

    info: dict[str, Any] = {
        "database": db.path or db.engine.url.render_as_string(hide_password=True),
        "backend": db.engine.dialect.name,
        "revision": current_revision(db),
        "head": HEAD_REVISION,
    }
    info["up_to_date"] = info["revision"] == HEAD_REVISION
    if db.path:
        info["size_bytes"] = os.path.getsize(db.path)
    with db.engine.connect() as conn:
        info["rows"] = {
            name: int(conn.execute(select(func.count()).select_from(table(name))).scalar_one())
            for name in COUNTED
        }
    return info


def check_database(db: Database) -> list[str]:
    """Integrity and foreign-key problems; an empty list means healthy."""
    problems: list[str] = []
    with db.engine.connect() as conn:
        if db.is_sqlite:
            for (row,) in conn.exec_driver_sql("PRAGMA integrity_check"):
                if row != "ok":
                    problems.append(str(row))
            for row in conn.exec_driver_sql("PRAGMA foreign_key_check"):
                problems.append(f"table {row[0]} row {row[1]} points at a missing {row[2]}")
        else:  # PostgreSQL enforces constraints itself; check that the server answers sanely
            conn.exec_driver_sql("SELECT 1")
    if current_revision(db) != HEAD_REVISION:
        problems.append(f"schema is at {current_revision(db)}, head is {HEAD_REVISION}")
    return problems


def backup_database(db: Database, target: Path) -> int:
    """A consistent copy of a live SQLite database via the online backup API; returns pages.

    The target is checked as every output file is (`outfiles.check_target`: never the database
    or its companions, however spelled, nor a folder), and must be a new file."""
    import sqlite3

    from salesflow.outfiles import check_target, database_files

    if not db.is_sqlite or db.path is None:
        raise SalesflowError("db backup copies SQLite files", hint="for PostgreSQL use pg_dump")
    target = target.expanduser()
    check_target(target, database_files(db.path))
    if os.path.lexists(target):
        raise InvalidInput(f"{target} already exists", hint="pick a new file name")
    try:
        fd = os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except OSError as exc:
        raise InvalidInput(f"cannot write {target}: {exc.strerror or exc}") from None
    os.close(fd)
    source = sqlite3.connect(db.path)
    dest = sqlite3.connect(target)
    try:
        with dest:
            source.backup(dest)
        pages = int(dest.execute("PRAGMA page_count").fetchone()[0])
    except sqlite3.Error as exc:
        dest.close()
        target.unlink(missing_ok=True)
        raise SalesflowError(f"backup failed: {exc}") from None
    finally:
        source.close()
    dest.close()
    return pages
