"""A deal's audit trail: every change, who made it and when, old → new.

Built from the records salesflow keeps anyway: stage moves (creation, advances, regressions,
closes, reopens), close outcomes (amount, reason), the change log (`services.deals.audit`: `edit`,
imports with `--on-duplicate update`, `contact forget`, follow-ups finished, edited or removed,
quote status changes, cadences started and stopped), activities, follow-ups added, and feedback.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from salesflow.models import Activity, CloseOutcome, DealChange, Feedback, FollowUp, StageMove
from salesflow.parsing.money import money_text
from salesflow.services.deals.leads import resolve_deal
from salesflow.services.deals.pipelines import stages_of

if TYPE_CHECKING:
    from sqlmodel import Session

# the order of events recorded at the same moment: how they happened
_ORDER = {"created": 0, "field": 1, "quote": 2, "stage": 3, "regression": 3, "won": 3, "lost": 3,
          "reopened": 3, "cadence": 4, "task added": 4, "task edited": 5, "task removed": 5,
          "activity": 6, "task done": 7, "task superseded": 7, "task cancelled": 7,
          "feedback": 8}  # fmt: skip


@dataclass(frozen=True)
class HistoryEvent:
    """One change: what kind, which field or stage, old → new, and any note."""

    at: datetime
    by: str
    kind: str  # created, stage, regression, won, lost, reopened, field, activity, quote, cadence,
    # task added / done / superseded / cancelled / edited / removed, feedback
    field: str | None
    old: str | None
    new: str | None
    note: str | None


@dataclass(frozen=True)
class DealHistory:
    """The whole trail of one deal, oldest first."""

    deal_id: int
    title: str
    events: list[HistoryEvent]


def deal_history(ref: str, *, session: Session) -> DealHistory:
    """Every recorded change to the deal, oldest first."""
    from sqlmodel import select

    deal = resolve_deal(ref, session=session)
    assert deal.id is not None
    stages = {s.id: s for s in stages_of(deal.pipeline_id, session=session)}

    def name(stage_id: int | None) -> str | None:
        return stages[stage_id].key if stage_id in stages else None

    events: list[HistoryEvent] = []
    outcomes = list(session.exec(select(CloseOutcome).where(CloseOutcome.deal_id == deal.id)))
    moves = select(StageMove).where(StageMove.deal_id == deal.id).order_by(StageMove.id)  # type: ignore[arg-type]
    for m in session.exec(moves):
        target = stages.get(m.to_stage_id)
        notes = [m.note] if m.note else []
        if m.forced and not (m.note or "").startswith("gate overridden"):
            notes.append("gate overridden")
        if m.from_stage_id is None:
            kind, new = "created", name(m.to_stage_id)
        elif target is not None and target.kind in ("won", "lost"):
            kind = target.kind
            close = next((o for o in outcomes if o.at == m.at and o.outcome == kind), None)
            new = name(m.to_stage_id)
            if close is not None:
                new = f"{kind} {money_text(close.amount_minor, close.currency)} {close.currency}"
                reason = ", ".join(x for x in (close.reason, close.competitor) if x)
                extra = [x for x in (reason, close.note) if x and x not in notes]
                notes = extra + notes  # `won`/`lost` put the same note on the move and the close
        elif stages.get(m.from_stage_id) is not None and stages[m.from_stage_id].kind != "open":
            kind, new = "reopened", name(m.to_stage_id)
        else:
            kind, new = ("regression" if m.regression else "stage"), name(m.to_stage_id)
        events.append(HistoryEvent(m.at, m.by, kind, "stage", name(m.from_stage_id), new,
                                   "; ".join(notes) or None))  # fmt: skip
    finished: dict[str, DealChange] = {}  # "task #N" → who finished it (older rows: none)
    edits: dict[str, list[DealChange]] = {}  # "task #N text" → its changes, oldest first
    for c in session.exec(_of(DealChange, deal.id)):
        if c.field.startswith("task #") and " " not in c.field[6:] and c.old == "open":
            finished[c.field] = c
            continue
        if c.field.startswith("task #"):
            edits.setdefault(c.field, []).append(c)
        events.append(HistoryEvent(c.at, c.by, _kind(c.field), c.field, c.old, c.new, None))
    for a in session.exec(_of(Activity, deal.id)):
        events.append(HistoryEvent(a.at, a.by, "activity", a.type, None, a.summary, a.outcome))

    def as_of(task: FollowUp, name: str, current: str, moment: datetime | None) -> str:
        """A follow-up's field as it was when added (moment None) or at `moment`: an event
        shows what was true then, not what an edit made of it later."""
        changes = edits.get(f"task #{task.id} {name}", [])
        value = changes[0].old or current if changes else current
        for change in changes:
            if moment is not None and change.at <= moment:
                value = change.new or value
        return value

    for t in session.exec(_of(FollowUp, deal.id)):
        text, due = as_of(t, "text", t.text, None), as_of(t, "due", t.due.isoformat(), None)
        events.append(HistoryEvent(t.created_at, t.created_by, "task added", "task", None,
                                   f"{text} (due {due})", None))  # fmt: skip
        if t.done_at is not None:
            done = finished.get(f"task #{t.id}")
            # a playbook closes its follow-ups when the deal leaves the stage: not done by anyone
            how = t.closed_as if t.closed_as in ("superseded", "cancelled") else "done"
            events.append(HistoryEvent(t.done_at, done.by if done else t.owner, f"task {how}",
                                       "task", None, as_of(t, "text", t.text, t.done_at),
                                       None))  # fmt: skip
    # a stopped cadence deletes its open follow-ups; they were added when it started
    starts = [e for e in events if e.kind == "cadence" and e.old is None]
    for removed in [e for e in events if e.kind == "task removed" and e.old
                    and (e.new or "").startswith("removed: cadence")]:  # fmt: skip
        start = next((s for s in reversed(starts) if s.at <= removed.at), None)
        if start is not None:
            events.append(HistoryEvent(start.at, start.by, "task added", "task", None,
                                       removed.old, None))  # fmt: skip
    for f in session.exec(_of(Feedback, deal.id)):
        events.append(HistoryEvent(f.at, f.by, "feedback", "score", None, f"{f.score}/10",
                                   f.note))  # fmt: skip
    # stable: same-moment moves keep their recorded order
    events.sort(key=lambda e: (e.at, _ORDER.get(e.kind, 9)))
    return DealHistory(deal_id=deal.id, title=deal.title, events=events)


def _kind(field: str) -> str:
    """What a change-log row is about, from its field name (see `services.deals.audit`)."""
    if field.startswith("quote #"):
        return "quote"
    if field == "cadence":
        return "cadence"
    if field.startswith("task #"):
        return "task edited" if " " in field[6:] else "task removed"
    return "field"


def _of(model: Any, deal_id: int) -> Any:
    from sqlmodel import select

    return select(model).where(model.deal_id == deal_id).order_by(model.id)
