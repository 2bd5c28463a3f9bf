"""Read models of the daily work: the morning list, the agenda, cold deals, cadences, emails."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from salesflow.services.deals.views import TaskView


@dataclass(frozen=True)
class DueToday:
    """What `due-today` shows: the follow-ups due by end of today, overdue first."""

    as_of: date
    tasks: list[TaskView]
    total: int
    overdue: int
    owner: str | None
    rotting: int | None = None  # the owner's open deals rotting (None: not counted)
    no_next_step: int | None = None  # the owner's open deals with no open follow-up
    # Only when the list is empty and the owner owns no deal at all: whose deals there are, as
    # (owner, deals), most deals first; None otherwise.
    deal_owners: list[tuple[str, int]] | None = None


@dataclass(frozen=True)
class CadenceView:
    """A cadence as `cadence list` shows it."""

    name: str
    description: str | None
    steps: list[dict[str, Any]]
    running: int  # deals it is running on now


@dataclass(frozen=True)
class CadenceRunView:
    """A cadence started on (or stopped on) a deal, with the follow-ups it made or removed."""

    run_id: int
    cadence: str
    deal_id: int
    deal: str
    started_on: date
    stopped_at: datetime | None
    stop_reason: str | None
    tasks: list[TaskView]  # started: the follow-ups made; stopped: those removed
    kept: int = 0  # stopped: follow-ups already done, kept on the deal


@dataclass(frozen=True)
class RottingDeal:
    """An open deal idle longer than its stage's `rot_days`."""

    deal_id: int
    deal: str
    company: str | None
    stage: str
    owner: str
    idle_days: int
    rot_days: int
    last_touch: datetime


@dataclass(frozen=True)
class StaleDeal:
    """An open deal with no open follow-up: nobody has planned its next step."""

    deal_id: int
    deal: str
    company: str | None
    stage: str
    owner: str


@dataclass(frozen=True)
class Stale:
    """What `stale` shows: rotting deals (most idle first) and deals with no next step."""

    as_of: date
    rotting: list[RottingDeal]
    no_next_step: list[StaleDeal]
    rotting_total: int
    no_next_step_total: int


@dataclass(frozen=True)
class AgendaDay:
    """One day of the agenda and its open follow-ups."""

    day: date
    tasks: list[TaskView]


@dataclass(frozen=True)
class Agenda:
    """Open follow-ups for the coming days, overdue ones first as their own group."""

    as_of: date
    through: date
    owner: str | None
    overdue: list[TaskView]
    days: list[AgendaDay]


@dataclass(frozen=True)
class EmailDraft:
    """A rendered email, written to the outbox (and maybe sent)."""

    deal_id: int
    template: str
    to: str
    subject: str
    path: str
    sent: bool
    activity_id: int
    message_id: str
