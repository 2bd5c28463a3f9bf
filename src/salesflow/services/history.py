"""A deal's audit trail: every change, who made it and when, old → new.

Built from the records salesflow keeps anyway: stage moves (creation, advances, regressions,
closes, reopens), close outcomes (amount, reason), the change log of `edit` (and of imports with
`--on-duplicate update`, and `contact forget`), activities, and follow-ups added and done.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from salesflow.models import Activity, CloseOutcome, DealChange, FollowUp, StageMove
from salesflow.parsing.money import money_text
from salesflow.services.deals import resolve_deal
from salesflow.services.pipelines import stages_of

if TYPE_CHECKING:
    from sqlmodel import Session

# the order of events recorded at the same moment: how they happened
_ORDER = {"created": 0, "field": 1, "stage": 3, "regression": 3, "won": 3, "lost": 3,
          "reopened": 3, "task added": 4, "activity": 6, "task done": 7}  # fmt: skip


@dataclass(frozen=True)
class HistoryEvent:
    """One change: what kind, which field or stage, old → new, and any note."""

    at: datetime
    by: str
    kind: str  # created, stage, regression, won, lost, reopened, field, activity, task added/done
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
    for c in session.exec(_of(DealChange, deal.id)):
        events.append(HistoryEvent(c.at, c.by, "field", c.field, c.old, c.new, None))
    for a in session.exec(_of(Activity, deal.id)):
        events.append(HistoryEvent(a.at, a.by, "activity", a.type, None, a.summary, a.outcome))
    for t in session.exec(_of(FollowUp, deal.id)):
        events.append(HistoryEvent(t.created_at, t.created_by, "task added", "task", None,
                                   f"{t.text} (due {t.due.isoformat()})", None))  # fmt: skip
        if t.done_at is not None:
            events.append(HistoryEvent(t.done_at, t.owner, "task done", "task", None, t.text,
                                       None))  # fmt: skip
    # stable: same-moment moves keep their recorded order
    events.sort(key=lambda e: (e.at, _ORDER.get(e.kind, 9)))
    return DealHistory(deal_id=deal.id, title=deal.title, events=events)


def _of(model: Any, deal_id: int) -> Any:
    from sqlmodel import select

    return select(model).where(model.deal_id == deal_id).order_by(model.id)
