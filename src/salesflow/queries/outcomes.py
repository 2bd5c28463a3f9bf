"""Won and lost: the close outcomes that still stand (a reopen undoes one), by close date (a
local day) in the window, in the report currency. A deal has at most one standing outcome, so
counts and sums need no DISTINCT. `funnel`, `report kpis|reps|products|forecast|lost|stages`
all count won and lost here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, LiteralString

from salesflow.db.reader import Reader, compose
from salesflow.domain.deals import DealStatus
from salesflow.queries import filters
from salesflow.queries.filters import Where


@dataclass(frozen=True)
class Outcome:
    """How many deals closed one way, their value, and (for ARPU) the companies among them."""

    count: int = 0
    value_minor: int = 0
    companies: int = 0
    company_value_minor: int = 0


# Outcomes first, in deal order, then each one's deal (CROSS JOIN keeps that order on SQLite).
_FROM = """
FROM close_outcomes c CROSS JOIN deals d
WHERE c.reopened_at IS NULL AND c.currency = :currency
  AND d.id = c.deal_id AND d.pipeline_id = :pipeline"""


def standing(where: Where) -> LiteralString:
    """`FROM … WHERE …` of the standing outcomes in the window (aliases `c` and `d`)."""
    return compose(_FROM, filters.owner(where), filters.closed_window(where))


_BY = """
SELECT {group} AS grp, c.outcome, COUNT(*), COALESCE(SUM(c.amount_minor), 0),
       COUNT(DISTINCT d.company_id),
       COALESCE(SUM(CASE WHEN d.company_id IS NOT NULL THEN c.amount_minor END), 0),
       MIN(d.owner)
"""


def outcomes_by(
    where: Where, group: str, *, reader: Reader
) -> tuple[dict[Any, dict[str, Outcome]], dict[Any, str]]:
    """Won and lost per group (an SQL expression over `d` and `c`); and an owner's name as
    written, per group (for a group by owner)."""
    sql = _BY.format(group=group) + standing(where) + " GROUP BY grp, c.outcome"
    out: dict[Any, dict[str, Outcome]] = {}
    names: dict[Any, str] = {}
    for key, outcome, n, value, companies, company_value, name in reader.rows(
        sql, **where.params()
    ):
        out.setdefault(key, {})[str(outcome)] = Outcome(
            int(n), int(value), int(companies), int(company_value)
        )
        names.setdefault(key, str(name))
    return out, names


def won_lost(where: Where, *, reader: Reader) -> tuple[Outcome, Outcome]:
    """The window's won and lost."""
    found = outcomes_by(where, "1", reader=reader)[0].get(1, {})
    return found.get(DealStatus.WON, Outcome()), found.get(DealStatus.LOST, Outcome())
