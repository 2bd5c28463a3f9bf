"""Stage moves: advance (with gates and regressions), won, lost and reopen.

Every move appends a `StageMove` (the immutable history the funnel is computed from), bumps the
deal's version, closes the open playbook follow-ups of the stage it leaves (`playbooks`) and runs
the target stage's playbook. A move returns `Moved`: the deal and what the playbook closed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from salesflow.clock import now_utc, to_local, today
from salesflow.config import load_config
from salesflow.domain.deals import OUTCOMES, DealStatus, StageKind
from salesflow.errors import GateRefused, InvalidInput, InvalidMove
from salesflow.models import CloseOutcome, Deal, Stage, StageMove
from salesflow.parsing.money import to_minor
from salesflow.services.deals.leads import resolve_deal
from salesflow.services.deals.lookups import find_stage
from salesflow.services.deals.pipelines import stages_of
from salesflow.services.followups import cadences
from salesflow.services.followups.playbooks import ClosedPlaybook, close_on_leave, run_on_enter

if TYPE_CHECKING:
    from sqlmodel import Session


@dataclass(frozen=True)
class Moved:
    """A deal moved: its id, and the playbook follow-ups the move closed; its title, the name
    of the stage it is in now and (lost) the reason, for the command's confirmation line."""

    deal_id: int
    closed: ClosedPlaybook
    title: str = ""
    stage_name: str = ""
    reason: str | None = None


def _closed_error(deal: Deal) -> InvalidMove:
    return InvalidMove(
        f"deal #{deal.id} is already {deal.status}",
        hint=f"`salesflow reopen {deal.id}` puts it back in the pipeline first",
    )


def gate_failures(
    deal: Deal, stage: Stage, *, session: Session, score: int | None = None
) -> list[str]:
    """Why the deal may not enter `stage`; empty when every gate passes (`score`: known already)."""
    failures = []
    if stage.min_score is not None:
        score = _score(deal, session=session) if score is None else score
        if score < stage.min_score:
            failures.append(f"score {score} is below the gate's minimum {stage.min_score}")
    if stage.requires_quote:
        from salesflow.services.quotes import has_live_quote

        if not has_live_quote(deal.id, session=session):  # type: ignore[arg-type]
            failures.append("it needs a quote and the deal has none")
    return failures


def _score(deal: Deal, *, session: Session) -> int:
    from salesflow.db.reader import reader_for
    from salesflow.services.scoring.scores import score_of

    return score_of(deal.id, reader=reader_for(session)).score  # type: ignore[arg-type]


def crossed_gate_failures(
    deal: Deal, stages: list[Stage], current: Stage, target: Stage, *, session: Session
) -> list[str]:
    """Why a forward move may not happen: a gate guards entry to every stage at or after it, so
    each gated stage after `current` up to and including `target` must let the deal through."""
    crossed = [s for s in stages if s.is_open and current.position < s.position <= target.position]
    gated = [s for s in crossed if s.min_score is not None or s.requires_quote]
    score = _score(deal, session=session) if any(s.min_score is not None for s in gated) else None
    failures = []
    for stage in gated:
        found = gate_failures(deal, stage, session=session, score=score)
        where = "" if stage.id == target.id else f"{stage.name} on the way: "
        failures += [where + reason for reason in found]
    return failures


def advance_deal(
    ref: str, *, to: str | None, note: str | None, force: bool, actor: str, session: Session
) -> Moved:
    """Move a deal to the next open stage, or to `to` (back moves are recorded as regressions)."""
    deal = resolve_deal(ref, session=session, for_update=True)
    if deal.status != DealStatus.OPEN:
        raise _closed_error(deal)
    stages = stages_of(deal.pipeline_id, session=session)
    current = next(s for s in stages if s.id == deal.stage_id)
    if to is None:
        later = [s for s in stages if s.is_open and s.position > current.position]
        if not later:
            raise InvalidMove(
                f"deal #{deal.id} is in the last open stage ({current.name})",
                hint=f"close it with `salesflow won {deal.id}` or `salesflow lost {deal.id}`",
            )
        target = later[0]
    else:
        target = find_stage(stages, to)
    if not target.is_open:
        command = f"won {deal.id}" if target.kind == StageKind.WON else f"lost {deal.id} --reason …"
        raise InvalidMove(
            f"{target.name} is an outcome, not a stage to advance to",
            hint=f"use `salesflow {command}`",
        )
    if target.id == current.id:
        raise InvalidMove(f"deal #{deal.id} is already in {current.name}")
    regression = target.position < current.position
    forced = False
    if not regression:
        failures = crossed_gate_failures(deal, stages, current, target, session=session)
        if failures and not force:
            hint = "`--force` overrides the gate (the override is recorded)"
            if "score " in failures[0]:  # a score gate (on the way or at the target) comes first
                hint = f"`salesflow score {deal.id} --explain` shows what would lift it; {hint}"
            raise GateRefused(f"cannot enter {target.name}: {'; '.join(failures)}", hint=hint)
        forced = bool(failures)
        if forced and not note:
            note = "gate overridden: " + "; ".join(failures)
    closed = _move(deal, current, target, note=note, forced=forced, regression=regression,
                   actor=actor, session=session)  # fmt: skip
    return Moved(deal.id, closed, deal.title, target.name)  # type: ignore[arg-type]


def move_back(ref: str, *, actor: str, session: Session, note: str | None = None) -> Moved:
    """Move an open deal back to the open stage before its own (a recorded regression)."""
    deal = resolve_deal(ref, session=session)
    if deal.status != DealStatus.OPEN:
        raise _closed_error(deal)
    stages = stages_of(deal.pipeline_id, session=session)
    current = next(s for s in stages if s.id == deal.stage_id)
    earlier = [s for s in stages if s.is_open and s.position < current.position]
    if not earlier:
        raise InvalidMove(f"deal #{deal.id} is in the first stage ({current.name})")
    return advance_deal(ref, to=earlier[-1].key, note=note, force=False, actor=actor,
                        session=session)  # fmt: skip


def _move(
    deal: Deal,
    current: Stage,
    target: Stage,
    *,
    note: str | None,
    forced: bool,
    regression: bool,
    actor: str,
    session: Session,
) -> ClosedPlaybook:
    now = now_utc()
    assert deal.id is not None
    assert target.id is not None
    session.add(
        StageMove(
            deal_id=deal.id,
            from_stage_id=current.id,
            to_stage_id=target.id,
            at=now,
            by=actor,
            note=note,
            forced=forced,
            regression=regression,
        )
    )
    deal.stage_id = target.id
    deal.status = DealStatus(target.kind) if target.kind in OUTCOMES else DealStatus.OPEN
    deal.updated_at = now
    deal.version += 1
    session.add(deal)
    session.flush()
    closed = close_on_leave(deal, target, actor=actor, session=session)
    run_on_enter(deal, target, actor=actor, session=session)
    return closed


def win_deal(
    ref: str,
    *,
    amount: Decimal | None,
    on: date | None,
    note: str | None,
    actor: str,
    session: Session,
    handoff: str | None = None,
) -> Moved:
    """Close a deal as won, for `amount` (default: its value), on `on` (default: today)."""
    deal = resolve_deal(ref, session=session, for_update=True)
    if deal.status != DealStatus.OPEN:
        raise _closed_error(deal)
    amount_minor = deal.value_minor if amount is None else to_minor(amount, deal.currency)
    return _close(
        deal, DealStatus.WON, amount_minor, on, note, None, None, actor=actor, session=session,
        handoff=handoff,
    )  # fmt: skip


def lose_deal(
    ref: str,
    *,
    reason: str,
    competitor: str | None,
    note: str | None,
    on: date | None = None,
    actor: str,
    session: Session,
) -> Moved:
    """Close a deal as lost, with a reason from the configured list."""
    reasons = load_config().lost_reasons
    wanted = reason.strip().lower()
    if wanted not in reasons:
        raise InvalidInput(f"unknown lost reason {reason!r}", hint=f"reasons: {', '.join(reasons)}")
    deal = resolve_deal(ref, session=session, for_update=True)
    if deal.status != DealStatus.OPEN:
        raise _closed_error(deal)
    return _close(
        deal,
        DealStatus.LOST,
        deal.value_minor,
        on,
        note,
        wanted,
        competitor,
        actor=actor,
        session=session,
    )


def _close(
    deal: Deal,
    outcome: str,
    amount_minor: int,
    on: date | None,
    note: str | None,
    reason: str | None,
    competitor: str | None,
    *,
    actor: str,
    session: Session,
    handoff: str | None = None,
) -> Moved:
    closed_on = on or today()
    if closed_on > today():
        raise InvalidInput(f"{closed_on} is in the future", hint="a deal closes today or earlier")
    created_on = to_local(deal.created_at).date()
    if closed_on < created_on:
        raise InvalidInput(
            f"{closed_on} is before deal #{deal.id} was created ({created_on})",
            hint="a deal closes on or after the day it was created",
        )
    stages = stages_of(deal.pipeline_id, session=session)
    current = next(s for s in stages if s.id == deal.stage_id)
    target = next(s for s in stages if s.kind == outcome)
    assert deal.id is not None
    session.add(
        CloseOutcome(
            deal_id=deal.id,
            outcome=outcome,
            amount_minor=amount_minor,
            currency=deal.currency,
            reason=reason,
            competitor=competitor,
            note=note,
            from_stage_id=current.id,
            closed_on=closed_on,
            at=now_utc(),
            by=actor,
        )
    )
    closed = _move(deal, current, target, note=note, forced=False, regression=False,
                   actor=actor, session=session)  # fmt: skip
    cadences.after_close(deal, outcome, actor=actor, session=session)  # a running cadence stops
    if outcome == DealStatus.WON:
        from salesflow.services.customers import start_contract

        start_contract(deal, closed_on=closed_on, amount_minor=amount_minor, promise=handoff,
                       session=session)  # fmt: skip
    return Moved(deal.id, closed, deal.title, target.name, reason)


def reopen_deal(
    ref: str, *, to: str | None, note: str | None, actor: str, session: Session
) -> Moved:
    """Put a closed deal back into an open stage: `to`, or the stage it was closed from."""
    from sqlmodel import select

    deal = resolve_deal(ref, session=session, for_update=True)
    if deal.status == DealStatus.OPEN:
        raise InvalidMove(f"deal #{deal.id} is open already", hint="`salesflow advance` moves it")
    stages = stages_of(deal.pipeline_id, session=session)
    current = next(s for s in stages if s.id == deal.stage_id)
    outcome = session.exec(
        select(CloseOutcome)
        .where(CloseOutcome.deal_id == deal.id, CloseOutcome.reopened_at.is_(None))  # type: ignore[union-attr]
        .order_by(CloseOutcome.id.desc())  # type: ignore[union-attr]
    ).first()
    if to:
        target = find_stage(stages, to)
        if not target.is_open:
            raise InvalidMove(f"{target.name} is an outcome; reopen to an open stage")
    else:
        back = outcome.from_stage_id if outcome else None
        target = next((s for s in stages if s.id == back and s.is_open), None) or next(
            s for s in stages if s.is_open
        )
    if outcome:
        outcome.reopened_at = now_utc()
        session.add(outcome)
    if deal.status == DealStatus.WON:
        from salesflow.services.customers import end_contract

        end_contract(deal, session=session)
    closed = _move(deal, current, target, note=note or "reopened", forced=False,
                   regression=True, actor=actor, session=session)  # fmt: skip
    return Moved(deal.id, closed, deal.title, target.name)  # type: ignore[arg-type]
