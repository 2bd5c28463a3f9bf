"""Database upkeep: status, integrity check and online backup."""

from __future__ import annotations

import os
from contextlib import suppress
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


# Deals whose status, stage kind and standing close outcomes disagree (the rule, and its words,
# are `domain.deals.state_problem`), with their standing outcomes, one row each.
_DEAL_STATES = """
SELECT d.id, d.status, st.key, st.kind, o.outcome
FROM deals d
JOIN stages st ON st.id = d.stage_id
LEFT JOIN close_outcomes o ON o.deal_id = d.id AND o.reopened_at IS NULL
WHERE d.id IN (
  SELECT d2.id FROM deals d2
  JOIN stages s2 ON s2.id = d2.stage_id
  LEFT JOIN close_outcomes o2 ON o2.deal_id = d2.id AND o2.reopened_at IS NULL
  GROUP BY d2.id, d2.status, s2.kind
  HAVING d2.status <> s2.kind
      OR (d2.status = 'open' AND COUNT(o2.id) > 0)
      OR (d2.status <> 'open' AND (COUNT(o2.id) <> 1 OR MIN(o2.outcome) <> d2.status))
)
ORDER BY d.id, o.id
"""
SHOWN_DEAL_STATES = 20  # deals named one by one; more are counted


def check_database(db: Database) -> list[str]:
    """Integrity, foreign-key and deal-state problems; an empty list means healthy."""
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
        if not problems:  # a damaged file answers nothing reliable
            problems.extend(_deal_states(conn.exec_driver_sql(_DEAL_STATES)))
    if current_revision(db) != HEAD_REVISION:
        problems.append(f"schema is at {current_revision(db)}, head is {HEAD_REVISION}")
    return problems


def _deal_states(rows: Any) -> list[str]:
    """`deal #N: why` for each inconsistent deal, from `_DEAL_STATES` rows."""
    from salesflow.domain.deals import state_problem

    deals: dict[int, tuple[str, str, str, list[str]]] = {}
    for deal_id, status, key, kind, outcome in rows:
        standing = deals.setdefault(deal_id, (status, key, kind, []))[3]
        if outcome is not None:
            standing.append(outcome)
    problems: list[str] = []
    for deal_id, (status, key, kind, standing) in deals.items():
        problem = state_problem(status, key, kind, standing)
        if problem and len(problems) < SHOWN_DEAL_STATES:
            problems.append(f"deal #{deal_id}: {problem}")
    if len(deals) > SHOWN_DEAL_STATES:
        problems.append(f"and {len(deals) - SHOWN_DEAL_STATES:,} more deals like these")
    return problems


def backup_database(db: Database, target: Path) -> int:
    """A consistent copy of a live SQLite database via the online backup API; returns pages.

    The target is checked as every output file is (`outfiles.check_target`: never the database
    or its companions, however spelled, nor a folder), and must be a new file. The copy is made
    in a temporary file beside it (0600), fsynced, and only then linked into place: a backup that
    fails or is interrupted leaves nothing behind, never a partial database under the name."""
    import secrets
    import sqlite3

    from salesflow.outfiles import check_target, database_files, shown_name

    if not db.is_sqlite or db.path is None:
        raise SalesflowError("db backup copies SQLite files", hint="for PostgreSQL use pg_dump")
    check_target(target, database_files(db.path))  # as typed: `~/bk/` is a folder
    target = target.expanduser()
    exists = InvalidInput(f"{shown_name(target)} already exists", hint="pick a new file name")
    if os.path.lexists(target):
        raise exists
    # a short name of its own: SQLite adds `-journal`, and a long target must still fit
    temp = str(target.parent / f".salesflow-{secrets.token_hex(4)}.part")
    try:  # private from its first byte
        fd = os.open(temp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except OSError as exc:
        raise InvalidInput(f"cannot write {shown_name(target)}: {exc.strerror or exc}") from None
    os.close(fd)
    source = sqlite3.connect(db.path)
    try:
        dest = sqlite3.connect(temp)
        try:
            with dest:
                source.backup(dest)
            pages = int(dest.execute("PRAGMA page_count").fetchone()[0])
        finally:
            dest.close()
        _fsync(temp)
        try:
            os.link(temp, target)  # never over a file that appeared meanwhile
        except FileExistsError:
            raise exists from None
        except OSError:  # a file system without hard links
            if os.path.lexists(target):
                raise exists from None
            os.rename(temp, target)
    except sqlite3.Error as exc:
        raise SalesflowError(f"backup failed: {exc}") from None
    except OSError as exc:
        raise InvalidInput(f"cannot write {shown_name(target)}: {exc.strerror or exc}") from None
    finally:
        source.close()
        for leftover in (temp, temp + "-journal", temp + "-wal", temp + "-shm"):
            with suppress(OSError):
                os.unlink(leftover)
    return pages


def _fsync(path: str) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
