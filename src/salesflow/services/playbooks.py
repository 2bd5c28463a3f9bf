"""Stage playbooks: the follow-ups a stage's `on_enter` rules create when a deal enters it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from salesflow.clock import now_utc, today
from salesflow.models import Deal, FollowUp, Stage
from salesflow.parsing.dates import parse_date

if TYPE_CHECKING:
    from sqlmodel import Session


def run_on_enter(deal: Deal, stage: Stage, *, actor: str, session: Session) -> list[FollowUp]:
    """Create the stage's follow-ups for the deal, skipping any still open with the same text."""
    from sqlmodel import select

    steps = stage.on_enter or []
    if not steps:
        return []
    assert deal.id is not None
    open_texts = set(
        session.exec(
            select(FollowUp.text).where(FollowUp.deal_id == deal.id, FollowUp.done_at.is_(None))  # type: ignore[union-attr]
        )
    )
    made = []
    day = today()
    for step in steps:
        text = str(step["text"])
        if text in open_texts:
            continue
        task = FollowUp(
            deal_id=deal.id,
            text=text,
            due=parse_date(str(step.get("due", "+0d")), today=day),
            owner=str(step.get("owner") or deal.owner),
            created_at=now_utc(),
            created_by=actor,
        )
        session.add(task)
        made.append(task)
        open_texts.add(text)
    return made
