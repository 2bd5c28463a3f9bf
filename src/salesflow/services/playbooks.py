"""Stage playbooks: the follow-ups a stage's `on_enter` rules create when a deal enters it, and
their end when the deal leaves the stage.

A playbook follow-up belongs to its stage (`playbook_stage_id`): entering the stage makes it
(never a second copy while one is still open), leaving the stage closes it as `superseded`
(a move) or `cancelled` (the deal closed), recorded in the deal's change log, unless its rule
says `keep = true`. Follow-ups a rep added, and cadence steps, are not the playbook's to close.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from salesflow.clock import now_utc, today
from salesflow.models import Deal, FollowUp, Stage
from salesflow.parsing.dates import parse_date
from salesflow.services.audit import record_change

if TYPE_CHECKING:
    from sqlmodel import Session


@dataclass(frozen=True)
class ClosedPlaybook:
    """Open playbook follow-ups a move closed: how many per stage name, and how they ended."""

    closed_as: str  # superseded | cancelled
    by_stage: tuple[tuple[str, int], ...] = ()

    @property
    def count(self) -> int:
        """How many follow-ups were closed in all."""
        return sum(n for _, n in self.by_stage)

    def sentence(self) -> str | None:
        """`Closed 2 playbook follow-ups of Qualified (superseded).`, or None when none was."""
        if not self.by_stage:
            return None
        noun = "follow-up" if self.count == 1 else "follow-ups"
        stages = ", ".join(name for name, _ in self.by_stage)
        return f"Closed {self.count} playbook {noun} of {stages} ({self.closed_as})."


def _open_playbook_tasks(deal_id: int, *, session: Session) -> list[FollowUp]:
    from sqlmodel import select

    return list(
        session.exec(
            select(FollowUp)
            .where(
                FollowUp.deal_id == deal_id,
                FollowUp.done_at.is_(None),  # type: ignore[union-attr]
                FollowUp.playbook_stage_id.is_not(None),  # type: ignore[union-attr]
            )
            .order_by(FollowUp.id)  # type: ignore[arg-type]
        )
    )


def _rules(stage: Stage | None) -> list[dict[str, Any]]:
    return list(stage.on_enter or []) if stage is not None else []


def run_on_enter(deal: Deal, stage: Stage, *, actor: str, session: Session) -> list[FollowUp]:
    """Create the stage's follow-ups for the deal, each marked as this stage's playbook, and
    none while a copy is still open: one with the same text, or one of this stage's playbook
    whose text a rep edited (it no longer matches any rule, so it stands for a rule left
    without a match)."""
    from sqlmodel import select

    steps = stage.on_enter or []
    if not steps:
        return []
    assert deal.id is not None
    open_rows = list(
        session.exec(
            select(FollowUp.text, FollowUp.playbook_stage_id).where(
                FollowUp.deal_id == deal.id,
                FollowUp.done_at.is_(None),  # type: ignore[union-attr]
            )
        )
    )
    open_texts = {text for text, _ in open_rows}
    rule_texts = {str(step["text"]) for step in steps}
    edited = sum(1 for text, sid in open_rows if sid == stage.id and text not in rule_texts)
    made = []
    day = today()
    for step in steps:
        text = str(step["text"])
        if text in open_texts:
            continue
        if edited:
            edited -= 1
            continue
        task = FollowUp(
            deal_id=deal.id,
            text=text,
            due=parse_date(str(step.get("due", "+0d")), today=day),
            owner=str(step.get("owner") or deal.owner),
            playbook_stage_id=stage.id,
            created_at=now_utc(),
            created_by=actor,
        )
        session.add(task)
        made.append(task)
        open_texts.add(text)
    return made


def close_on_leave(
    deal: Deal, target: Stage, *, actor: str, session: Session
) -> ClosedPlaybook:
    """The deal moves to `target`: its open playbook follow-ups of other stages end, as
    `cancelled` when `target` is an outcome (won or lost) and `superseded` otherwise. A rule
    with `keep = true` keeps its follow-up open. Each one closed goes to the change log."""
    closed_as = "superseded" if target.is_open else "cancelled"
    assert deal.id is not None
    tasks = [t for t in _open_playbook_tasks(deal.id, session=session)
             if t.playbook_stage_id != target.id]  # fmt: skip
    if not tasks:
        return ClosedPlaybook(closed_as)
    stages: dict[int, Stage | None] = {}
    counts: dict[str, int] = {}
    now = now_utc()
    for task in tasks:
        sid = task.playbook_stage_id
        assert sid is not None
        if sid not in stages:
            stages[sid] = session.get(Stage, sid)
        stage = stages[sid]
        kept = {str(r["text"]) for r in _rules(stage) if r.get("keep")}
        if task.text in kept:
            continue
        task.done_at, task.closed_as = now, closed_as
        session.add(task)
        record_change(deal.id, f"task #{task.id}", "open", closed_as, actor=actor,
                      session=session, at=now)  # fmt: skip
        name = stage.name if stage is not None else "?"
        counts[name] = counts.get(name, 0) + 1
    session.flush()
    return ClosedPlaybook(closed_as, tuple(counts.items()))
