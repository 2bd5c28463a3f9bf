"""`report reps` and `report products`: the KPIs split by deal owner (or by the owner's team,
manager or office: `--by`) or by main product.

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
from typing import Any

from salesflow.clock import today
from salesflow.db.reader import Reader
from salesflow.domain.deals import DealStatus
from salesflow.errors import InvalidInput
from salesflow.queries.activity import activities_by_rep, overdue_by_rep
from salesflow.queries.cycles import median_cycle_by
from salesflow.queries.open_deals import open_by
from salesflow.queries.outcomes import Outcome, outcomes_by
from salesflow.queries.products import products_by_id
from salesflow.queries.teams import TEAM_GROUPS, team_group_of_reps, team_group_sql
from salesflow.services.reports.scope import (
    ReportScope,
    Scope,
    best_won_first,
    outcome_figures,
    resolve,
    window_of,
)
from salesflow.services.reports.views import (
    GroupRow,
    ProductRow,
    Products,
    RepGroups,
    RepRow,
    Reps,
)

_BY_REP = "lower(d.owner)"
_BY_PRODUCT = "d.product_id"


def _by_group(
    scope: Scope, group: str, *, reader: Reader
) -> tuple[dict[Any, int], dict[Any, dict[str, Outcome]], dict[Any, str]]:
    """Open deals, and won/lost in the window, per group; and an owner's name per group."""
    names: dict[Any, str] = {}
    opened: dict[Any, int] = {}
    for key, found in open_by(scope.where, group, reader=reader, names=True).items():
        opened[key] = found.count
        names.setdefault(key, found.owner)
    closed, closed_names = outcomes_by(scope.where, group, reader=reader)
    for key, name in closed_names.items():
        names.setdefault(key, name)
    return opened, closed, names


def _won_lost(closed: dict[Any, dict[str, Outcome]], key: Any) -> tuple[Outcome, Outcome]:
    found = closed.get(key, {})
    return found.get(DealStatus.WON, Outcome()), found.get(DealStatus.LOST, Outcome())


REP_GROUPS = ("rep", *TEAM_GROUPS)


def check_group(by: str) -> None:
    """`--by` of `report reps`."""
    if by not in REP_GROUPS:
        names = ", ".join(REP_GROUPS[:-1])
        raise InvalidInput(f"--by must be {names} or {REP_GROUPS[-1]}, not {by!r}")


def build_reps(*, reader: Reader, scope: ReportScope, by: str = "rep") -> Reps | RepGroups:
    """Each rep's open deals, wins, losses, win rate, won value, cycle, activities, overdue;
    or the same per team, manager or office (`by`)."""
    resolved = resolve(scope, reader=reader)
    if by == "rep":
        return reps_of(resolved, reader=reader)
    return rep_groups_of(resolved, by, reader=reader)


def rep_groups_of(scope: Scope, by: str, *, reader: Reader) -> RepGroups:
    """The reps report per team, manager or office: the same figures, over the group's reps."""
    group = team_group_sql(by)
    opened, closed, _ = _by_group(scope, group, reader=reader)
    cycles = median_cycle_by(scope.where, group, reader=reader)
    of_rep = team_group_of_reps(by, reader=reader)
    activities: dict[Any, int] = defaultdict(int)
    for key, _, n in activities_by_rep(scope.where, reader=reader):
        activities[of_rep.get(key)] += n
    overdue: dict[Any, int] = defaultdict(int)
    for key, _, n in overdue_by_rep(scope.where, today(), reader=reader):
        overdue[of_rep.get(key)] += n
    rows = []
    for key in {*opened, *closed, *activities, *overdue}:
        won, lost = _won_lost(closed, key)
        rows.append(
            GroupRow(
                group=key,
                open=opened.get(key, 0),
                **outcome_figures(won, lost),
                median_cycle_days=cycles.get(key),
                activities=activities.get(key, 0),
                overdue=overdue.get(key, 0),
            )
        )
    # best won value first; the reps in no team (or with no manager or office) last
    rows.sort(key=lambda r: best_won_first(r.group, r.won_value_minor, r.won))
    return RepGroups(window=window_of(scope), as_of=today(), by=by, groups=rows)


def reps_of(scope: Scope, *, reader: Reader) -> Reps:
    """The reps report of an already resolved scope."""
    opened, closed, names = _by_group(scope, _BY_REP, reader=reader)
    cycles = median_cycle_by(scope.where, _BY_REP, reader=reader)
    activities: dict[Any, int] = {}
    for key, name, n in activities_by_rep(scope.where, reader=reader):
        activities[key] = n
        names.setdefault(key, name)
    overdue: dict[Any, int] = {}
    for key, name, n in overdue_by_rep(scope.where, today(), reader=reader):
        overdue[key] = n
        names.setdefault(key, name)
    rows = []
    for key, name in names.items():
        won, lost = _won_lost(closed, key)
        rows.append(
            RepRow(
                owner=name,
                open=opened.get(key, 0),
                **outcome_figures(won, lost),
                median_cycle_days=cycles.get(key),
                activities=activities.get(key, 0),
                overdue=overdue.get(key, 0),
            )
        )
    rows.sort(key=lambda r: (-r.won_value_minor, -r.won, r.owner.lower()))
    return Reps(window=window_of(scope), as_of=today(), reps=rows)


def build_products(*, reader: Reader, scope: ReportScope) -> Products:
    """Per main product of the deals: open, won, lost, win rate, won value, average, cycle."""
    return products_of(resolve(scope, reader=reader), reader=reader)


def products_of(scope: Scope, *, reader: Reader) -> Products:
    """The products report of an already resolved scope."""
    opened, closed, _ = _by_group(scope, _BY_PRODUCT, reader=reader)
    cycles = median_cycle_by(scope.where, _BY_PRODUCT, reader=reader)
    keys = {*opened, *closed}
    products = products_by_id([int(k) for k in keys if k is not None], reader=reader)
    rows = []
    for key in keys:
        won, lost = _won_lost(closed, key)
        product = products.get(key) if key is not None else None
        rows.append(
            ProductRow(
                sku=product[0] if product else None,
                name=product[1] if product else None,
                open=opened.get(key, 0),
                **outcome_figures(won, lost),
                median_cycle_days=cycles.get(key),
            )
        )
    rows.sort(key=lambda r: best_won_first(
        None if r.sku is None else r.name or "", r.won_value_minor, r.won))  # fmt: skip
    return Products(window=window_of(scope), products=rows)
