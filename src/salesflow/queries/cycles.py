"""The sales cycle: whole days from a deal's local creation day to its close date, over the deals
won in the window; its median, overall or per group (`report kpis|reps|products`), and its total
and count (the average of sales velocity, `report kpis`)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from salesflow.db.reader import Reader
from salesflow.queries.filters import Where
from salesflow.queries.local_days import creation_days, day_diff_sql, median_sql
from salesflow.queries.outcomes import standing


def days_value(value: Any) -> Decimal | None:
    """A number of days from SQL, to one decimal (half up); None stays None."""
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _cycles(where: Where, group: str, then: str, *, reader: Reader) -> list[tuple[Any, ...]]:
    """`then` (a SELECT) over the CTE `cycle`: each won deal's group (`grp`) and days (`v`)."""
    created_day = creation_days(where, reader=reader)
    days = day_diff_sql("c.closed_on", created_day.sql, reader.dialect)
    sql = (
        f"WITH cycle AS (SELECT {group} AS grp, {days} AS v "
        + standing(where)
        + " AND c.outcome = 'won')"
        + then
    )
    return reader.rows(sql, **where.params(), **created_day.params)


def median_cycle_by(where: Where, group: str, *, reader: Reader) -> dict[Any, Decimal | None]:
    """The median cycle in days per group (an SQL expression over `d`, the deal)."""
    return {g: days_value(m) for g, m in _cycles(where, group, median_sql("cycle"), reader=reader)}


def cycle_days_total(where: Where, *, reader: Reader) -> tuple[int, int]:
    """The cycle days of the deals won in the window, summed, and how many deals they are."""
    rows = _cycles(where, "1", " SELECT COALESCE(SUM(v), 0), COUNT(*) FROM cycle", reader=reader)
    total, count = rows[0]
    return int(total), int(count)


def median_cycle(where: Where, *, reader: Reader) -> Decimal | None:
    """The median cycle in days over all the deals won in the window."""
    found = median_cycle_by(where, "1", reader=reader)
    return next(iter(found.values()), None)
