"""The coming days on screen and in JSON: `agenda`."""

from __future__ import annotations

from typing import Any

from salesflow.render.formats import day_json
from salesflow.render.output import Output
from salesflow.render.tasks import task_json, task_table
from salesflow.services.deals.views import TaskView
from salesflow.services.followups.views import Agenda
from salesflow.words import plural


def agenda_json(agenda: Agenda) -> dict[str, Any]:
    """`agenda --json`: overdue follow-ups, then every day of the window (empty ones too)."""
    return {
        "as_of": day_json(agenda.as_of),
        "through": day_json(agenda.through),
        "owner": agenda.owner,
        "overdue": [task_json(t) for t in agenda.overdue],
        "days": [
            {"date": day_json(d.day), "tasks": [task_json(t) for t in d.tasks]} for d in agenda.days
        ],
    }


def show_agenda(out: Output, agenda: Agenda) -> None:
    """A group per day, overdue first; a day with nothing planned says so."""
    who = f" for {agenda.owner}" if agenda.owner else ""
    out.line(f"Agenda{who}, {agenda.as_of} to {agenda.through}", style="bold")
    if agenda.overdue:
        out.line()
        _group(out, f"Overdue ({len(agenda.overdue)})", agenda.overdue, late=True, style="bold red")
    for day in agenda.days:
        out.line()
        label = day.day.strftime("%a %Y-%m-%d")
        if day.day == agenda.as_of:
            label += " (today)"
        if day.tasks:
            _group(out, label, day.tasks, late=False, style="bold")
        else:
            out.line(f"{label}: nothing planned", style="dim")
    total = len(agenda.overdue) + sum(len(d.tasks) for d in agenda.days)
    out.line()
    out.line(f"{plural(total, 'follow-up')}, {len(agenda.overdue)} overdue.")


def _group(out: Output, label: str, tasks: list[TaskView], *, late: bool, style: str) -> None:
    out.line(label, style=style)
    out.table(*task_table(tasks, due=late, late_blank=False))
