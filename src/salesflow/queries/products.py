"""The products deals are about, by id (`report products`)."""

from __future__ import annotations

from salesflow.db.reader import Reader

_BY_ID = "SELECT id, sku, name FROM products WHERE id IN ({marks})"  # marks: :p0, :p1 …


def products_by_id(ids: list[int], *, reader: Reader) -> dict[int, tuple[str, str]]:
    """(sku, name) of each product id given."""
    if not ids:
        return {}
    names = [f"p{i}" for i in range(len(ids))]
    marks = ", ".join(f":{n}" for n in names)
    rows = reader.rows(_BY_ID.format(marks=marks), **dict(zip(names, ids, strict=True)))
    return {int(i): (str(sku), str(name)) for i, sku, name in rows}
