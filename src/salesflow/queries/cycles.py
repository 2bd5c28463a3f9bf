"""The sales cycle: whole days from a deal's local creation day to its close date, over the deals
won in the window; its median, overall or per group (`report kpis|reps|products`)."""

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


def median_cycle_by(where: Where, group: str, *, reader: Reader) -> dict[Any, Decimal | None]:
    """The median cycle in days per group (an SQL expression over `d`, the deal)."""
    created_day = creation_days(where, reader=reader)
    days = day_diff_sql("c.closed_on", created_day.sql, reader.dialect)
    sql = (
        f"WITH cycle AS (SELECT {group} AS grp, {days} AS v "
        + standing(where)
        + " AND c.outcome = 'won')"
        + median_sql("cycle")
    )
    rows = reader.rows(sql, **where.params(), **created_day.params)
    return {g: days_value(m) for g, m in rows}


def median_cycle(where: Where, *, reader: Reader) -> Decimal | None:
    """The median cycle in days over all the deals won in the window."""
    found = median_cycle_by(where, "1", reader=reader)
    return next(iter(found.values()), None)
