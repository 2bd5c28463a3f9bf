"""One native import's running state: the old id → new id maps built as sections go in (ids
are kept as `id + offset`), and how a bad item is rejected, named by its JSON path."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from salesflow.db.bulk import sync_sequences
from salesflow.models import (
    Activity,
    BundleItem,
    CloseOutcome,
    Company,
    Contact,
    Deal,
    DealChange,
    FollowUp,
    Product,
    StageMove,
)
from salesflow.services.imports.export_format import SECTION_MODELS, json_path

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from salesflow.services.imports.job import ImportJob


class NativeImport:
    """One native import: the id maps built as sections go in."""

    def __init__(self, job: ImportJob, path: Path) -> None:
        from sqlalchemy import func, select

        self.job, self.path = job, path
        self.session = job.session
        self.conn: Connection = job.session.connection()
        self.on_duplicate = job.report.on_duplicate
        if self.conn.dialect.name == "postgresql":
            names = ", ".join(t.__tablename__ for t in _TABLES)
            self.conn.exec_driver_sql(f"LOCK TABLE {names} IN SHARE ROW EXCLUSIVE MODE")
        self.offset = {
            m: self.conn.execute(select(func.max(_table(m).c.id))).scalar() or 0 for m in _TABLES
        }
        self.next_id = {m: n + 1 for m, n in self.offset.items()}
        self.had_deals = self.offset[Deal] > 0
        self.stages: dict[str, dict[str, int]] = {}  # pipeline key → stage key → id
        self.kinds: dict[str, dict[str, str]] = {}  # pipeline key → stage key → open|won|lost
        self.pipeline_ids: dict[str, int] = {}
        self.products: dict[str, int] = {}
        self.companies: dict[int, int] = {}
        self.contacts: dict[int, int] = {}
        self.deals: dict[int, int] = {}
        self.file_deals: set[int] = set()  # the deal ids the file holds
        self._writer: Any = None

    def take(self, model: Any, old_id: int | None = None) -> int:
        """The new id: old id + offset (ids kept), or the next free one."""
        new = old_id + self.offset[model] if old_id is not None else self.next_id[model]
        self.next_id[model] = max(self.next_id[model], new + 1)
        return new

    def reject(self, section: str, index: int, reason: str, item: Any, field: str = "") -> None:
        """A bad item, named as a JSON path: `deals[0]: …`, `deals[0].currency: …`."""
        try:
            cells = [json.dumps(item, ensure_ascii=False)]
        except (RecursionError, ValueError):
            cells = ["(too deeply nested to show)"]
        self.job.reject(self.path.name, None, f"{section}[{index}]{field}: {reason}", ["item"],
                        cells)  # fmt: skip

    def items(self, data: dict[str, Any], section: str) -> Iterator[tuple[int, Any, Any]]:
        """The section's valid items as (position, model, raw), in order; bad ones rejected."""
        model = SECTION_MODELS[section]
        for index, raw in enumerate(data.get(section, [])):
            self.job.report.rows += 1
            try:
                item = model.model_validate(raw)
            except ValidationError as exc:
                first = exc.errors()[0]
                message = first["msg"].removeprefix("Value error, ")
                self.reject(section, index, message, raw, json_path(first["loc"]))
                continue
            yield index, item, raw

    def finish(self) -> None:
        if self._writer is not None:
            self._writer.finish(sync=self.job.keeps)
        if self.job.keeps:  # setval is not transactional: never for a rolled-back import
            used = {m: n for m, n in self.next_id.items() if n > self.offset[m] + 1}
            sync_sequences(self.conn, used)


_TABLES = (Product, BundleItem, Company, Contact, Deal, StageMove, CloseOutcome, DealChange,
           Activity, FollowUp)  # fmt: skip


def _table(model: Any) -> Any:
    return model.__table__
