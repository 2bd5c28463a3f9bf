"""Follow-ups: add, finish (scheduling the next of a repeating one), edit and remove. Reading them
(the morning list, task list, agenda, calendar) is `task_lists`, on the light read path.

A follow-up ends one of three ways (`closed_as`): `done` by a rep, `superseded` or `cancelled`
by its stage's playbook (`playbooks`). A removed one is deleted, and the deal's change log keeps
what it was, who removed it and why (as a stopped cadence does for its steps)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from salesflow.clock import now_utc
from salesflow.domain import inputs
from salesflow.errors import InvalidInput, NotFound
from salesflow.models import FollowUp
from salesflow.models.schemas import FollowUpCreate
from salesflow.services.deals.audit import record_change
from salesflow.services.deals.leads import resolve_deal

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


def _get_all(task_ids: list[int], *, session: Session) -> list[FollowUp]:
    """The follow-ups, in the order given; one unknown id refuses them all (nothing changes)."""
    if not task_ids:
        raise InvalidInput("give at least one follow-up id")
    if len(set(task_ids)) != len(task_ids):
        twice = next(t for t in task_ids if task_ids.count(t) > 1)
        raise InvalidInput(f"follow-up #{twice} is given twice")
    return [_get(task_id, session=session) for task_id in task_ids]


def finish_tasks(
    task_ids: list[int], *, actor: str, session: Session
) -> list[tuple[FollowUp, FollowUp | None]]:
    """Mark several follow-ups done, all or none: an unknown or finished one refuses them all."""
    rows = _get_all(task_ids, session=session)
    for row in rows:
        _check_open(row)
    return [finish_task(row.id, actor=actor, session=session) for row in rows]  # type: ignore[arg-type]


def _check_open(row: FollowUp) -> None:
    if row.done_at is not None:
        how = row.closed_as or "done"
        hint = None
        if how != "done":
            hint = "its deal left the playbook's stage; `salesflow task add` makes a new one"
        raise InvalidInput(f"follow-up #{row.id} is already {how}", hint=hint)


def finish_task(task_id: int, *, actor: str, session: Session) -> tuple[FollowUp, FollowUp | None]:
    """Mark a follow-up done; a repeating one gets its next occurrence. Returns (done, next)."""
    row = _get(task_id, session=session)
    _check_open(row)
    row.done_at, row.closed_as = now_utc(), "done"
    session.add(row)
    record_change(row.deal_id, f"task #{task_id}", "open", "done", actor=actor, session=session,
                  at=row.done_at)  # fmt: skip
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
    task_id: int,
    *,
    due: date | None,
    text: str | None,
    owner: str | None,
    session: Session,
    actor: str = "salesflow",
) -> FollowUp:
    """Change a follow-up's due day, text or owner; each change goes to the deal's log."""
    row = _get(task_id, session=session)
    if due is None and text is None and owner is None:
        raise InvalidInput("nothing to change", hint="give --due, --text or --owner")
    if text is not None and not text.strip():
        raise InvalidInput("the follow-up text is empty")
    try:
        text = inputs.text(text) if text is not None else None
    except inputs.Refused as exc:
        raise InvalidInput(f"text: {exc.message}") from None
    try:
        owner = inputs.rep_name(owner) if owner is not None else None
    except inputs.Refused as exc:
        raise InvalidInput(f"owner: {exc.message}") from None
    changes = [
        (name, getattr(row, name), value)
        for name, value in (("text", text), ("due", due), ("owner", owner))
        if value is not None and value != getattr(row, name)
    ]
    for name, old, new in changes:
        setattr(row, name, new)
        record_change(row.deal_id, f"task #{task_id} {name}", str(old), str(new), actor=actor,
                      session=session)  # fmt: skip
    session.add(row)
    session.flush()
    return row


def remove_task(
    row: FollowUp, why: str, *, actor: str, session: Session, at: datetime | None = None
) -> None:
    """Delete a follow-up; the deal's change log keeps its text and due day, and why it went."""
    record_change(row.deal_id, f"task #{row.id}", f"{row.text} (due {row.due.isoformat()})",
                  f"removed: {why}", actor=actor, session=session, at=at or now_utc())  # fmt: skip
    session.delete(row)


def remove_tasks(task_ids: list[int], *, actor: str, session: Session) -> list[FollowUp]:
    """Remove follow-ups by hand, all or none (one unknown id refuses them all)."""
    rows = _get_all(task_ids, session=session)
    for row in rows:
        remove_task(row, "by hand", actor=actor, session=session)
    session.flush()
    return rows
