"""Activities: logging calls, emails, meetings, notes and engagement events on a deal."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from salesflow.clock import now_utc
from salesflow.domain import inputs
from salesflow.errors import InvalidInput
from salesflow.models import Activity
from salesflow.services.deals.leads import resolve_deal
from salesflow.services.followups import cadences

if TYPE_CHECKING:
    from sqlmodel import Session

ALL_TYPES = inputs.ALL_ACTIVITY_TYPES


def log_activity(
    ref: str,
    kind: str,
    summary: str,
    *,
    at: datetime | None,
    outcome: str | None,
    actor: str,
    session: Session,
) -> Activity:
    """Record an activity on a deal (`at` is naive UTC; default now). Never in the future."""
    wanted = inputs.activity_type(kind)
    if not summary.strip():
        raise InvalidInput("the summary is empty")
    now = now_utc()
    moment = at or now
    if moment > now:
        raise InvalidInput(
            "an activity is something that happened: --at is in the future",
            hint="plan future work with `salesflow task add`",
        )
    deal = resolve_deal(ref, session=session)
    assert deal.id is not None
    activity = Activity(
        deal_id=deal.id,
        type=wanted,
        summary=summary.strip(),
        outcome=outcome,
        at=moment,
        by=actor,
        created_at=now,
    )
    session.add(activity)
    session.flush()
    cadences.after_activity(deal, wanted, actor=actor, session=session)  # a reply stops a cadence
    return activity
