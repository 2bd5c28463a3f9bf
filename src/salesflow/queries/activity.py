"""What reps did and left undone (`report reps`): activities they logged on the pipeline's deals
in the window, and their open follow-ups that are overdue. Both count in any currency."""

from __future__ import annotations

from datetime import date
from typing import Any

from salesflow.db.reader import Reader
from salesflow.domain.inputs import ACTIVITY_TYPES
from salesflow.queries import filters
from salesflow.queries.filters import Where

_REP_TYPES = ", ".join(f"'{t}'" for t in ACTIVITY_TYPES)  # constants of the domain, not input

_ACTIVITIES = """
SELECT lower(a.by) AS grp, MIN(a.by), COUNT(*) FROM activities a JOIN deals d ON d.id = a.deal_id
WHERE d.pipeline_id = :pipeline"""

_OVERDUE = """
SELECT lower(f.owner) AS grp, MIN(f.owner), COUNT(*)
FROM follow_ups f JOIN deals d ON d.id = f.deal_id
WHERE d.pipeline_id = :pipeline AND f.done_at IS NULL AND f.due < :today AND d.status <> 'lost'"""


def activities_by_rep(where: Where, *, reader: Reader) -> list[tuple[Any, str, int]]:
    """(rep key, rep as written, count) of the calls, emails, meetings, demos, notes and support
    touches logged (`by`) in the window (engagement events are the lead's doing, not the rep's)."""
    sql = (
        _ACTIVITIES
        + filters.owner(where, "a.by")
        + filters.moment_window(where, "a.at")
        + f" AND a.type IN ({_REP_TYPES}) GROUP BY grp"
    )
    return [(k, str(name), int(n)) for k, name, n in reader.rows(sql, **where.params())]


def overdue_by_rep(where: Where, day: date, *, reader: Reader) -> list[tuple[Any, str, int]]:
    """(rep key, rep as written, count) of open follow-ups due before `day` on deals not lost."""
    sql = _OVERDUE + filters.owner(where, "f.owner") + " GROUP BY grp"
    return [(k, str(name), int(n)) for k, name, n in reader.rows(sql, **where.params(), today=day)]
