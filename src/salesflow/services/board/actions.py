"""What the board's keys do to the database: the same services as the commands, with the same
rules (gates, playbooks, history and the audit trail as the acting user), each in one
transaction. Text from the board's forms is read by the same parsers as the command line's
options (`parsing.typed`), so a wrong date or amount fails with the CLI's own words.

Each method returns the line the board shows when it worked; a refusal is the service's
`SalesflowError`, with nothing changed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from salesflow.db.engine import Database


def _blank(text: str | None) -> str | None:
    """A form field left empty means "not given", as an option left out does."""
    if text is None or not text.strip():
        return None
    return text.strip()


class BoardActions:
    """The board's writes on one database, as one acting user."""

    def __init__(self, database: Callable[[], Database], actor: str) -> None:
        self._open = database  # opened at the first write: the ORM is not paid for before paint
        self._database: Database | None = None
        self.actor = actor

    @property
    def database(self) -> Database:
        if self._database is None:
            self._database = self._open()
        return self._database

    def advance(self, deal_id: int, *, force: bool = False) -> str:
        """`advance` to the next open stage. A gate that refuses raises `GateRefused`; `force`
        overrides it, recorded as the CLI does."""
        from salesflow.services.deals.moves import advance_deal

        with self.database.write() as session:
            moved = advance_deal(
                str(deal_id), to=None, note=None, force=force, actor=self.actor, session=session
            )
        return f"#{moved.deal_id} {moved.title} → {moved.stage_name}"

    def back(self, deal_id: int) -> str:
        """Back one open stage (`advance --to` the stage before: a recorded regression)."""
        from salesflow.services.deals.moves import move_back

        with self.database.write() as session:
            moved = move_back(str(deal_id), actor=self.actor, session=session)
        return f"#{moved.deal_id} {moved.title} → {moved.stage_name}"

    def win(self, deal_id: int, amount: str | None) -> str:
        """`won` with the amount as typed (empty: the deal's value)."""
        from salesflow.parsing.typed import parse_money_option
        from salesflow.services.deals.moves import win_deal

        value = parse_money_option(_blank(amount))
        with self.database.write() as session:
            moved = win_deal(
                str(deal_id), amount=value, on=None, note=None, actor=self.actor, session=session
            )
        return f"Won #{moved.deal_id} {moved.title}. Nice."

    def lose(self, deal_id: int, reason: str, competitor: str | None, note: str | None) -> str:
        """`lost` with a reason from the configured list."""
        from salesflow.services.deals.moves import lose_deal

        with self.database.write() as session:
            moved = lose_deal(
                str(deal_id),
                reason=reason,
                competitor=_blank(competitor),
                note=_blank(note),
                actor=self.actor,
                session=session,
            )
        return f"Lost #{moved.deal_id} {moved.title} ({moved.reason})."

    def add_follow_up(self, deal_id: int, text: str, due: str) -> str:
        """`task add` with a natural due date (tomorrow, +3d, fri …), owned by the acting user."""
        from salesflow.models.schemas import FollowUpCreate
        from salesflow.parsing.typed import parse_day, validated
        from salesflow.services.followups.tasks import add_task

        task = validated(
            FollowUpCreate, text=text, due=parse_day(_blank(due) or ""), owner=self.actor
        )
        with self.database.write() as session:
            row = add_task(str(deal_id), task, actor=self.actor, session=session)
        return f"Follow-up {row.id} on deal #{row.deal_id}, due {row.due}."

    def finish_follow_up(self, task_id: int) -> str:
        """`task done` (a repeating follow-up schedules its next)."""
        from salesflow.services.followups.tasks import finish_tasks

        with self.database.write() as session:
            ((row, following),) = finish_tasks([task_id], actor=self.actor, session=session)
        then = f"; next due {following.due}" if following is not None else ""
        return f"Done: {row.text}{then}."

    def log(self, deal_id: int, kind: str, summary: str) -> str:
        """`log` an activity, now."""
        from salesflow.services.deals.activities import log_activity

        with self.database.write() as session:
            activity = log_activity(
                str(deal_id),
                kind,
                summary,
                at=None,
                outcome=None,
                actor=self.actor,
                session=session,
            )
        return f"Logged {activity.type} on deal #{activity.deal_id}."

    def edit(self, deal_id: int, *, value: str, owner: str, close_by: str) -> str:
        """`edit` value, owner and close date; a field left as it was is not changed."""
        from salesflow.models.schemas import DealEdit
        from salesflow.parsing.typed import parse_day, parse_money_option, validated
        from salesflow.services.deals.leads import edit_deal

        changes = validated(
            DealEdit,
            value=parse_money_option(_blank(value)),
            owner=_blank(owner),
            close_by=parse_day(_blank(close_by)),
        )
        with self.database.write() as session:
            edited = edit_deal(str(deal_id), changes, actor=self.actor, session=session)
        return f"Updated #{edited.id} {edited.title}."

    def add_lead(
        self, name: str, *, company: str, value: str, close_by: str, pipeline: str | None
    ) -> tuple[int, str]:
        """`lead add` (owned by the acting user): the new deal's id and the line to show."""
        from salesflow.services.deals.leads import add_lead, typed_lead

        lead = typed_lead(
            name=name,
            company=_blank(company),
            value=_blank(value),
            close_by=_blank(close_by),
            owner=self.actor,
        )
        with self.database.write() as session:
            added = add_lead(lead, pipeline=pipeline, actor=self.actor, session=session)
        again = " (a deal of that name is open already)" if added.repeats is not None else ""
        return added.id, f"Added lead #{added.id} {name.strip()}{again}."
