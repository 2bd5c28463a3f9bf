"""Open deals now, in the report currency: how many and their face value, per stage or per any
group. `funnel` (current), `report kpis` (open deals, pipeline value), `report reps|products`
(open) and `report stages` (current) all count open deals here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from salesflow.db.reader import Reader
from salesflow.queries import filters
from salesflow.queries.filters import Where

_BY = """
SELECT {group} AS grp, COUNT(*), COALESCE(SUM(d.value_minor), 0), {name} FROM deals d
WHERE d.status = 'open' AND d.pipeline_id = :pipeline AND d.currency = :currency"""


@dataclass(frozen=True)
class OpenDeals:
    """Open deals of one group: how many, their value, and an owner's name as written."""

    count: int
    value_minor: int
    owner: str


def open_by(
    where: Where, group: str = "d.stage_id", *, reader: Reader, names: bool = False
) -> dict[Any, OpenDeals]:
    """Open deals per group (an SQL expression over `d`; by default the stage id). `names`: also
    an owner's name as written per group (else empty), for a group by owner."""
    name = "MIN(d.owner)" if names else "''"
    sql = _BY.format(group=group, name=name) + filters.owner(where) + " GROUP BY grp"
    return {
        key: OpenDeals(int(n), int(value), str(label))
        for key, n, value, label in reader.rows(sql, **where.params())
    }


def open_by_stage(where: Where, *, reader: Reader) -> dict[int, tuple[int, int]]:
    """(deals, value) of the open deals per stage id."""
    return {int(k): (o.count, o.value_minor) for k, o in open_by(where, reader=reader).items()}
