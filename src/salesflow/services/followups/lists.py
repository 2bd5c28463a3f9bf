"""Reading follow-ups: the morning list (`due-today`), `task list`, the agenda of the coming days
and what a calendar export holds.

These are the commands a rep runs all day, so they read through the light `Reader` (plain SQL,
no ORM import) and fetch only the rows shown; counts of what a `--limit` cuts off come from SQL.
Follow-ups of lost deals stay on the deal card and in `task list`, but not in the morning list,
the agenda or the calendar. A follow-up is open while `done_at` is empty; a closed one says how it
ended in `closed_as` (done, or superseded / cancelled by its stage's playbook).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, LiteralString

from salesflow.clock import start_of_day_utc, today
from salesflow.db.reader import Reader, as_date, as_datetime, compose
from salesflow.errors import InvalidInput
from salesflow.queries.filters import owner_key
from salesflow.services.deals.lists import SHOWN_VALUE
from salesflow.services.deals.views import TaskView, closed_as, days_overdue
from salesflow.services.followups.views import Agenda, AgendaDay, DueToday

# One follow-up with enough of its deal to act on it; every list below starts from this.
_TASKS = compose(
    """
SELECT f.id, f.deal_id, d.title, c.name, s.key, f.text, f.due, f.owner, f.repeat, f.done_at,
       """,
    SHOWN_VALUE,
    """, d.currency, f.closed_as
FROM follow_ups f
JOIN deals d ON d.id = f.deal_id
JOIN stages s ON s.id = d.stage_id
LEFT JOIN companies c ON c.id = d.company_id
""",
)
_OPEN_NOT_LOST = " WHERE f.done_at IS NULL AND d.status <> 'lost' AND f.due <= :through"
_OWNER = " AND lower(f.owner) = :owner"
_MORNING_ORDER = compose(" ORDER BY f.due, ", SHOWN_VALUE, " DESC, f.id")
_LIMIT = " LIMIT :limit"
_COUNT_DUE = """
SELECT count(*), coalesce(sum(CASE WHEN f.due < :day THEN 1 ELSE 0 END), 0)
FROM follow_ups f JOIN deals d ON d.id = f.deal_id
WHERE f.done_at IS NULL AND d.status <> 'lost' AND f.due <= :through
"""


def _views(rows: list[tuple[Any, ...]], day: date) -> list[TaskView]:
    views = []
    for row in rows:
        tid, deal_id, title, company, stage, text, due, owner, repeat, done, value, cur, how = row
        due_day = as_date(due)
        assert due_day is not None
        done_at = as_datetime(done)
        views.append(
            TaskView(
                id=tid,
                deal_id=deal_id,
                deal=title,
                company=company,
                stage=stage,
                text=text,
                due=due_day,
                owner=owner,
                repeat=repeat,
                done_at=done_at,
                overdue_days=days_overdue(due_day, done_at, day),
                value_minor=int(value),
                currency=cur,
                closed_as=closed_as(done_at, how),
            )
        )
    return views


def _check_limit(limit: int | None) -> None:
    if limit is not None and limit < 1:
        raise InvalidInput("--limit must be 1 or more")


def due_today(
    *, reader: Reader, owner: str | None, limit: int | None = None, stale: bool = True
) -> DueToday:
    """Open follow-ups due by the end of today, overdue first (most overdue on top, then the
    biggest deal), and (with `stale`) how many of the owner's deals are rotting or have no next
    step."""
    owner = owner_key(owner)
    _check_limit(limit)
    day = today()
    params: dict[str, Any] = {"through": day}
    if owner:
        params["owner"] = owner
    if limit:
        params["limit"] = limit
    mine: LiteralString = _OWNER if owner else ""
    sql = compose(_TASKS, _OPEN_NOT_LOST, mine, _MORNING_ORDER, _LIMIT if limit else "")
    count_sql = compose(_COUNT_DUE, mine)
    tasks = _views(reader.rows(sql, **params), day)
    total, overdue = len(tasks), sum(1 for t in tasks if t.overdue_days)
    if limit and total == limit:  # the list is cut: count the rest in SQL
        counted = reader.row(count_sql, day=day, **params) or (0, 0)
        total, overdue = int(counted[0]), int(counted[1])
    rotting = no_next_step = None
    if stale:
        from salesflow.services.followups.stale import stale_counts

        rotting, no_next_step = stale_counts(reader=reader, owner=owner)
    owners = _deal_owners(reader, owner) if owner and not tasks else None
    return DueToday(as_of=day, tasks=tasks, total=total, overdue=overdue, owner=owner,
                    rotting=rotting, no_next_step=no_next_step, deal_owners=owners)  # fmt: skip


def _deal_owners(reader: Reader, owner: str) -> list[tuple[str, int]] | None:
    """Whose deals there are, when `owner` owns none (say, the OS login on a shared or demo
    database); None when they own some. Run only for an empty morning list."""
    if reader.row("SELECT 1 FROM deals WHERE lower(owner) = :owner LIMIT 1", owner=owner.lower()):
        return None
    rows = reader.rows(
        "SELECT min(owner), count(*) FROM deals GROUP BY lower(owner)"
        " ORDER BY count(*) DESC, lower(owner)"
    )
    return [(name, int(count)) for name, count in rows]


def list_tasks(
    *,
    reader: Reader,
    owner: str | None = None,
    deal_id: int | None = None,
    include_done: bool = False,
    limit: int | None = None,
) -> list[TaskView]:
    """Follow-ups (of one deal, of one owner), open ones by default, soonest due first."""
    owner = owner_key(owner)
    _check_limit(limit)
    params: dict[str, Any] = {"deal_id": deal_id, "limit": limit}
    if owner:
        params["owner"] = owner
    sql = compose(
        _TASKS,
        " WHERE 1 = 1",
        " AND f.deal_id = :deal_id" if deal_id is not None else "",
        _OWNER if owner else "",
        "" if include_done else " AND f.done_at IS NULL",
        " ORDER BY f.due, f.id",
        _LIMIT if limit else "",
    )
    return _views(reader.rows(sql, **params), today())


def agenda(*, reader: Reader, days: int, owner: str | None) -> Agenda:
    """Open follow-ups for `days` days from today, per day, after the overdue ones."""
    owner = owner_key(owner)
    if days < 1 or days > 366:
        raise InvalidInput("--days must be between 1 and 366")
    day = today()
    through = day + timedelta(days=days - 1)
    params: dict[str, Any] = {"through": through}
    if owner:
        params["owner"] = owner
    sql = compose(_TASKS, _OPEN_NOT_LOST, _OWNER if owner else "", _MORNING_ORDER)
    tasks = _views(reader.rows(sql, **params), day)
    by_day: dict[date, list[TaskView]] = {day + timedelta(days=n): [] for n in range(days)}
    overdue = []
    for task in tasks:
        if task.due < day:
            overdue.append(task)
        else:
            by_day[task.due].append(task)
    return Agenda(
        as_of=day,
        through=through,
        owner=owner,
        overdue=overdue,
        days=[AgendaDay(day=d, tasks=ts) for d, ts in by_day.items()],
    )


CALENDAR_DONE_DAYS = 30  # finished follow-ups stay in the export this long, marked COMPLETED


def calendar_tasks(*, reader: Reader, owner: str | None) -> list[TaskView]:
    """What a calendar export holds: open follow-ups (of deals not lost), and those finished in
    the last 30 days, so re-importing the file ticks them off in the calendar app."""
    owner = owner_key(owner)
    params: dict[str, Any] = {
        "since": start_of_day_utc(today() - timedelta(days=CALENDAR_DONE_DAYS))
    }
    if owner:
        params["owner"] = owner
    sql = compose(
        _TASKS,
        " WHERE ((f.done_at IS NULL AND d.status <> 'lost') OR f.done_at >= :since)",
        _OWNER if owner else "",
        " ORDER BY f.due, f.id",
    )
    return _views(reader.rows(sql, **params), today())
