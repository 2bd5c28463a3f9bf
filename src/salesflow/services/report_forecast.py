"""`report forecast`: the expected won value of each period, four ways, and its spread.

Open deals fall in the period of their expected close date (`close_by`); open deals whose close
date has passed are `overdue`, those without one `undated`, each its own line. Every figure is the
period's won value: what was won in it so far plus what its open deals are expected to bring:

- weighted: value × the stage's probability;
- commit / best_case: the full value of deals in commit stages (by default `proposal` on), and
  of deals in commit or best-case stages (by default `demo` on); a stage's `forecast` key in the
  pipeline file overrides this;
- historical: value × the win rate this pipeline measured for the deal's current stage: of its
  closed deals that passed through the stage, the share won (any owner, currency or date). A
  stage with fewer than `min_history` such deals uses its probability instead; each stage says
  how many deals its rate rests on;
- P10 / P50 / P90: percentiles (nearest rank) of a Monte Carlo simulation in which each open
  deal is won, in full, with its historical probability. `random.Random(seed)`, deals in a fixed
  order: the same data, seed and trials give the same figures.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from itertools import compress, repeat
from math import ceil
from operator import gt
from typing import TYPE_CHECKING

from salesflow.clock import today
from salesflow.errors import InvalidInput
from salesflow.models import Pipeline, Stage
from salesflow.services.report_kpis import CLOSED_IN_WINDOW, window_of
from salesflow.services.reporting import (
    LATEST,
    half_up,
    period_first_day,
    period_sql,
    period_start,
    periods_between,
    pick,
    ratio,
    report_scope,
    typed_sql,
)
from salesflow.services.views import Forecast, ForecastPeriod, ForecastStage

if TYPE_CHECKING:
    from sqlmodel import Session

MIN_HISTORY = 20  # closed deals a stage's measured win rate must rest on
DEFAULT_TRIALS = 1000
WORK_BUDGET = 10_000_000  # deal draws by default (trials × open deals); fewer trials beyond it
MIN_TRIALS = 200
CATEGORIES = ("commit", "best_case", "pipeline")

# Closed deals (won or lost now) of the pipeline that were ever in each stage, and how many won.
_PASSED = """
SELECT m.to_stage_id, COUNT(DISTINCT m.deal_id),
       COUNT(DISTINCT CASE WHEN d.status = 'won' THEN m.deal_id END)
FROM stage_moves m JOIN deals d ON d.id = m.deal_id
WHERE d.pipeline_id = :pipeline AND d.status IN ('won', 'lost')
GROUP BY m.to_stage_id
"""

_BUCKET = (
    "CASE WHEN d.close_by IS NULL THEN 'undated' WHEN d.close_by < :today THEN 'overdue' "
    "ELSE {period} END"
)

_OPEN = """
SELECT {bucket} AS bucket, d.stage_id, COUNT(*), COALESCE(SUM(d.value_minor), 0)
FROM deals d
WHERE d.pipeline_id = :pipeline AND d.status = 'open' AND d.currency = :currency
  AND (:owner IS NULL OR lower(d.owner) = :owner)
  AND (d.close_by IS NULL OR d.close_by <= :horizon)
GROUP BY bucket, d.stage_id
"""

# the same deals, by value, in a fixed order: what the simulation draws from
_OPEN_VALUES = """
SELECT {bucket} AS bucket, d.stage_id, d.value_minor, COUNT(*)
FROM deals d
WHERE d.pipeline_id = :pipeline AND d.status = 'open' AND d.currency = :currency
  AND (:owner IS NULL OR lower(d.owner) = :owner)
  AND (d.close_by IS NULL OR d.close_by <= :horizon)
GROUP BY bucket, d.stage_id, d.value_minor
ORDER BY bucket, d.stage_id, d.value_minor
"""

_WON_BY_PERIOD = (
    "SELECT {period} AS p, COALESCE(SUM(c.amount_minor), 0) "
    + CLOSED_IN_WINDOW
    + " AND c.outcome = 'won' GROUP BY p"
)


def stage_categories(pipeline: Pipeline, stages: list[Stage]) -> dict[str, str]:
    """Each open stage's forecast category: the pipeline file's `forecast` key, else the default."""
    from salesflow.services.deals.pipelines import parse_pipeline

    declared: dict[str, str] = {}
    try:
        spec = parse_pipeline(pipeline.source_toml, pipeline.key) if pipeline.source_toml else None
    except InvalidInput:
        spec = None
    if spec is not None:
        declared = {s.key: s.forecast for s in spec.stages if s.forecast}
    opened = [s for s in stages if s.is_open]
    by_key = {s.key: s for s in opened}
    commit_from, best_from = by_key.get("proposal"), by_key.get("demo")
    categories = {}
    for stage in opened:
        if commit_from is not None:
            commit = stage.position >= commit_from.position
        else:
            commit = stage.probability_bp >= 7000
        if best_from is not None:
            best = stage.position >= best_from.position
        else:
            best = stage.probability_bp >= 4500
        default = "commit" if commit else "best_case" if best else "pipeline"
        categories[stage.key] = declared.get(stage.key, default)
    return categories


@dataclass
class _Bucket:
    """The open deals of one period (or overdue, or undated) by stage, and what was won in it."""

    won: int = 0
    by_stage: dict[int, tuple[int, int]] = field(default_factory=dict)  # stage → (deals, value)
    values: list[int] = field(default_factory=list)  # one per deal, for the simulation
    chances: list[float] = field(default_factory=list)


def build_forecast(
    *,
    session: Session,
    pipeline: str | None = None,
    since: date | None = None,
    until: date | None = None,
    owner: str | None = None,
    currency: str | None = None,
    period: str = "month",
    seed: int = 0,
    trials: int | None = None,
    min_history: int = MIN_HISTORY,
) -> Forecast:
    """The forecast of each period from `since` (default: this period) to `until`."""
    if trials is not None and not 1 <= trials <= 1_000_000:
        raise InvalidInput("--trials must be between 1 and 1,000,000")
    if min_history < 1:
        raise InvalidInput("--min-history must be at least 1")
    scope = report_scope(session=session, pipeline=pipeline, since=since, until=until,
                         owner=owner, currency=currency, period=period)  # fmt: skip
    p = scope.params
    as_of = today()
    stages = {s.id: s for s in scope.open_stages if s.id is not None}
    named = stage_categories(scope.pipeline, scope.stages)
    categories = {sid: named[st.key] for sid, st in stages.items()}

    passed = {
        int(sid): (int(closed), int(won))
        for sid, closed, won in session.execute(typed_sql(_PASSED), pick(p, "pipeline"))
    }
    rates = {
        sid: Fraction(won, closed) if closed >= min_history else Fraction(st.probability_bp, 10000)
        for sid, st in stages.items()
        for closed, won in [passed.get(sid, (0, 0))]
    }

    bucket_sql = _BUCKET.format(period=period_sql("d.close_by", scope.dialect, period))
    params = pick(p, "pipeline", "currency", "owner", "today") | {"horizon": until or LATEST}
    buckets: dict[str, _Bucket] = defaultdict(_Bucket)
    for key, stage_id, n, value in session.execute(
        typed_sql(_OPEN.format(bucket=bucket_sql)), params
    ):
        buckets[str(key)].by_stage[int(stage_id)] = (int(n), int(value))

    # periods shown: from since's (default: this one) to until's (default: the last with deals)
    first = period_start(since or min(as_of, until or as_of), period)
    dated = [period_first_day(k) for k in buckets if k not in ("overdue", "undated")]
    listed = periods_between(first, until or max([as_of, *dated]), period)
    keys = [k for k, _, _ in listed]
    shown = [*keys, "overdue", "undated"]

    won_sql = _WON_BY_PERIOD.format(period=period_sql("c.closed_on", scope.dialect, period))
    won_params = pick(p, "pipeline", "currency", "owner") | {
        "since_day": listed[0][1],
        "until_day": listed[-1][2],
    }
    for key, amount in session.execute(typed_sql(won_sql), won_params):
        buckets[str(key)].won = int(amount)

    for key, stage_id, value, n in session.execute(
        typed_sql(_OPEN_VALUES.format(bucket=bucket_sql)), params
    ):
        bucket = buckets[str(key)]
        bucket.values.extend(repeat(int(value), int(n)))
        bucket.chances.extend(repeat(float(rates.get(int(stage_id), 0)), int(n)))

    deals = sum(n for k in shown for n, _ in buckets[k].by_stage.values())
    used = trials or _default_trials(deals)
    draws = _simulate(buckets, shown, seed=seed, trials=used)
    total_draws = [sum(column) for column in zip(*(draws[k] for k in keys), strict=True)]

    def figures(key: str, members: list[str], sims: list[int]) -> ForecastPeriod:
        start = next((s for k, s, _ in listed if k == members[0]), None) if keys else None
        end = next((e for k, _, e in listed if k == members[-1]), None) if keys else None
        return _figures(key, start, end, [buckets[k] for k in members], sims, stages,
                        categories, rates)  # fmt: skip

    stage_rows = []
    for sid, st in stages.items():
        closed, won = passed.get(sid, (0, 0))
        n_open = sum(buckets[k].by_stage.get(sid, (0, 0))[0] for k in shown)
        v_open = sum(buckets[k].by_stage.get(sid, (0, 0))[1] for k in shown)
        stage_rows.append(
            ForecastStage(
                key=st.key,
                name=st.name,
                probability=st.probability,
                category=categories[sid],
                closed=closed,
                won=won,
                measured_rate=ratio(won, closed),
                rate=_rate(rates[sid]),
                source="history" if closed >= min_history else "stage",
                open_deals=n_open,
                open_value_minor=v_open,
            )
        )
    return Forecast(
        window=window_of(scope),
        as_of=as_of,
        stages=stage_rows,
        periods=[figures(k, [k], draws[k]) for k in keys],
        total=figures("total", keys, total_draws),
        overdue=figures("overdue", ["overdue"], draws["overdue"]),
        undated=figures("undated", ["undated"], draws["undated"]),
        seed=seed,
        trials=used,
        min_history=min_history,
    )


def _rate(rate: Fraction) -> Decimal:
    """A probability as a four-decimal Decimal (half up)."""
    return ratio(rate.numerator, rate.denominator) or Decimal(0)


def _default_trials(deals: int) -> int:
    """DEFAULT_TRIALS, fewer when there are very many open deals (never below MIN_TRIALS)."""
    if deals * DEFAULT_TRIALS <= WORK_BUDGET:
        return DEFAULT_TRIALS
    return max(MIN_TRIALS, WORK_BUDGET // deals)


def _simulate(
    buckets: dict[str, _Bucket], keys: list[str], *, seed: int, trials: int
) -> dict[str, list[int]]:
    """`trials` simulated won values per bucket: won so far + each open deal won with its chance."""
    draw = random.Random(seed).random
    out: dict[str, list[int]] = {}
    for key in keys:
        bucket = buckets[key]
        values, chances, won = bucket.values, bucket.chances, bucket.won
        # a deal is won in a trial when its chance beats a uniform draw; compress/map keep the
        # per-deal work in C, one draw per deal per trial, in a fixed order
        out[key] = [
            won + sum(compress(values, map(gt, chances, iter(draw, 2.0)))) for _ in range(trials)
        ]
    return out


def percentile(sorted_values: list[int], q: int) -> int:
    """The q-th percentile by nearest rank (q in 1..99) of sorted values (0 when empty)."""
    if not sorted_values:
        return 0
    return sorted_values[max(0, ceil(q * len(sorted_values) / 100) - 1)]


def _figures(
    key: str,
    start: date | None,
    end: date | None,
    members: list[_Bucket],
    draws: list[int],
    stages: dict[int, Stage],
    categories: dict[int, str],
    rates: dict[int, Fraction],
) -> ForecastPeriod:
    """One line of the forecast from its buckets' open value per stage and the simulation."""
    won = sum(b.won for b in members)
    deals, value = 0, 0
    by_stage: dict[int, int] = defaultdict(int)
    for bucket in members:
        for sid, (n, v) in bucket.by_stage.items():
            deals, value = deals + n, value + v
            by_stage[sid] += v
    weighted = half_up(sum(v * stages[sid].probability_bp for sid, v in by_stage.items()), 10000)
    commit = sum(v for sid, v in by_stage.items() if categories[sid] == "commit")
    best = sum(v for sid, v in by_stage.items() if categories[sid] != "pipeline")
    historical = sum((v * rates[sid] for sid, v in by_stage.items()), Fraction(0))
    ranked = sorted(draws)
    return ForecastPeriod(
        period=key,
        start=start,
        end=end,
        deals=deals,
        value_minor=value,
        won_minor=won,
        weighted_minor=won + weighted,
        commit_minor=won + commit,
        best_case_minor=won + best,
        historical_minor=won + half_up(historical.numerator, historical.denominator),
        p10_minor=percentile(ranked, 10),
        p50_minor=percentile(ranked, 50),
        p90_minor=percentile(ranked, 90),
    )
