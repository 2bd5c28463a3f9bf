"""What `report kpis --by` groups deals by: an SQL expression over `d`, the deal, per name. A
deal with nothing to group by (no source, no company or none with an industry or country, no
main product, an owner in no team) is in the group NULL."""

from __future__ import annotations

from typing import LiteralString

from salesflow.queries.teams import team_group_sql

KPI_GROUPS: dict[str, LiteralString] = {
    "source": "d.source",
    "industry": "(SELECT co.industry FROM companies co WHERE co.id = d.company_id)",
    "country": "(SELECT co.country FROM companies co WHERE co.id = d.company_id)",
    "product": "(SELECT p.name FROM products p WHERE p.id = d.product_id)",
    "team": team_group_sql("team"),
}


def deal_group_sql(by: str) -> LiteralString:
    """The SQL expression of the group `by` (one of `KPI_GROUPS`)."""
    return KPI_GROUPS[by]
