"""Keeping the schema at head: a cheap version check on every open, Alembic only when needed."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from salesflow.errors import SalesflowError

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

    from salesflow.db.engine import Database

# The newest migration; a test checks it matches the scripts in db/migrations/versions.
HEAD_REVISION = "0008"
MIGRATIONS = Path(__file__).parent / "migrations"


def current_revision(db: Database) -> str | None:
    """The revision the database is at, or None when it has no schema yet."""
    from sqlalchemy import inspect

    with db.engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        value = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        conn.rollback()
    return str(value) if value is not None else None


def ensure_schema(db: Database) -> bool:
    """Bring the database to head; True when it was empty before (a new database)."""
    revision = current_revision(db)
    if revision == HEAD_REVISION:
        return False
    upgrade(db)
    return revision is None


def alembic_config(db: Database) -> AlembicConfig:
    """An Alembic config pointing at the migrations shipped inside the package."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # the URL as an object: a SQLite file name holding `?`, `#` or `%` is not parsed again
    config.attributes["url"] = db.url
    shown = db.url if isinstance(db.url, str) else db.url.render_as_string(hide_password=False)
    config.set_main_option("sqlalchemy.url", shown.replace("%", "%%"))
    return config


def upgrade(db: Database, revision: str = "head") -> None:
    """Apply migrations up to `revision`."""
    _migrate(db, revision, "upgrade")


def downgrade(db: Database, revision: str) -> None:
    """Undo migrations down to `revision` (for tests and emergencies)."""
    _migrate(db, revision, "downgrade")


def _migrate(db: Database, revision: str, direction: str) -> None:
    """Run Alembic in one write transaction.

    On SQLite, foreign keys are switched off while a migration rebuilds a table (Alembic's batch
    mode copies it and drops the old one; with foreign keys on, that drop checks every row of
    every child table), and the whole database is checked for broken references before commit.
    """
    from alembic import command
    from alembic.util.exc import CommandError

    db.refuse_read_only()
    config = alembic_config(db)
    with db.engine.connect() as conn:
        raw = conn.connection.dbapi_connection if db.is_sqlite else None
        if raw is not None:
            raw.execute("PRAGMA foreign_keys = OFF")  # only takes effect outside a transaction
        try:
            with conn.execution_options(salesflow_write=True).begin():
                config.attributes["connection"] = conn
                getattr(command, direction)(config, revision)
                if raw is not None:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise SalesflowError(
                            f"migration left {len(broken)} broken references (first in table "
                            f"{broken[0][0]}); nothing was changed"
                        )
        except CommandError as exc:
            raise SalesflowError(
                f"cannot migrate the database: {exc}",
                hint="is it from a newer salesflow? upgrade salesflow",
            ) from None
        finally:
            if raw is not None:
                raw.execute("PRAGMA foreign_keys = ON")


def head_revision() -> str:
    """The head according to the migration scripts (slow: imports Alembic)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    assert head is not None
    return head
