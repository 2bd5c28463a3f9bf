"""Connections and transactions.

`Database.read()` and `Database.write()` hand out sessions. On SQLite a write session starts with
`BEGIN IMMEDIATE`, so two processes serialise instead of failing half-way; the busy timeout makes
the second one wait, and a lock that outlasts it becomes `DatabaseBusy` (exit 4).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from salesflow.db.location import (
    busy_timeout_ms,
    is_url,
    mask_password,
    prepare_sqlite_file,
    server_options,
    sqlite_url,
)
from salesflow.errors import DatabaseBusy, SalesflowError

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlmodel import Session


# The PostgreSQL channel every committed write notifies (`NOTIFY`), so a live board sees it at
# once; on SQLite the board watches `PRAGMA data_version` instead.
CHANGES_CHANNEL = "salesflow_changes"


class Database:
    """One open database: its engine, what kind it is, and its sessions."""

    def __init__(self, target: str) -> None:
        from sqlalchemy import create_engine, event

        self.target = target
        self.is_sqlite = not is_url(target) or target.startswith("sqlite")
        self.created = False
        url: Any
        if is_url(target):
            url = target
            if url.startswith("postgresql://"):
                url = "postgresql+psycopg://" + url[len("postgresql://") :]
        else:
            self.created = prepare_sqlite_file(target)
            url = sqlite_url(target)
        self.url = url
        self.path = None if is_url(target) else target
        timeout = busy_timeout_ms()
        try:
            if self.is_sqlite:
                self.engine: Engine = create_engine(
                    url, connect_args={"timeout": timeout / 1000, "isolation_level": None}
                )
                event.listen(self.engine, "connect", _sqlite_pragmas(timeout))
                event.listen(self.engine, "begin", _sqlite_begin)
            else:
                quiet_driver_logs()
                # a row lock held by another writer is waited for as long as SQLite's busy
                # timeout, then it is DatabaseBusy (exit 4) rather than a wait without end
                self.engine = create_engine(
                    url, pool_pre_ping=False, connect_args=server_connect_args(url, timeout)
                )
        except Exception as exc:  # a malformed URL or a missing driver
            shown = mask_password(f"cannot open database {target!r}: {exc}", known=[target])
            raise SalesflowError(shown) from None

    @property
    def display_name(self) -> str:
        """The file path, or the URL with any password hidden."""
        if self.path:
            return self.path
        return mask_password(self.engine.url.render_as_string(hide_password=True))

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading; rolled back at the end."""
        from sqlmodel import Session

        with _translated(), Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session for one unit of work: committed if the block succeeds, else rolled back.

        Before the commit, the stay columns of any new stage moves are derived (`db.stays`).
        """
        from sqlmodel import Session

        from salesflow.db.stays import refresh_stays

        self.refuse_read_only()
        bind = self.engine.execution_options(salesflow_write=True)
        with _translated(), Session(bind, expire_on_commit=False) as session:
            try:
                yield session
                session.flush()
                if session.in_transaction():  # it wrote or read something
                    refresh_stays(session.connection())
                    if not self.is_sqlite:  # a live board LISTENs; delivered on commit only
                        session.connection().exec_driver_sql("NOTIFY " + CHANGES_CHANNEL)
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def refuse_read_only(self) -> None:
        """A SQLite file without its owner's write bit is not written, also by root (who
        could): one clear error rather than SQLite's "attempt to write a readonly database"."""
        from salesflow.db.location import is_read_only_file
        from salesflow.outfiles import shown_name

        if is_read_only_file(self.path):
            raise SalesflowError(
                f"cannot write database {shown_name(self.path or '')}: it is read-only",
                hint="make it writable (chmod u+w) or give another --db",
            )

    def dispose(self) -> None:
        """Close pooled connections (tests and long-running callers)."""
        self.engine.dispose()


def quiet_driver_logs() -> None:
    """Keep psycopg's own log lines off stderr. When the server goes away mid-command, psycopg
    logs "error ignored terminating <psycopg.Pipeline …>" as it cleans up, and with no handler
    configured Python prints that warning before our one `Error:` line; the error itself still
    reaches us as an exception. With --debug (SALESFLOW_DEBUG) they are shown."""
    import logging

    if os.environ.get("SALESFLOW_DEBUG", "") not in ("", "0"):
        return
    driver = logging.getLogger("psycopg")
    if not any(isinstance(h, logging.NullHandler) for h in driver.handlers):
        driver.addHandler(logging.NullHandler())
    driver.propagate = False


def _sqlite_pragmas(timeout_ms: int) -> Any:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(timeout_ms)}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    return on_connect


def _sqlite_begin(conn: Any) -> None:
    if conn.get_execution_options().get("salesflow_write"):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


def server_connect_args(url: str, timeout_ms: int) -> dict[str, Any]:
    """Connection arguments for a database server: on PostgreSQL, salesflow's settings
    (`location.server_options`, the URL's own `options` kept) and a `lock_timeout` as long as
    SQLite's busy timeout, so a row lock another writer holds is waited for that long and then
    reported as busy, never waited on forever."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return {}
    given = parsed.query.get("options") or ()
    given = (given,) if isinstance(given, str) else tuple(given)
    return {"options": server_options(given, f"-c lock_timeout={int(timeout_ms)}")}


def is_busy(error: BaseException | None) -> bool:
    """A driver error meaning another writer held the lock too long: SQLite's "database is
    locked"/"busy", PostgreSQL's lock timeout (55P03) or deadlock (40P01)."""
    text = str(error).lower()
    code = getattr(error, "sqlstate", None)
    return (
        "locked" in text or "busy" in text or "lock timeout" in text or code in ("55P03", "40P01")
    )


@contextmanager
def _translated() -> Iterator[None]:
    """Turn driver errors users can act on into salesflow errors."""
    from sqlalchemy.exc import OperationalError

    try:
        yield
    except OperationalError as exc:
        if is_busy(exc.orig):
            raise DatabaseBusy(
                "the database is busy: another salesflow is writing",
                hint="try again in a moment",
            ) from None
        raise SalesflowError(f"database error: {exc.orig}") from None
