"""Recording the files salesflow wrote that hold customer data (`written_files`), so
`contact forget` can name the copies it cannot reach.

On SQLite the row is added with a plain `sqlite3` connection in its own small transaction, so a
command that read through the light `Reader` (no ORM) stays light. A database that cannot be
written (a read-only file or folder, a read-only role) is skipped: the export itself succeeded.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from salesflow.errors import DatabaseBusy, SalesflowError

if TYPE_CHECKING:
    from salesflow.db.engine import Database

INSERT = "INSERT INTO written_files (path, what, at, by) VALUES (?, ?, ?, ?)"
_READ_ONLY = ("readonly", "read-only", "unable to open database file")


def record_written_file(
    target: str,
    *,
    path: str,
    what: str,
    at: datetime,
    by: str,
    database: Callable[[], Database],
) -> bool:
    """Add one row to `written_files`; False when the database cannot be written (skipped)."""
    from salesflow.db.location import sqlite_file

    file = sqlite_file(target)
    if file is not None:
        return _record_sqlite(file, (path, what, at, by))
    return _record_orm(database(), path=path, what=what, at=at, by=by)


def _record_sqlite(file: str, values: tuple[str, str, datetime, str]) -> bool:
    from salesflow.db.location import busy_timeout_ms, is_read_only_file
    from salesflow.db.reader import _sqlite_value

    path, what, at, by = values
    if is_read_only_file(file):  # root could write it anyway: skipped like for everyone
        return False
    try:
        connection = sqlite3.connect(file, timeout=busy_timeout_ms() / 1000, isolation_level=None)
    except sqlite3.Error:
        return False
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute(INSERT, (path, what, _sqlite_value(at), by))
        connection.execute("COMMIT")
    except sqlite3.Error as exc:
        text = str(exc).lower()
        if any(word in text for word in _READ_ONLY):
            return False
        if "locked" in text or "busy" in text:
            raise DatabaseBusy(
                "the database is busy: another salesflow is writing", hint="try again in a moment"
            ) from None
        raise SalesflowError(f"database error: {exc}") from None
    finally:
        connection.close()
    return True


def _record_orm(db: Database, *, path: str, what: str, at: datetime, by: str) -> bool:
    from sqlalchemy.exc import DBAPIError

    from salesflow.models import WrittenFile

    try:
        with db.write() as session:
            session.add(WrittenFile(path=path, what=what, at=at, by=by))
    except DBAPIError as exc:
        # 25006 read-only transaction, 42501 no privilege: the role may not write
        if getattr(exc.orig, "sqlstate", None) in ("25006", "42501"):
            return False
        raise
    return True
