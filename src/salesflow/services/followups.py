"""Follow-ups: add, list, finish (scheduling the next of a repeating one), edit, due today, the
agenda of the coming days, and what a calendar export holds."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from salesflow.clock import now_utc, start_of_day_utc, today
from salesflow.errors import InvalidInput, NotFound
from salesflow.models import Company, Deal, FollowUp, Stage
from salesflow.models.schemas import FollowUpCreate
from salesflow.services.deals import resolve_deal
from salesflow.services.views import Agenda, AgendaDay, DueToday, TaskView

if TYPE_CHECKING:
    from sqlmodel import Session


def next_due(due: date, repeat: str) -> date:
    """The next due day of a repeating follow-up, counted from its due day (not from today)."""
    from dateutil.relativedelta import relativedelta

    steps = {
        "daily": relativedelta(days=1),
        "weekly": relativedelta(weeks=1),
        "2w": relativedelta(weeks=2),
        "monthly": relativedelta(months=1),  # Jan 31 → Feb 28/29: month ends are clamped
    }
    return due + steps[repeat]


def add_task(ref: str, task: FollowUpCreate, *, actor: str, session: Session) -> FollowUp:
    """A new follow-up on a deal."""
    deal = resolve_deal(ref, session=session)
    assert deal.id is not None
    row = FollowUp(
        deal_id=deal.id,
        text=task.text,
        due=task.due,
        owner=task.owner,
        repeat=task.repeat,
        created_at=now_utc(),
        created_by=actor,
    )
    session.add(row)
    session.flush()
    return row


def _get(task_id: int, *, session: Session) -> FollowUp:
    row = session.get(FollowUp, task_id, with_for_update=True)
    if row is None:
        raise NotFound(f"no follow-up #{task_id}", hint="`salesflow task list` shows them")
    return row


def finish_task(task_id: int, *, actor: str, session: Session) -> tuple[FollowUp, FollowUp | None]:
    """Mark a follow-up done; a repeating one gets its next occurrence. Returns (done, next)."""
    row = _get(task_id, session=session)
    if row.done_at is not None:
        raise InvalidInput(f"follow-up #{task_id} is already done")
    row.done_at = now_utc()
    session.add(row)
    following = None
    if row.repeat:
        following = FollowUp(
            deal_id=row.deal_id,
            text=row.text,
            due=next_due(row.due, row.repeat),
            owner=row.owner,
            repeat=row.repeat,
            created_at=now_utc(),
            created_by=actor,
        )
        session.add(following)
    session.flush()
    return row, following


def edit_task(
    task_id: int, *, due: date | None, text: str | None, owner: str | None, session: Session
) -> FollowUp:
    """Change a follow-up's due day, text or owner."""
    row = _get(task_id, session=session)
    if due is None and text is None and owner is None:
        raise InvalidInput("nothing to change", hint="give --due, --text or --owner")
    if text is not None:
        if not text.strip():
            raise InvalidInput("the follow-up text is empty")
        row.text = text.strip()
    if due is not None:
        row.due = due
    if owner is not None:
        row.owner = owner
    session.add(row)
    session.flush()
    return row


def _task_query() -> Any:
    from sqlmodel import select

    return (
        select(FollowUp, Deal.title, Company.name, Stage.key, Deal.value_minor, Deal.currency)
        .join(Deal, Deal.id == FollowUp.deal_id)  # type: ignore[arg-type]
        .join(Stage, Stage.id == Deal.stage_id)  # type: ignore[arg-type]
        .join(Company, Company.id == Deal.company_id, isouter=True)  # type: ignore[arg-type]
    )


def _views(rows: Any, day: date) -> list[TaskView]:
    return [
        TaskView(
            id=t.id,
            deal_id=t.deal_id,
            deal=title,
            company=company,
            stage=stage,
            text=t.text,
            due=t.due,
            owner=t.owner,
            repeat=t.repeat,
            done_at=t.done_at,
            overdue_days=max(0, (day - t.due).days) if t.done_at is None else 0,
            value_minor=value,
            currency=currency,
        )
        for t, title, company, stage, value, currency in rows
    ]


def list_tasks(
    *,
    session: Session,
    owner: str | None = None,
    deal: str | None = None,
    include_done: bool = False,
    limit: int | None = None,
) -> list[TaskView]:
    """Follow-ups, open ones by default, soonest due first."""
    from sqlmodel import func

    query = _task_query()
    if deal:
        query = query.where(FollowUp.deal_id == resolve_deal(deal, session=session).id)
    if owner:
        query = query.where(func.lower(FollowUp.owner) == owner.lower())
    if not include_done:
        query = query.where(FollowUp.done_at.is_(None))  # type: ignore[union-attr]
    query = query.order_by(FollowUp.due, FollowUp.id)
    if limit:
        query = query.limit(limit)
    return _views(session.exec(query).all(), today())


def due_today(
    *, session: Session, owner: str | None, limit: int | None = None, stale: bool = True
) -> DueToday:
    """Open follow-ups due by the end of today, overdue first (most overdue on top), and (with
    `stale`) how many of the owner's deals are rotting or have no next step.

    Follow-ups of lost deals stay on the deal card and in `task list`, but not in the morning list.
    """
    from sqlmodel import func, select

    if limit is not None and limit < 1:
        raise InvalidInput("--limit must be 1 or more")
    day = today()
    where = [FollowUp.done_at.is_(None), FollowUp.due <= day, Deal.status != "lost"]  # type: ignore[union-attr]
    if owner:
        where.append(func.lower(FollowUp.owner) == owner.lower())
    query = _task_query().where(*where).order_by(FollowUp.due, Deal.value_minor.desc(), FollowUp.id)  # type: ignore[attr-defined]
    if limit:
        query = query.limit(limit)
    tasks = _views(session.exec(query).all(), day)
    total, overdue = len(tasks), sum(1 for t in tasks if t.overdue_days)
    if limit and total == limit:  # the list is cut: count the rest in SQL
        from sqlmodel import case

        counts = session.exec(
            select(func.count(), func.sum(case((FollowUp.due < day, 1), else_=0)))
            .select_from(FollowUp)
            .join(Deal)  # type: ignore[arg-type]
            .where(*where)
        ).one()
        total, overdue = int(counts[0]), int(counts[1] or 0)
    rotting = no_next_step = None
    if stale:
        from salesflow.services.stale import stale_counts

        rotting, no_next_step = stale_counts(session=session, owner=owner)
    return DueToday(as_of=day, tasks=tasks, total=total, overdue=overdue, owner=owner,
                    rotting=rotting, no_next_step=no_next_step)  # fmt: skip


def agenda(*, session: Session, days: int, owner: str | None) -> Agenda:
    """Open follow-ups for `days` days from today, per day, after the overdue ones.

    Like the morning list, it leaves out the follow-ups of lost deals.
    """
    from sqlmodel import func

    if days < 1 or days > 366:
        raise InvalidInput("--days must be between 1 and 366")
    day = today()
    through = day + timedelta(days=days - 1)
    where = [FollowUp.done_at.is_(None), FollowUp.due <= through, Deal.status != "lost"]  # type: ignore[union-attr]
    if owner:
        where.append(func.lower(FollowUp.owner) == owner.lower())
    query = _task_query().where(*where).order_by(FollowUp.due, Deal.value_minor.desc(), FollowUp.id)  # type: ignore[attr-defined]
    tasks = _views(session.exec(query).all(), day)
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


def calendar_tasks(*, session: Session, owner: str | None) -> list[TaskView]:
    """What a calendar export holds: open follow-ups (of deals not lost), and those finished in
    the last 30 days, so re-importing the file ticks them off in the calendar app."""
    from sqlmodel import func, or_

    since = start_of_day_utc(today() - timedelta(days=CALENDAR_DONE_DAYS))
    where = [
        or_(
            FollowUp.done_at.is_(None) & (Deal.status != "lost"),  # type: ignore[union-attr]
            FollowUp.done_at >= since,  # type: ignore[operator]
        )
    ]
    if owner:
        where.append(func.lower(FollowUp.owner) == owner.lower())
    query = _task_query().where(*where).order_by(FollowUp.due, FollowUp.id)
    return _views(session.exec(query).all(), today())
