"""`report reps` and `report products`: the KPIs split by deal owner or by main product.

Per rep (owners compared case-insensitively):
- open: the rep's open deals now; won, lost, win_rate, won_value, median_cycle_days: as in
  `report kpis`, over the rep's deals closed in the window;
- activities: calls, emails, meetings, demos, notes and support touches the rep logged (`by`) on
  the pipeline's deals in the window (engagement events are the lead's doing, not the rep's);
- overdue: the rep's open follow-ups due before today, on the pipeline's deals not lost.
Deal figures are in the report currency; activities and follow-ups count in any currency.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import TYPE_CHECKING, Any

from salesflow.clock import today
from salesflow.models import Product
from salesflow.models.activity import ACTIVITY_TYPES
from salesflow.services.reports.kpis import CLOSED_IN_WINDOW, median_cycle, window_of
from salesflow.services.reports.scope import Scope, half_up, pick, ratio, report_scope, typed_sql
from salesflow.services.reports.views import ProductRow, Products, RepRow, Reps

if TYPE_CHECKING:
    from sqlmodel import Session

_OPEN_BY = """
SELECT {group} AS grp, MIN(d.owner), COUNT(*) FROM deals d
WHERE d.pipeline_id = :pipeline AND d.status = 'open' AND d.currency = :currency
  AND (:owner IS NULL OR lower(d.owner) = :owner)
GROUP BY grp
"""

_CLOSED_BY = (
    "SELECT {group} AS grp, MIN(d.owner), c.outcome, COUNT(*), COALESCE(SUM(c.amount_minor), 0) "
    + CLOSED_IN_WINDOW
    + " GROUP BY grp, c.outcome"
)

_REP_TYPES = ", ".join(f"'{t}'" for t in ACTIVITY_TYPES)  # constants of the model, not input

_ACTIVITIES = (
    """
SELECT lower(a.by) AS grp, MIN(a.by), COUNT(*) FROM activities a JOIN deals d ON d.id = a.deal_id
WHERE d.pipeline_id = :pipeline AND (:owner IS NULL OR lower(a.by) = :owner)
  AND a.at >= :since AND a.at < :until AND a.type IN ("""
    + _REP_TYPES
    + """)
GROUP BY grp
"""
)

_OVERDUE = """
SELECT lower(f.owner) AS grp, MIN(f.owner), COUNT(*)
FROM follow_ups f JOIN deals d ON d.id = f.deal_id
WHERE d.pipeline_id = :pipeline AND f.done_at IS NULL AND f.due < :today AND d.status <> 'lost'
  AND (:owner IS NULL OR lower(f.owner) = :owner)
GROUP BY grp
"""


def _by_group(
    scope: Scope, group: str, *, session: Session
) -> tuple[dict[Any, int], dict[Any, dict[str, tuple[int, int]]], dict[Any, str]]:
    """Open deals, and won/lost (count, value) in the window, per group; and a name per group."""
    p = scope.params
    names: dict[Any, str] = {}
    opened: dict[Any, int] = {}
    for key, name, n in session.execute(
        typed_sql(_OPEN_BY.format(group=group)), pick(p, "pipeline", "currency", "owner")
    ):
        opened[key] = int(n)
        names.setdefault(key, str(name))
    closed: dict[Any, dict[str, tuple[int, int]]] = defaultdict(dict)
    for key, name, outcome, n, value in session.execute(
        typed_sql(_CLOSED_BY.format(group=group)),
        pick(p, "pipeline", "currency", "owner", "since_day", "until_day"),
    ):
        closed[key][str(outcome)] = (int(n), int(value))
        names.setdefault(key, str(name))
    return opened, closed, names


def build_reps(
    *,
    session: Session,
    pipeline: str | None = None,
    since: date | None = None,
    until: date | None = None,
    owner: str | None = None,
    currency: str | None = None,
    period: str = "month",
) -> Reps:
    """Each rep's open deals, wins, losses, win rate, won value, cycle, activities, overdue."""
    scope = report_scope(session=session, pipeline=pipeline, since=since, until=until,
                         owner=owner, currency=currency, period=period)  # fmt: skip
    p = scope.params
    group = "lower(d.owner)"
    opened, closed, names = _by_group(scope, group, session=session)
    cycles = median_cycle(scope, session=session, group=group)
    activities: dict[Any, int] = {}
    for key, name, n in session.execute(
        typed_sql(_ACTIVITIES), pick(p, "pipeline", "owner", "since", "until")
    ):
        activities[key] = int(n)
        names.setdefault(key, str(name))
    overdue: dict[Any, int] = {}
    for key, name, n in session.execute(typed_sql(_OVERDUE), pick(p, "pipeline", "owner", "today")):
        overdue[key] = int(n)
        names.setdefault(key, str(name))
    rows = []
    for key, name in names.items():
        won, won_value = closed[key].get("won", (0, 0)) if key in closed else (0, 0)
        lost, _ = closed[key].get("lost", (0, 0)) if key in closed else (0, 0)
        rows.append(
            RepRow(
                owner=name,
                open=opened.get(key, 0),
                won=won,
                lost=lost,
                win_rate=ratio(won, won + lost),
                won_value_minor=won_value,
                median_cycle_days=cycles.get(key),
                activities=activities.get(key, 0),
                overdue=overdue.get(key, 0),
            )
        )
    rows.sort(key=lambda r: (-r.won_value_minor, -r.won, r.owner.lower()))
    return Reps(window=window_of(scope), as_of=today(), reps=rows)


def build_products(
    *,
    session: Session,
    pipeline: str | None = None,
    since: date | None = None,
    until: date | None = None,
    owner: str | None = None,
    currency: str | None = None,
    period: str = "month",
) -> Products:
    """Per main product of the deals: open, won, lost, win rate, won value, average, cycle."""
    from sqlmodel import col, select

    scope = report_scope(session=session, pipeline=pipeline, since=since, until=until,
                         owner=owner, currency=currency, period=period)  # fmt: skip
    group = "d.product_id"
    opened, closed, _ = _by_group(scope, group, session=session)
    cycles = median_cycle(scope, session=session, group=group)
    ids = [k for k in {*opened, *closed} if k is not None]
    products = {
        p.id: p for p in session.exec(select(Product).where(col(Product.id).in_(ids)))
    } if ids else {}  # fmt: skip
    rows = []
    for key in {*opened, *closed}:
        won, won_value = closed[key].get("won", (0, 0)) if key in closed else (0, 0)
        lost, _ = closed[key].get("lost", (0, 0)) if key in closed else (0, 0)
        product = products.get(key)
        rows.append(
            ProductRow(
                sku=product.sku if product else None,
                name=product.name if product else None,
                open=opened.get(key, 0),
                won=won,
                lost=lost,
                win_rate=ratio(won, won + lost),
                won_value_minor=won_value,
                avg_won_value_minor=half_up(won_value, won) if won else None,
                median_cycle_days=cycles.get(key),
            )
        )
    rows.sort(key=lambda r: (r.sku is None, -r.won_value_minor, -r.won, (r.name or "").lower()))
    return Products(window=window_of(scope), products=rows)
