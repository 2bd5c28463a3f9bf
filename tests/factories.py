"""Test data written through the services (the ORM write side), without the command line.

For tests whose subject is a read (a list, a report, the funnel): the data they need is a few
lines of `sales.lead(...)`, `sales.advance(...)`, `sales.won(...)` instead of a preamble of CLI
calls, and it passes the same rules as data typed at the command line (the services validate,
fire playbooks and record history). A test about a command itself still runs the command.

    sales = Sales(isolated, set_now)          # the test's database and clock
    sales.at("2026-11-01T09:00")
    acme = sales.lead("Acme rollout", company="Acme", value="12500")
    sales.at("2026-11-05T09:00").advance(acme)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any


class Sales:
    """A database filled through the services, on the test's frozen clock."""

    def __init__(
        self, target: str | Path, set_now: Callable[[str], None], *, actor: str = "ana"
    ) -> None:
        from salesflow.services.workspace import open_workspace

        self.db = open_workspace(str(target))
        self.set_now = set_now
        self.actor = actor

    def at(self, moment: str) -> Sales:
        """Move the clock (local time of the test's config) for what follows."""
        self.set_now(moment)
        return self

    @contextmanager
    def _session(self) -> Iterator[Any]:
        with self.db.write() as session:
            yield session

    def lead(
        self,
        title: str,
        *,
        company: str | None = None,
        contact: str | None = None,
        email: str | None = None,
        owner: str = "ana",
        value: str = "0",
        currency: str = "USD",
        close_by: date | None = None,
        source: str | None = None,
        pipeline: str | None = None,
    ) -> int:
        """A new lead in the pipeline's first stage; its deal id."""
        from salesflow.models.schemas import LeadCreate
        from salesflow.parsing.money import to_minor
        from salesflow.services.deals.leads import add_lead

        lead = LeadCreate(
            title=title,
            company=company,
            contact=contact,
            email=email,
            owner=owner,
            value_minor=to_minor(Decimal(value), currency),
            currency=currency,
            close_by=close_by,
            source=source,
        )
        with self._session() as session:
            made = add_lead(lead, pipeline=pipeline, actor=self.actor, session=session)
        return int(made.id)

    def advance(
        self, deal: int, to: str | None = None, *, force: bool = False, note: str | None = None
    ) -> None:
        """Move the deal to the next open stage (or to `to`), as `salesflow advance` does."""
        from salesflow.services.deals.moves import advance_deal

        with self._session() as session:
            advance_deal(str(deal), to=to, note=note, force=force, actor=self.actor,
                         session=session)  # fmt: skip

    def won(self, deal: int, amount: str | None = None) -> None:
        """Close the deal as won (at its value, or `amount`)."""
        from salesflow.services.deals.moves import win_deal

        with self._session() as session:
            win_deal(str(deal), amount=Decimal(amount) if amount else None, on=None, note=None,
                     actor=self.actor, session=session)  # fmt: skip

    def lost(self, deal: int, reason: str = "price", competitor: str | None = None) -> None:
        """Close the deal as lost for `reason` (one of the configured lost reasons)."""
        from salesflow.services.deals.moves import lose_deal

        with self._session() as session:
            lose_deal(str(deal), reason=reason, competitor=competitor, note=None,
                      actor=self.actor, session=session)  # fmt: skip

    def task(self, deal: int, text: str, due: date, *, owner: str = "ana") -> int:
        """A follow-up on the deal; its id."""
        from salesflow.models.schemas import FollowUpCreate
        from salesflow.services.followups.tasks import add_task

        with self._session() as session:
            row = add_task(str(deal), FollowUpCreate(text=text, due=due, owner=owner),
                           actor=self.actor, session=session)  # fmt: skip
            return int(row.id)  # type: ignore[arg-type]

    def done(self, task: int) -> None:
        """Finish a follow-up (a repeating one schedules its next)."""
        from salesflow.services.followups.tasks import finish_task

        with self._session() as session:
            finish_task(task, actor=self.actor, session=session)

    def log(self, deal: int, kind: str, summary: str) -> None:
        """An activity on the deal, now."""
        from salesflow.services.deals.activities import log_activity

        with self._session() as session:
            log_activity(str(deal), kind, summary, at=None, outcome=None, actor=self.actor,
                         session=session)  # fmt: skip
