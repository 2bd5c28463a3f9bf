"""`--on-duplicate update`: a row that matches a record the database already held writes its
non-empty values over that record's. A deal's changes go to its change log, as an edit would."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from salesflow.db.bulk import insert_rows
from salesflow.models import Deal, DealChange
from salesflow.services.deals.audit import change_text

if TYPE_CHECKING:
    from salesflow.services.imports.records import DealIn
    from salesflow.services.imports.writer import ImportWriter


def update_deal(
    writer: ImportWriter, deal_id: int, deal: DealIn, company_id: int | None, contact_id: int | None
) -> None:
    """`--on-duplicate update`: the file's fields over the deal's, each change logged."""
    from sqlalchemy import select, update

    from salesflow.parsing.money import money_text

    writer.flush()  # the deal may sit in the current batch
    table = Deal.__table__  # type: ignore[attr-defined]
    row = writer.conn.execute(select(table).where(table.c.id == deal_id)).one()
    wanted: dict[str, Any] = {"title": deal.title, "owner": deal.owner, "source": deal.source,
                              "close_by": deal.close_by}  # fmt: skip
    changes: list[tuple[str, Any, Any]] = []
    values: dict[str, Any] = {}
    for name, value in wanted.items():
        old = getattr(row, name)
        if value is not None and value != old:
            changes.append((name, old, value))
            values[name] = value
    if (deal.value_minor, deal.currency) != (row.value_minor, row.currency):
        changes.append(("value", money_text(row.value_minor, row.currency),
                        money_text(deal.value_minor, deal.currency)))  # fmt: skip
        if deal.currency != row.currency:
            changes.append(("currency", row.currency, deal.currency))
        values |= {"value_minor": deal.value_minor, "currency": deal.currency}
    if company_id and not row.company_id:
        values["company_id"] = company_id
    if contact_id and not row.contact_id:
        values["contact_id"] = contact_id
    if not values:
        writer.counts.deals_skipped += 1
        return
    values |= {"updated_at": writer.now, "version": row.version + 1}
    writer.conn.execute(update(table).where(table.c.id == deal_id).values(**values))
    rows = [
        {"id": writer.take_id(DealChange), "deal_id": deal_id, "field": name,
         "old": change_text(old), "new": change_text(new), "at": writer.now, "by": writer.actor}
        for name, old, new in changes
    ]  # fmt: skip
    insert_rows(writer.conn, DealChange, rows)
    writer.counts.deals_updated += 1


def update_record(writer: ImportWriter, model: Any, row_id: int, values: dict[str, Any]) -> None:
    """The file's non-empty values over a company's or contact's."""
    from sqlalchemy import update

    given = {k: v for k, v in values.items() if v is not None}
    if given:
        writer.flush()
        writer.conn.execute(update(model).where(model.id == row_id).values(**given))
