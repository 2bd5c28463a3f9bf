"""Calendar SQL: the period key of a date, the local day of a UTC timestamp, day differences
and medians, written once for SQLite and PostgreSQL.

Timestamps are stored in UTC, but "the day a deal was created" is a local day. SQL has no
portable time zones, so the zone's UTC offsets over the data's time span are worked out here (a
handful of DST segments) and passed in as bound parameters.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from salesflow.clock import local_zone
from salesflow.db.reader import Reader, as_datetime, compose
from salesflow.queries import filters
from salesflow.queries.filters import Where


def period_sql(day: str, dialect: str, period: str) -> str:
    """SQL giving the period key (`2026-11` / `2026-Q4`) of a date expression."""
    if dialect == "sqlite":
        if period == "month":
            return f"strftime('%Y-%m', {day})"
        return (
            f"(strftime('%Y', {day}) || '-Q' || ((CAST(strftime('%m', {day}) AS INTEGER) + 2) / 3))"
        )
    if period == "month":
        return f"to_char({day}, 'YYYY-MM')"
    return f"to_char({day}, 'YYYY-\"Q\"Q')"


def offset_segments(lo: datetime | None, hi: datetime | None) -> list[tuple[datetime, int]]:
    """The local zone's UTC offset (seconds) over [lo, hi] as (valid from, offset) segments.

    The first segment starts at `datetime.min`. Daylight-saving changes are found day by day and
    pinned to the minute, so a span of a few years gives a few segments.
    """
    zone = local_zone()

    def offset(moment: datetime) -> int:
        delta = moment.replace(tzinfo=UTC).astimezone(zone).utcoffset()
        return int(delta.total_seconds()) if delta else 0

    if lo is None or hi is None:
        now = datetime.now(UTC).replace(tzinfo=None)
        return [(datetime.min, offset(now))]
    start = lo - timedelta(days=1)
    segments = [(datetime.min, offset(start))]
    day = start
    while day <= hi:
        following = day + timedelta(days=1)
        if offset(following) != segments[-1][1]:
            low, high = day, following  # the change is in (low, high]: bisect to the minute
            while high - low > timedelta(minutes=1):
                middle = low + (high - low) / 2
                if offset(middle) == segments[-1][1]:
                    low = middle
                else:
                    high = middle
            high = high.replace(second=0, microsecond=0)
            segments.append((high, offset(following)))
        day = following
    return segments


@dataclass(frozen=True)
class LocalDay:
    """SQL for the local date of a UTC timestamp column, and the parameters it needs."""

    sql: str
    params: dict[str, Any]


def local_day_sql(column: str, dialect: str, segments: list[tuple[datetime, int]]) -> LocalDay:
    """The local date of `column` (naive UTC), shifted by the zone's offset at that moment."""
    if all(off == 0 for _, off in segments):
        return LocalDay(f"CAST({column} AS DATE)" if dialect != "sqlite" else f"date({column})", {})
    params: dict[str, Any] = {}
    branches = []
    for i, (_, off) in enumerate(segments):
        params[f"tzoff{i}"] = off
        if i + 1 < len(segments):
            params[f"tzend{i}"] = segments[i + 1][0]
            branches.append(f"WHEN {column} < :tzend{i} THEN :tzoff{i}")
    last = len(segments) - 1
    shift = f"(CASE {' '.join(branches)} ELSE :tzoff{last} END)" if branches else f":tzoff{last}"
    if dialect == "sqlite":
        sql = f"date({column}, CAST({shift} AS TEXT) || ' seconds')"
    else:
        sql = f"CAST({column} + {shift} * INTERVAL '1 second' AS DATE)"
    return LocalDay(sql, params)


_SPAN = "SELECT MIN(d.created_at), MAX(d.created_at) FROM deals d WHERE d.pipeline_id = :pipeline"


def creation_days(where: Where, *, reader: Reader, column: str = "d.created_at") -> LocalDay:
    """The local creation day of the deals in scope (pipeline, currency, owner), as SQL."""
    sql = compose(_SPAN, filters.currency(), filters.owner(where))
    found = reader.row(sql, **where.params())
    lo, hi = found if found is not None else (None, None)
    return local_day_sql(column, reader.dialect, offset_segments(as_datetime(lo), as_datetime(hi)))


def day_diff_sql(later: str, earlier: str, dialect: str) -> str:
    """Whole days from the date `earlier` to the date `later`, in SQL."""
    if dialect == "sqlite":
        return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"
    return f"({later} - {earlier})"


_MEDIAN = """
, ranked AS (
  SELECT grp, v, ROW_NUMBER() OVER (PARTITION BY grp ORDER BY v) AS rn,
         COUNT(*) OVER (PARTITION BY grp) AS cnt
  FROM {values}
)
SELECT grp, AVG(v) FROM ranked WHERE rn IN ((cnt + 1) / 2, (cnt + 2) / 2) GROUP BY grp
"""


def median_sql(values: str) -> str:
    """The median of `v` per `grp` over the CTE `values` (the middle two averaged), as SQL."""
    return _MEDIAN.format(values=values)
