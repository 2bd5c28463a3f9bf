"""The light read path: plain SQL over a DB-API connection, the same on SQLite and PostgreSQL.

The commands a rep runs all day (`due-today`, `stale`, `funnel`) must answer in a blink, and
importing the ORM alone costs more than the whole answer. Their queries are therefore written
once, as SQL text with `:name` parameters, and run through a `Reader`:

- `open_reader(target)` opens the database directly with `sqlite3` (or `psycopg` for a
  `postgresql://` URL) without importing SQLAlchemy. It returns None when the database needs the
  full path first: the file does not exist yet or its schema is not at head (then the caller
  opens it the usual way, which creates and migrates it).
- `reader_for(session)` wraps the connection of an ORM session, so a service that already holds
  a session runs exactly the same SQL inside its transaction.

There is one query per rule: a service takes a `Reader` and never cares which way it was opened.
Values come back as the driver gives them (SQLite: text for dates and times, PostgreSQL: date
and datetime objects); `as_date` and `as_datetime` read both.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, LiteralString

from salesflow.errors import DatabaseBusy, SalesflowError

if TYPE_CHECKING:
    from sqlmodel import Session

_PARAM = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


class Reader:
    """Runs read-only SQL text with `:name` parameters on SQLite or PostgreSQL."""

    def __init__(self, connection: Any, dialect: str) -> None:
        self.connection = connection
        self.dialect = dialect  # "sqlite" or "postgresql"

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    def rows(self, sql: str, **params: Any) -> list[tuple[Any, ...]]:
        """Every row of the query."""
        with _translated():
            cursor = self.connection.cursor()
            try:
                cursor.execute(self._sql(sql), self._params(params))
                return [tuple(row) for row in cursor.fetchall()]
            finally:
                cursor.close()

    def row(self, sql: str, **params: Any) -> tuple[Any, ...] | None:
        """The first row, or None."""
        with _translated():
            cursor = self.connection.cursor()
            try:
                cursor.execute(self._sql(sql), self._params(params))
                found = cursor.fetchone()
                return tuple(found) if found is not None else None
            finally:
                cursor.close()

    def scalar(self, sql: str, **params: Any) -> Any:
        """The first column of the first row, or None."""
        found = self.row(sql, **params)
        return found[0] if found else None

    def _params(self, params: dict[str, Any]) -> dict[str, Any]:
        """On SQLite, dates and times as the ORM stores them (ISO text, so comparisons hold)."""
        if not self.is_sqlite:
            return params
        return {name: _sqlite_value(value) for name, value in params.items()}

    def _sql(self, sql: str) -> str:
        if self.is_sqlite:
            return sql
        return _PARAM.sub(r"%(\1)s", sql.replace("%", "%%"))


def compose(*parts: LiteralString) -> LiteralString:
    """One statement from constant fragments. Only literals go in (a type checker holds callers
    to that), never user text: values always travel as parameters."""
    return "".join(parts)


def in_list(prefix: str, values: list[Any]) -> tuple[LiteralString, dict[str, Any]]:
    """` IN (:d0, :d1, …)` and its parameters: only generated parameter names go into the
    text, the values travel as parameters."""
    names = [f"{prefix}{i}" for i in range(len(values))]
    placeholders: LiteralString = ", ".join(f":{n}" for n in names)  # names we made, no input
    return compose(" IN (", placeholders, ")"), dict(zip(names, values, strict=True))


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    return value


def like_pattern(text: str) -> str:
    """A LIKE pattern matching `text` anywhere; its own % and _ match literally (ESCAPE '\\')."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def as_date(value: Any) -> date | None:
    """A date from either driver (SQLite gives 'YYYY-MM-DD' text)."""
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    if isinstance(value, datetime):
        return value.date()
    return date.fromisoformat(str(value)[:10])


def as_datetime(value: Any) -> datetime | None:
    """A naive-UTC datetime from either driver (SQLite gives ISO text)."""
    if value is None or isinstance(value, datetime):
        return value.replace(tzinfo=None) if value is not None and value.tzinfo else value
    return datetime.fromisoformat(str(value))


def reader_for(session: Session) -> Reader:
    """A Reader over the connection (and transaction) of an ORM session, which sees what the
    session has changed so far (pending changes are flushed first, as an ORM query would)."""
    session.flush()
    raw = session.connection().connection.driver_connection
    dialect = "sqlite" if session.get_bind().dialect.name == "sqlite" else "postgresql"
    return Reader(raw, dialect)


@contextmanager
def open_reader(target: str) -> Iterator[Reader | None]:
    """A Reader opened without the ORM, or None when the database must be opened the full way."""
    from salesflow.db.location import is_url

    if is_url(target):
        opened = _open_postgresql(target) if target.startswith("postgresql") else None
    else:
        opened = _open_sqlite(target)
    if opened is None:
        yield None
        return
    try:
        if _revision(opened) != _head():
            yield None
            return
        yield opened
    finally:
        with _translated():
            opened.connection.rollback()
        opened.connection.close()


class LastingReader:
    """One light connection kept open for a long-running screen (the board): each `snapshot()`
    is a fresh read transaction on it, and `version()` tells whether anything was committed.

    On SQLite that is `PRAGMA data_version`, with one guard: a connection of this process that
    closes while no other is reading may checkpoint and delete the WAL, after which an older
    connection of the same process no longer sees other processes' commits. So the WAL file's
    identity is checked too, and the connection is opened anew when it changed."""

    def __init__(self, target: str) -> None:
        self.target = target
        self._generation = 0
        self._wal: tuple[int, ...] | None = None
        self.reader = self._open()

    def _open(self) -> Reader:
        from salesflow.db.location import is_url

        opened = None
        if is_url(self.target):
            if self.target.startswith("postgresql"):
                opened = _open_postgresql(self.target)
        else:
            self._wal = self._wal_id()
            opened = _open_sqlite(self.target)
        if opened is None or _revision(opened) != _head():
            raise SalesflowError("the database is not ready", hint="run `salesflow db status`")
        with _translated():
            opened.connection.rollback()
        return opened

    def _wal_id(self) -> tuple[int, ...]:
        try:
            found = os.stat(self.target + "-wal")
        except OSError:
            return ()
        return (found.st_dev, found.st_ino)

    def _fresh(self) -> None:
        """Reopen when the WAL file was replaced under the connection (see the class), or when
        the PostgreSQL server dropped it (a restart): reads work again once it is back."""
        if self.reader.is_sqlite and self._wal_id() != self._wal:
            old, self.reader = self.reader, self._open()
            old.connection.close()
            self._generation += 1
        elif not self.reader.is_sqlite and self.reader.connection.closed:
            self.reader = self._open()  # still down: "not ready" now, and tried again next time
            self._generation += 1

    @contextmanager
    def snapshot(self) -> Iterator[Reader]:
        """A Reader seeing one snapshot of the database, taken now."""
        self._fresh()
        if self.reader.is_sqlite:
            with _translated():
                self.reader.connection.execute("BEGIN")
        try:
            yield self.reader
        finally:
            with _translated():
                self.reader.connection.rollback()

    def version(self) -> tuple[int, int]:
        """Different after every commit of another connection (SQLite: `data_version`)."""
        self._fresh()
        with _translated():
            found = self.reader.connection.execute("PRAGMA data_version").fetchone()
        return self._generation, int(found[0])

    def close(self) -> None:
        self.reader.connection.close()


def _head() -> str:
    from salesflow.db.schema import HEAD_REVISION

    return HEAD_REVISION


def _open_sqlite(path: str) -> Reader | None:
    import sqlite3

    from salesflow.db.location import busy_timeout_ms, check_sqlite_file

    check_sqlite_file(path)
    if not os.path.isfile(path) or os.path.getsize(path) == 0:
        return None

    timeout = busy_timeout_ms()
    with _translated():
        connection = sqlite3.connect(path, timeout=timeout / 1000, isolation_level=None)
        connection.execute("PRAGMA query_only = ON")
        # one read transaction for the whole command: every SELECT sees the same snapshot (the
        # first one fixes it), as the ORM path does; the rollback on close ends it
        connection.execute("BEGIN")
    return Reader(connection, "sqlite")


def _open_postgresql(url: str) -> Reader | None:
    try:
        import psycopg
    except ImportError:
        return None
    from salesflow.db.engine import quiet_driver_logs
    from salesflow.db.location import server_options

    quiet_driver_logs()
    conninfo = re.sub(r"^postgresql\+\w+://", "postgresql://", url)
    try:
        from psycopg.conninfo import conninfo_to_dict

        given = conninfo_to_dict(conninfo).get("options")  # as libpq reads the URL
        connection = psycopg.connect(
            conninfo, options=server_options([str(given)] if given else [])
        )
    except psycopg.Error:
        return None  # the full path reports the problem in its own words
    connection.read_only = True
    # one snapshot for the whole command (READ COMMITTED would take one per statement)
    connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
    return Reader(connection, "postgresql")


def _revision(reader: Reader) -> str | None:
    try:
        return str(reader.scalar("SELECT version_num FROM alembic_version"))
    except SalesflowError:
        if not reader.is_sqlite:
            reader.connection.rollback()
        return None


@contextmanager
def _translated() -> Iterator[None]:
    """Driver errors as salesflow errors: a lock that outlasts the timeout is exit 4."""
    try:
        yield
    except Exception as exc:
        module = type(exc).__module__
        if not (module.startswith("sqlite3") or module.startswith("psycopg")):
            raise
        text = str(exc).lower()
        if "locked" in text or "busy" in text:
            raise DatabaseBusy(
                "the database is busy: another salesflow is writing",
                hint="try again in a moment",
            ) from None
        raise SalesflowError(f"database error: {str(exc).strip()}") from None
