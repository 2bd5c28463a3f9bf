"""The currencies of a pipeline's deals, and the report currency chosen from them."""

from __future__ import annotations

from salesflow.db.reader import Reader, compose
from salesflow.queries import filters

_COUNTS = "SELECT currency, COUNT(*) FROM deals d WHERE d.pipeline_id = :pipeline"
_BY = " GROUP BY currency ORDER BY COUNT(*) DESC, currency"


def currency_counts(pipeline: int, owner: str | None, *, reader: Reader) -> dict[str, int]:
    """Deals per currency in the pipeline (one owner's, when given), most used first."""
    where = filters.Where(pipeline=pipeline, currency="", owner=owner)
    sql = compose(_COUNTS, filters.owner(where), _BY)
    return {str(c): int(n) for c, n in reader.rows(sql, **where.params())}


def most_used_currency(by_currency: dict[str, int], configured: str) -> str:
    """The report currency: the most used one; on a tie the configured one, else A-Z first."""
    if not by_currency:
        return configured
    top = max(by_currency.values())
    tied = sorted(c for c, n in by_currency.items() if n == top)
    return configured if configured in tied else tied[0]
