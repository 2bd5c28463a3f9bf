"""Follow-ups on screen and in JSON: `task list`, `due-today`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from salesflow.render.formats import day_json, money_json, money_screen, when_json
from salesflow.render.output import Column, Output
from salesflow.words import plural

if TYPE_CHECKING:
    from salesflow.services.deals.views import TaskView
    from salesflow.services.followups.views import DueToday

TASK_COLUMNS = ["id", "deal_id", "deal", "company", "stage", "text", "due", "overdue_days",
                "owner", "repeat", "done_at", "value", "currency", "closed_as"]  # fmt: skip


def task_json(task: TaskView) -> dict[str, Any]:
    """A follow-up's JSON keys."""
    return {
        "id": task.id,
        "deal_id": task.deal_id,
        "deal": task.deal,
        "company": task.company,
        "stage": task.stage,
        "text": task.text,
        "due": day_json(task.due),
        "overdue_days": task.overdue_days,
        "owner": task.owner,
        "repeat": task.repeat,
        "done_at": when_json(task.done_at),
        "closed_as": task.closed_as,
        "value": money_json(task.value_minor, task.currency),
        "currency": task.currency,
    }


def task_rows(tasks: list[TaskView]) -> list[list[Any]]:
    """CSV rows in TASK_COLUMNS order."""
    return [[task_json(t)[c] for c in TASK_COLUMNS] for t in tasks]


def done_cell(task: TaskView) -> str:
    """When a follow-up was done (its local date), or how it ended otherwise; empty while open."""
    if task.done_at is None:
        return ""
    if task.closed_as in ("superseded", "cancelled"):
        return task.closed_as
    from salesflow.clock import to_local

    return to_local(task.done_at).date().isoformat()


def task_table(
    tasks: list[TaskView], *, due: bool = True, done: bool = False, late_blank: bool = True
) -> tuple[list[Column], list[list[Any]]]:
    """The columns and rows of a follow-up table (`task list`, `due-today`, `agenda`): `due`
    shows the due day and days late, `done` when (or how) each closed one ended. On a narrow
    terminal the lowest priorities are hidden first."""
    columns = [Column("id", True, priority=9)]
    if due:
        columns += [Column("due", priority=8), Column("late", True, priority=5)]
    columns += [
        Column("follow-up", priority=7),
        Column("deal", priority=6),
        Column("company", priority=3),
        Column("stage", priority=2),
        Column("value", True, priority=4),
        Column("owner", priority=3),
    ]
    if done:
        columns.append(Column("done", priority=6))
    rows = []
    for t in tasks:
        row: list[Any] = [t.id]
        if due:
            late = f"{t.overdue_days}d" if t.overdue_days or not late_blank else ""
            row += [t.due, late]
        row += [
            t.text,
            f"#{t.deal_id} {t.deal}",
            t.company or "",
            t.stage,
            money_screen(t.value_minor, t.currency),
            t.owner,
        ]
        if done:
            row.append(done_cell(t))
        rows.append(row)
    return columns, rows


def show_tasks(out: Output, tasks: list[TaskView], *, empty: str, done: bool = False) -> None:
    """A table of follow-ups, overdue ones highlighted; `done` adds a column saying when (or how)
    each closed one ended."""
    if not tasks:
        out.line(empty)
        return
    columns, rows = task_table(tasks, done=done)
    out.table(columns, rows, styles=["bold red" if t.overdue_days else None for t in tasks])


def due_json(due: DueToday) -> dict[str, Any]:
    """`due-today --json`."""
    return {
        "as_of": day_json(due.as_of),
        "owner": due.owner,
        "total": due.total,
        "overdue": due.overdue,
        "tasks": [task_json(t) for t in due.tasks],
        "rotting": due.rotting,
        "no_next_step": due.no_next_step,
        "deal_owners": None
        if due.deal_owners is None
        else [{"owner": name, "deals": count} for name, count in due.deal_owners],
    }


def show_due(out: Output, due: DueToday, *, yours: bool = False) -> None:
    """The morning list: overdue first, then today, and a count line. `yours`: the list is the
    user's own (no --owner), for "you own no deals"."""
    who = f" for {due.owner}" if due.owner else ""
    if due.deal_owners:
        out.line(_nobody_here(due.owner or "", due.deal_owners, yours=yours))
    elif not due.tasks:
        out.line(f"Nothing due today{who} ({due.as_of}). Clear skies.", style="green")
    else:
        show_tasks(out, due.tasks, empty="")
        shown = len(due.tasks)
        more = f" (showing {shown} of {due.total})" if due.total > shown else ""
        out.line(
            f"{due.total} due by end of {due.as_of}{who}: {due.overdue} overdue, "
            f"{due.total - due.overdue} due today{more}.",
            style="bold",
        )
    stale = stale_line(due.rotting or 0, due.no_next_step or 0)
    if stale:
        out.line(stale, style="yellow")


def _nobody_here(owner: str, owners: list[tuple[str, int]], *, yours: bool, shown: int = 3) -> str:
    """`Nothing due for root: you own no deals. Deals here belong to ana (412), ben (390)… —
    try: salesflow due-today --all`."""
    whose = "you own" if yours else f"{owner} owns"
    listed = ", ".join(f"{name} ({count:,})" for name, count in owners[:shown])
    more = "…" if len(owners) > shown else ""
    return (f"Nothing due for {owner}: {whose} no deals. Deals here belong to {listed}{more} — "
            "try: salesflow due-today --all")  # fmt: skip


def stale_line(rotting: int, no_next_step: int) -> str | None:
    """`3 deals rotting, 5 with no next step: see `salesflow stale``, or None when all is well."""
    if not rotting and not no_next_step:
        return None
    return (f"{plural(rotting, 'deal')} rotting, {no_next_step} with no next step: "
            "see `salesflow stale`")  # fmt: skip
