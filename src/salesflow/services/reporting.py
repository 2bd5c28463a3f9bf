"""What every report shares: its scope (pipeline, window, owner, one currency), typed SQL,
calendar periods, and local dates computed in SQL.

A report looks at one pipeline in one currency (the most used one unless asked for another;
deals in other currencies are left out and counted, as the funnel does). The window is local
days, `since` and `until` inclusive, all time by default: deals count as created by their creation
time, and as won or lost by the close date of an outcome that still stands (a reopen undoes one).

Local dates in SQL: timestamps are stored in UTC, but "the day a deal was created" is a local
day. SQL has no portable time zones, so the zone's UTC offsets over the data's time span are
worked out here (a handful of DST segments) and passed in as bound parameters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from salesflow.clock import end_of_day_utc, local_zone, start_of_day_utc, today
from salesflow.config import load_config
from salesflow.errors import InvalidInput
from salesflow.models import Pipeline, Stage
from salesflow.queries.filters import owner_key
from salesflow.services.deals.pipelines import get_pipeline, stages_of

if TYPE_CHECKING:
    from sqlmodel import Session

PERIODS = ("month", "quarter")
EARLIEST = date(1900, 1, 1)
LATEST = date(9999, 12, 31)
# the SQL bind types of every parameter a report uses (PostgreSQL cannot infer `:x IS NULL`)
_TYPES = {
    "pipeline": "int",
    "owner": "str",
    "currency": "str",
    "since": "datetime",
    "until": "datetime",
    "since_day": "date",
    "until_day": "date",
    "today": "date",
    "qpos": "int",
    "this_start": "datetime",
    "this_end": "datetime",
    "last_start": "datetime",
    "current_start": "date",
    "horizon": "date",
}

_CURRENCIES = """
SELECT currency, COUNT(*) FROM deals
WHERE pipeline_id = :pipeline AND (:owner IS NULL OR lower(owner) = :owner)
GROUP BY currency ORDER BY COUNT(*) DESC, currency
"""

_SPAN = """
SELECT MIN(created_at), MAX(created_at) FROM deals
WHERE pipeline_id = :pipeline AND currency = :currency AND (:owner IS NULL OR lower(owner) = :owner)
"""


def typed_sql(sql: str, extra: dict[str, str] | None = None) -> Any:
    """A text query whose parameters carry their SQL types (named in `_TYPES` or `extra`)."""
    from sqlalchemy import Date, DateTime, Integer, String, bindparam, text

    kinds = {"int": Integer, "str": String, "datetime": DateTime, "date": Date}
    types = _TYPES | (extra or {})
    used = sorted(set(re.findall(r"(?<!:):(\w+)", sql)) & set(types))
    return text(sql).bindparams(*(bindparam(k, type_=kinds[types[k]]()) for k in used))


def ratio(part: int, whole: int) -> Decimal | None:
    """part / whole to four decimals (half up), or None when whole is 0."""
    if whole == 0:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def days_value(value: Any) -> Decimal | None:
    """A number of days from SQL, to one decimal (half up); None stays None."""
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def most_used_currency(by_currency: dict[str, int], configured: str) -> str:
    """The report currency: the most used one; on a tie the configured one, else A-Z first."""
    if not by_currency:
        return configured
    top = max(by_currency.values())
    tied = sorted(c for c, n in by_currency.items() if n == top)
    return configured if configured in tied else tied[0]


@dataclass
class Scope:
    """One report's pipeline, stages, window, owner and currency, and the SQL parameters."""

    pipeline: Pipeline
    stages: list[Stage]
    since: date | None
    until: date | None
    owner: str | None
    currency: str
    left_out: dict[str, int]
    period: str
    dialect: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def open_stages(self) -> list[Stage]:
        """The open stages in order."""
        return [s for s in self.stages if s.is_open]

    @property
    def end_day(self) -> date:
        """The last day of the window (today when open-ended)."""
        return self.until or today()


def report_scope(
    *,
    session: Session,
    pipeline: str | None,
    since: date | None,
    until: date | None,
    owner: str | None,
    currency: str | None,
    period: str = "month",
) -> Scope:
    """Resolve a report's pipeline, window, owner and currency."""
    if since and until and since > until:
        raise InvalidInput(f"--since {since} is after --until {until}")
    if period not in PERIODS:
        raise InvalidInput(f"--period must be month or quarter, not {period!r}")
    chosen = get_pipeline(pipeline, session=session)
    assert chosen.id is not None
    key = owner_key(owner)
    base: dict[str, Any] = {"pipeline": chosen.id, "owner": key}
    counts = session.execute(typed_sql(_CURRENCIES), base).all()
    by_currency = {str(c): int(n) for c, n in counts}
    code = currency or most_used_currency(by_currency, load_config().currency)
    params = base | {
        "currency": code,
        "since": start_of_day_utc(since or EARLIEST),
        "until": end_of_day_utc(until or today()),
        "since_day": since or EARLIEST,
        "until_day": until or LATEST,
        "today": today(),
    }
    return Scope(
        pipeline=chosen,
        stages=stages_of(chosen.id, session=session),
        since=since,
        until=until,
        owner=owner,
        currency=code,
        left_out={c: n for c, n in by_currency.items() if c != code},
        period=period,
        dialect=session.get_bind().dialect.name,
        params=params,
    )


def pick(params: dict[str, Any], *names: str) -> dict[str, Any]:
    """The named parameters only (a text query must not get unused ones on some drivers)."""
    return {k: params[k] for k in names}


# --- calendar periods ----------------------------------------------------------------------


def period_start(day: date, period: str) -> date:
    """The first day of the month or quarter holding `day`."""
    month = day.month if period == "month" else 3 * ((day.month - 1) // 3) + 1
    return date(day.year, month, 1)


def next_period(start: date, period: str) -> date:
    """The first day of the period after the one starting on `start`."""
    months = 1 if period == "month" else 3
    index = start.year * 12 + start.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def previous_period(start: date, period: str) -> date:
    """The first day of the period before the one starting on `start`."""
    months = 1 if period == "month" else 3
    index = start.year * 12 + start.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def period_key(start: date, period: str) -> str:
    """`2026-11` for a month, `2026-Q4` for a quarter."""
    if period == "month":
        return f"{start.year:04d}-{start.month:02d}"
    return f"{start.year:04d}-Q{(start.month - 1) // 3 + 1}"


def periods_between(first: date, last: date, period: str) -> list[tuple[str, date, date]]:
    """(key, first day, last day) of every period from the one holding `first` to `last`'s."""
    out = []
    start = period_start(first, period)
    while start <= last:
        following = next_period(start, period)
        out.append((period_key(start, period), start, following - timedelta(days=1)))
        start = following
    return out


def period_first_day(key: str) -> date:
    """The first day of the period `2026-11` or `2026-Q4`."""
    year, rest = key.split("-")
    month = 3 * (int(rest[1:]) - 1) + 1 if rest.startswith("Q") else int(rest)
    return date(int(year), month, 1)


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


# --- local dates of UTC timestamps, in SQL ---------------------------------------------------


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
    types: dict[str, str]


def local_day_sql(column: str, dialect: str, segments: list[tuple[datetime, int]]) -> LocalDay:
    """The local date of `column` (naive UTC), shifted by the zone's offset at that moment."""
    if all(off == 0 for _, off in segments):
        return LocalDay(f"CAST({column} AS DATE)" if dialect != "sqlite" else f"date({column})",
                        {}, {})  # fmt: skip
    params: dict[str, Any] = {}
    types: dict[str, str] = {}
    branches = []
    for i, (_, off) in enumerate(segments):
        params[f"tzoff{i}"] = off
        types[f"tzoff{i}"] = "int"
        if i + 1 < len(segments):
            params[f"tzend{i}"] = segments[i + 1][0]
            types[f"tzend{i}"] = "datetime"
            branches.append(f"WHEN {column} < :tzend{i} THEN :tzoff{i}")
    last = len(segments) - 1
    shift = f"(CASE {' '.join(branches)} ELSE :tzoff{last} END)" if branches else f":tzoff{last}"
    if dialect == "sqlite":
        sql = f"date({column}, CAST({shift} AS TEXT) || ' seconds')"
    else:
        sql = f"CAST({column} + {shift} * INTERVAL '1 second' AS DATE)"
    return LocalDay(sql, params, types)


def creation_days(scope: Scope, *, session: Session, column: str = "d.created_at") -> LocalDay:
    """The local creation day of the scope's deals, as SQL over `column`."""
    lo, hi = session.execute(
        typed_sql(_SPAN), pick(scope.params, "pipeline", "currency", "owner")
    ).one()
    return local_day_sql(column, scope.dialect, offset_segments(_as_datetime(lo), _as_datetime(hi)))


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


def _as_datetime(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up, in integers (both non-negative)."""
    return (2 * numerator + denominator) // (2 * denominator)
