"""How many rows reach the database fast, for the import and the demo: a batch of plain tuples
per table, in the column order below and the driver's stored form (`db.bulk.StoredForm`),
inserted parents first through one executemany each; and, for a write large against the tables
it fills, SQLite's plain indexes set aside and made again at the end.

What the rows are (duplicates, ids, stays) is the writer's business (`writer.ImportWriter`,
`demo.generator`); this module only moves them in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from salesflow.db.bulk import insert_tuples
from salesflow.models import CloseOutcome, Company, Contact, Deal, FollowUp, StageMove

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

# Each table's columns in the order the batches hold them: rows are tuples, not dicts, because
# they are built once per row of the file and handed straight to the driver.
COMPANY_COLUMNS = ("id", "name", "name_key", "industry", "employees", "country", "created_at")
CONTACT_COLUMNS = ("id", "name", "email", "phone", "title", "company_id", "created_at")
DEAL_COLUMNS = ("id", "title", "company_id", "contact_id", "owner", "source", "value_minor",
                "currency", "close_by", "pipeline_id", "stage_id", "status", "created_at",
                "updated_at", "version", "upsell_of_id", "product_id", "external_id")  # fmt: skip
MOVE_COLUMNS = ("id", "deal_id", "from_stage_id", "to_stage_id", "at", "by", "note", "forced",
                "regression", "left_at", "stay_seconds", "furthest_after", "reentry",
                "deal_currency")  # fmt: skip
OUTCOME_COLUMNS = ("id", "deal_id", "outcome", "amount_minor", "currency", "reason", "competitor",
                   "note", "from_stage_id", "closed_on", "at", "by", "reopened_at")  # fmt: skip
FOLLOW_UP_COLUMNS = ("id", "deal_id", "text", "due", "owner", "repeat", "done_at", "created_at",
                     "created_by", "playbook_stage_id", "closed_as")  # fmt: skip


@dataclass
class Batch:
    """The rows waiting to go in, a list of tuples per table."""

    companies: list[tuple[Any, ...]] = field(default_factory=list)
    contacts: list[tuple[Any, ...]] = field(default_factory=list)
    deals: list[tuple[Any, ...]] = field(default_factory=list)
    moves: list[tuple[Any, ...]] = field(default_factory=list)
    outcomes: list[tuple[Any, ...]] = field(default_factory=list)
    follow_ups: list[tuple[Any, ...]] = field(default_factory=list)

    def insert(self, conn: Connection) -> None:
        """Insert the rows, parents first (foreign keys are on)."""
        for model, columns, rows in (
            (Company, COMPANY_COLUMNS, self.companies),
            (Contact, CONTACT_COLUMNS, self.contacts),
            (Deal, DEAL_COLUMNS, self.deals),
            (StageMove, MOVE_COLUMNS, self.moves),
            (CloseOutcome, OUTCOME_COLUMNS, self.outcomes),
            (FollowUp, FOLLOW_UP_COLUMNS, self.follow_ups),
        ):
            insert_tuples(conn, model, columns, rows)


def set_aside_indexes(conn: Connection, rows_held: dict[Any, int], expected_rows: int) -> list[str]:
    """Drop the plain (non-unique) indexes of the tables a bulk write fills (the keys of
    `rows_held`: model → rows before the write) where it brings at least as many rows as the
    table holds; returns their CREATE INDEX statements, for `restore_indexes` at the end. One
    sort per index at the end costs much less than a B-tree insert per row, and it all happens
    inside the write's transaction: a failed or killed write leaves the indexes as they were.
    Unique indexes stay: they guard the data. Only on SQLite (elsewhere: nothing is set aside)."""
    if conn.dialect.name != "sqlite":
        return []
    names = {m.__table__.name: m for m in rows_held}
    found = conn.exec_driver_sql(
        "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' "
        "AND sql LIKE 'CREATE INDEX %' ORDER BY name"
    ).all()
    set_aside = []
    for name, table, sql in found:
        model = names.get(table)
        if model is None or rows_held[model] > expected_rows:
            continue
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
        set_aside.append(sql)
    return set_aside


def restore_indexes(conn: Connection, statements: list[str]) -> None:
    """Make the indexes set aside again (one sort each)."""
    for sql in statements:
        conn.exec_driver_sql(sql)
