"""Deals created in the window (by their creation moment, local days), in the report currency."""

from __future__ import annotations

from salesflow.db.reader import Reader, compose
from salesflow.queries import filters
from salesflow.queries.filters import Where
from salesflow.queries.local_days import creation_days, period_sql

_COUNT = "SELECT COUNT(*) FROM deals d WHERE d.pipeline_id = :pipeline"
# {group}: an SQL expression of our own over `d`
_BY_GROUP = (
    "SELECT {group} AS grp, COUNT(*) FROM deals d WHERE d.pipeline_id = :pipeline{where}"
    " GROUP BY grp"
)
# {period}: SQL of our own (`local_days`); {where}: the filters' constant fragments
_BY_PERIOD = (
    "SELECT {period} AS p, COUNT(*) FROM deals d WHERE d.pipeline_id = :pipeline{where} GROUP BY p"
)


def deals_created(where: Where, *, reader: Reader) -> int:
    """How many deals were created in the window."""
    sql = compose(_COUNT, filters.currency(), filters.owner(where), filters.moment_window(where))
    return int(reader.scalar(sql, **where.params()) or 0)


def created_by(where: Where, group: str, *, reader: Reader) -> dict[object, int]:
    """How many deals were created in the window, per group (an SQL expression over `d`)."""
    sql = _BY_GROUP.format(
        group=group, where=filters.currency() + filters.owner(where) + filters.moment_window(where)
    )
    return {k: int(n) for k, n in reader.rows(sql, **where.params())}


def created_by_period(where: Where, period: str, *, reader: Reader) -> dict[str, int]:
    """Deals created in the window per month or quarter (of the local creation day)."""
    day = creation_days(where, reader=reader)
    sql = _BY_PERIOD.format(
        period=period_sql(day.sql, reader.dialect, period),
        where=filters.currency() + filters.owner(where) + filters.moment_window(where),
    )
    return {str(k): int(n) for k, n in reader.rows(sql, **where.params(), **day.params)}
