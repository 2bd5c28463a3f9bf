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
from salesflow.services.deals.audit import record_change

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


def _pair(tasks: list[tuple[int, str]], rules: list[dict[str, Any]]) -> dict[int, int]:
    """Which rule (index) each open follow-up of a stage's playbook came from: by its text, or,
    for one a rep reworded (its text matches no rule), the first rule left without a follow-up.
    `tasks` are (id, text) in id order."""
    texts = [str(rule["text"]) for rule in rules]
    paired: dict[int, int] = {}
    for task_id, text in tasks:
        if text in texts and texts.index(text) not in paired.values():
            paired[task_id] = texts.index(text)
    free = [i for i in range(len(rules)) if i not in paired.values()]
    for task_id, text in tasks:
        if task_id not in paired and text not in texts and free:
            paired[task_id] = free.pop(0)
    return paired


def run_on_enter(deal: Deal, stage: Stage, *, actor: str, session: Session) -> list[FollowUp]:
    """Create the stage's follow-ups for the deal, each marked as this stage's playbook, and
    none while a copy is still open: an open follow-up with the same text, or one this stage's
    playbook made whose text a rep has reworded since."""
    from sqlmodel import select

    steps = stage.on_enter or []
    if not steps:
        return []
    assert deal.id is not None
    open_rows = list(
        session.exec(
            select(FollowUp.id, FollowUp.text, FollowUp.playbook_stage_id)
            .where(FollowUp.deal_id == deal.id, FollowUp.done_at.is_(None))  # type: ignore[union-attr]
            .order_by(FollowUp.id)  # type: ignore[arg-type]
        )
    )
    open_texts = {text for _, text, _ in open_rows}
    mine = [(tid, text) for tid, text, sid in open_rows if sid == stage.id]
    covered = set(_pair(mine, steps).values())  # type: ignore[arg-type]
    made = []
    day = today()
    for index, step in enumerate(steps):
        text = str(step["text"])
        if text in open_texts or index in covered:
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


def close_on_leave(deal: Deal, target: Stage, *, actor: str, session: Session) -> ClosedPlaybook:
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
    kept: set[int] = set()
    for sid in {t.playbook_stage_id for t in tasks}:
        assert sid is not None
        stages[sid] = stage = session.get(Stage, sid)
        rules = _rules(stage)
        mine = [(t.id, t.text) for t in tasks if t.playbook_stage_id == sid]
        kept |= {tid for tid, i in _pair(mine, rules).items() if rules[i].get("keep")}  # type: ignore[misc]
    counts: dict[str, int] = {}
    now = now_utc()
    for task in tasks:
        if task.id in kept:
            continue
        task.done_at, task.closed_as = now, closed_as
        session.add(task)
        record_change(deal.id, f"task #{task.id}", "open", closed_as, actor=actor,
                      session=session, at=now)  # fmt: skip
        stage = stages[task.playbook_stage_id]  # type: ignore[index]
        name = stage.name if stage is not None else "?"
        counts[name] = counts.get(name, 0) + 1
    session.flush()
    return ClosedPlaybook(closed_as, tuple(counts.items()))
