"""What every report shares: its scope (pipeline, window, owner, one currency), calendar
periods, and the rounding of rates and averages.

A report looks at one pipeline in one currency (the most used one unless asked for another;
deals in other currencies are left out and counted, as the funnel does). The window is local
days, `since` and `until` inclusive, all time by default: deals count as created by their creation
time, and as won or lost by the close date of an outcome that still stands (a reopen undoes one).

The command line builds one `ReportScope` (`report_scope`) and hands it to the report; the report
resolves it on its Reader (`resolve`: the pipeline, its stages, the report currency) once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from salesflow.clock import today
from salesflow.db.reader import Reader
from salesflow.errors import InvalidInput
from salesflow.queries.currencies import currency_counts, most_used_currency
from salesflow.queries.filters import Where, owner_key
from salesflow.queries.outcomes import Outcome
from salesflow.queries.pipelines import PipelineRow, StageRow, pipeline_row, stage_rows

if TYPE_CHECKING:
    from salesflow.services.reports.views import ReportWindow

PERIODS = ("month", "quarter")


@dataclass(frozen=True)
class ReportScope:
    """What a report is asked to look at, as given on the command line (validated).

    `owner` is the `--owner` filter as compared (`owner_key`), `owner_label` as typed (shown back
    in the output); `pipeline` a name or None for the default; `currency` None for the most used.
    """

    pipeline: str | None = None
    since: date | None = None
    until: date | None = None
    owner: str | None = None
    owner_label: str | None = None
    currency: str | None = None
    period: str = "month"


def check_period(period: str) -> None:
    """`--period` is month or quarter."""
    if period not in PERIODS:
        raise InvalidInput(f"--period must be month or quarter, not {period!r}")


def report_scope(
    *,
    pipeline: str | None = None,
    since: date | None = None,
    until: date | None = None,
    owner: str | None = None,
    currency: str | None = None,
    period: str = "month",
) -> ReportScope:
    """The one place a report's scope is built and checked (every report, the funnel too)."""
    check_period(period)
    if since and until and since > until:
        raise InvalidInput(f"--since {since} is after --until {until}")
    return ReportScope(pipeline=pipeline, since=since, until=until, owner=owner_key(owner),
                       owner_label=owner, currency=currency, period=period)  # fmt: skip


@dataclass(frozen=True)
class Scope:
    """A `ReportScope` resolved on the database: the pipeline, its stages, the report currency,
    the deals left out for being in another currency, and the filters every query applies."""

    asked: ReportScope
    pipeline: PipelineRow
    stages: list[StageRow]
    currency: str
    left_out: dict[str, int]
    dialect: str
    where: Where = field(init=False)

    def __post_init__(self) -> None:
        where = Where(pipeline=self.pipeline.id, currency=self.currency, owner=self.asked.owner,
                      since=self.asked.since, until=self.asked.until)  # fmt: skip
        object.__setattr__(self, "where", where)

    @property
    def since(self) -> date | None:
        return self.asked.since

    @property
    def until(self) -> date | None:
        return self.asked.until

    @property
    def period(self) -> str:
        return self.asked.period

    @property
    def open_stages(self) -> list[StageRow]:
        """The open stages in order."""
        return [s for s in self.stages if s.is_open]

    @property
    def end_day(self) -> date:
        """The last day of the window (today when open-ended)."""
        return self.asked.until or today()


def resolve(scope: ReportScope, *, reader: Reader) -> Scope:
    """The pipeline (named, else the default), its stages and the report currency."""
    from salesflow.config import load_config

    chosen = pipeline_row(scope.pipeline, reader=reader)
    by_currency = currency_counts(chosen.id, scope.owner, reader=reader)
    code = scope.currency or most_used_currency(by_currency, load_config().currency)
    return Scope(
        asked=scope,
        pipeline=chosen,
        stages=stage_rows(chosen.id, reader=reader),
        currency=code,
        left_out={c: n for c, n in by_currency.items() if c != code},
        dialect=reader.dialect,
    )


def window_of(scope: Scope) -> ReportWindow:
    """The read-model form of a report's scope."""
    from salesflow.services.reports.views import ReportWindow  # not for the board's head

    return ReportWindow(
        pipeline=scope.pipeline.key,
        currency=scope.currency,
        since=scope.since,
        until=scope.until,
        owner=scope.asked.owner_label,
        period=scope.period,
        left_out=scope.left_out,
    )


def ratio(part: int, whole: int) -> Decimal | None:
    """part / whole to four decimals (half up), or None when whole is 0."""
    if whole == 0:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


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


def half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up, in integers (both non-negative)."""
    return (2 * numerator + denominator) // (2 * denominator)


def outcome_figures(won: Outcome, lost: Outcome) -> dict[str, Any]:
    """One line of a split report (`report reps`, `reps --by`, `products`, `kpis --by`): won,
    lost, win rate, won value and the average won deal, as keyword arguments of its row."""
    return {
        "won": won.count,
        "lost": lost.count,
        "win_rate": ratio(won.count, won.count + lost.count),
        "won_value_minor": won.value_minor,
        "avg_won_value_minor": half_up(won.value_minor, won.count) if won.count else None,
    }


def best_won_first(group: str | None, won_value_minor: int, won: int) -> tuple[Any, ...]:
    """The order of a split report's groups: best won value first, then more wins, then by
    name; the deals with no group (None) last."""
    return (group is None, -won_value_minor, -won, (group or "").lower())


def weighted_minor(open_by_stage: dict[int, tuple[int, int]], stages: list[StageRow]) -> int:
    """Σ value × stage probability over open deals, rounded half up once, at the end (the
    weighted pipeline of `report kpis` and of the board's column heads)."""
    bp = {s.id: s.probability_bp for s in stages}
    total = sum(value * bp.get(stage_id, 0) for stage_id, (_, value) in open_by_stage.items())
    return half_up(total, 10000)
