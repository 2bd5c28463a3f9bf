"""Follow-ups as an RFC 5545 calendar: one VTODO per follow-up, with a DUE date.

UIDs are stable (`followup-<id>@salesflow`), so importing a newer export into a calendar app
updates the to-dos it already has instead of adding copies.
"""

from __future__ import annotations

from datetime import UTC, datetime

from salesflow.render.formats import money_screen
from salesflow.services.deals.views import TaskView

PRODID = "-//salesflow//follow-ups//EN"


def uid_of(task: TaskView) -> str:
    """The stable UID of a follow-up."""
    return f"followup-{task.id}@salesflow"


def calendar_bytes(tasks: list[TaskView], *, stamp: datetime, name: str) -> bytes:
    """The calendar file: VTODOs with DUE (a date), SUMMARY, DESCRIPTION, STATUS and a UID."""
    from icalendar import Calendar, Todo

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    moment = stamp.replace(tzinfo=UTC)
    for task in tasks:
        todo = Todo()
        todo.add("uid", uid_of(task))
        todo.add("dtstamp", moment)
        todo.add("due", task.due)
        where = f"{task.deal} ({task.company})" if task.company else task.deal
        todo.add("summary", f"{task.text} – {where}")
        todo.add(
            "description",
            "\n".join(
                [
                    f"Deal #{task.deal_id}: {task.deal}",
                    f"Company: {task.company or '–'}",
                    f"Stage: {task.stage}",
                    f"Value: {money_screen(task.value_minor, task.currency)}",
                    f"Owner: {task.owner}",
                    f"salesflow task done {task.id}",
                ]
            ),
        )
        todo.add("categories", ["salesflow", task.stage])
        if task.done_at is None:
            todo.add("status", "NEEDS-ACTION")
        elif task.closed_as in ("superseded", "cancelled"):  # closed by its playbook, not done
            todo.add("status", "CANCELLED")
        else:
            todo.add("status", "COMPLETED")
            todo.add("completed", task.done_at.replace(tzinfo=UTC))
            todo.add("percent-complete", 100)
        calendar.add_component(todo)
    return bytes(calendar.to_ical())
