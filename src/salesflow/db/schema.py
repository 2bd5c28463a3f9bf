"""Keeping the schema at head: a cheap version check on every open, Alembic only when needed."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from salesflow.errors import SalesflowError

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

    from salesflow.db.engine import Database

# The newest migration; a test checks it matches the scripts in db/migrations/versions.
HEAD_REVISION = "0003"
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
    config.set_main_option("sqlalchemy.url", db.url.replace("%", "%%"))
    return config


def upgrade(db: Database, revision: str = "head") -> None:
    """Apply migrations up to `revision`."""
    from alembic import command
    from alembic.util.exc import CommandError

    config = alembic_config(db)
    try:
        with db.engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, revision)
    except CommandError as exc:
        raise SalesflowError(
            f"cannot migrate the database: {exc}",
            hint="is it from a newer salesflow? upgrade salesflow",
        ) from None


def head_revision() -> str:
    """The head according to the migration scripts (slow: imports Alembic)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    assert head is not None
    return head
