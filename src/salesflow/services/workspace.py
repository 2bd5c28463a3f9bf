"""Opening the user's database: resolve where it is, migrate it, seed the default pipeline."""

from __future__ import annotations

from salesflow.db.engine import Database
from salesflow.db.location import resolve_target
from salesflow.db.schema import ensure_schema


def open_workspace(option: str | None, *, default_name: str = "salesflow.db") -> Database:
    """The database for this command, created with the `sales` pipeline on first use."""
    db = Database(resolve_target(option, default_name=default_name))
    if ensure_schema(db):
        from salesflow.services.deals.pipelines import ensure_default_pipeline
        from salesflow.services.scoring.rules import install_default_rules

        with db.write() as session:
            ensure_default_pipeline(session=session)
            install_default_rules(session=session)
    return db
