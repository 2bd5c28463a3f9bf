"""Cadences: named sequences of follow-ups (call, email, task on day 0, 2, 5 …) run on a deal.

Starting a cadence turns its steps into follow-ups linked to the run (`cadence_run_id`), due on
the start day plus the step's `day`. A deal runs at most one cadence at a time. A run ends by
hand (`cadence stop`), when the deal closes, or when a `replied` activity is logged: its
follow-ups still open are removed, the done ones stay, and the run keeps why it stopped.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from salesflow.clock import now_utc, today
from salesflow.domain.deals import DealStatus
from salesflow.errors import InvalidInput, InvalidMove, NotFound
from salesflow.models import Cadence, CadenceRun, Company, Deal, FollowUp, Stage
from salesflow.models.cadence import CadenceSpec
from salesflow.services.deals.audit import record_change
from salesflow.services.deals.leads import resolve_deal
from salesflow.services.deals.views import TaskView, days_overdue
from salesflow.services.followups.views import CadenceRunView, CadenceView
from salesflow.services.toml_files import key_line, load_spec

if TYPE_CHECKING:
    from sqlmodel import Session


def parse_cadence(text: str, source: str = "cadence file") -> CadenceSpec:
    """Parse and validate a cadence file; errors name the line and the field."""
    spec = load_spec(text, CadenceSpec, source, _line_of)
    _check_templates(spec, source, text)
    return spec


def _line_of(text: str, loc: tuple[Any, ...]) -> int | None:
    """Best-effort line of a field: `steps.2.day` is the `day =` line of the third `[[steps]]`."""
    lines = text.splitlines()
    parts = list(loc)
    start, end = 0, len(lines)
    tables = [i for i, ln in enumerate(lines) if ln.lstrip().startswith("[")]
    if len(parts) >= 2 and parts[0] == "steps" and isinstance(parts[1], int):
        header = re.compile(r"^\s*\[\[\s*steps\s*\]\]")
        hits = [i for i, ln in enumerate(lines) if header.match(ln)]
        if parts[1] >= len(hits):
            return None  # inline `steps = [...]`: no table to point at
        start = hits[parts[1]]
        end = next((i for i in tables if i > start), len(lines))
        parts = parts[2:]
        if not parts:
            return start + 1
    elif parts:
        end = tables[0] if tables else len(lines)
    return key_line(lines, parts, start, end)


def _check_templates(spec: CadenceSpec, source: str, text: str) -> None:
    """An email step's template must exist in the templates folder."""
    from salesflow.services.templates import template_path

    for index, step in enumerate(spec.steps):
        if step.template is None:
            continue
        try:
            template_path(step.template)
        except NotFound as exc:
            line = _line_of(text, ("steps", index, "template"))
            where = f"line {line}, " if line else ""
            raise NotFound(
                f"{source}: {where}field steps.{index}.template: {exc.message}", hint=exc.hint
            ) from None


def add_cadence(path: Path, *, session: Session) -> CadenceView:
    """Store the cadence in a TOML file. Refuses a name that exists."""
    from sqlmodel import select

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        from salesflow.outfiles import cannot_read

        raise cannot_read(path, exc) from None
    spec = parse_cadence(text, str(path))
    if session.exec(select(Cadence.id).where(Cadence.name == spec.name)).first() is not None:
        raise InvalidInput(
            f"cadence {spec.name!r} already exists", hint="give the new one another `name`"
        )
    # in day order (a stable sort: steps on the same day keep the file's order)
    steps = sorted(
        (s.model_dump(exclude_none=True) for s in spec.steps), key=lambda s: int(s["day"])
    )
    cadence = Cadence(name=spec.name, steps=steps, source_toml=text, created_at=now_utc())
    session.add(cadence)
    session.flush()
    return _view(cadence, 0)


def _description(cadence: Cadence) -> str | None:
    import tomllib

    try:
        value = tomllib.loads(cadence.source_toml).get("description")
    except tomllib.TOMLDecodeError:
        return None
    return str(value) if value else None


def _view(cadence: Cadence, running: int) -> CadenceView:
    return CadenceView(
        name=cadence.name,
        description=_description(cadence),
        steps=list(cadence.steps or []),
        running=running,
    )


def list_cadences(*, session: Session) -> list[CadenceView]:
    """Every cadence, by name, with how many deals it is running on."""
    from sqlmodel import col, func, select

    counts = session.exec(
        select(CadenceRun.cadence_id, func.count())
        .where(col(CadenceRun.stopped_at).is_(None))
        .group_by(col(CadenceRun.cadence_id))
    ).all()
    running = {cadence_id: int(count) for cadence_id, count in counts}
    cadences = session.exec(select(Cadence).order_by(Cadence.name))
    return [_view(c, running.get(c.id or 0, 0)) for c in cadences]


def _get_cadence(name: str, *, session: Session) -> Cadence:
    from sqlmodel import func, select

    found = session.exec(
        select(Cadence).where(func.lower(Cadence.name) == name.strip().lower())
    ).first()
    if found is None:
        known = ", ".join(session.exec(select(Cadence.name).order_by(Cadence.name)))
        hint = f"cadences: {known}" if known else "add one with `salesflow cadence add FILE.toml`"
        raise NotFound(f"no cadence {name!r}", hint=hint)
    return found


def _running(deal_id: int, *, session: Session) -> CadenceRun | None:
    from sqlmodel import select

    return session.exec(
        select(CadenceRun).where(
            CadenceRun.deal_id == deal_id,
            CadenceRun.stopped_at.is_(None),  # type: ignore[union-attr]
        )
    ).first()


def step_text(cadence: str, index: int, total: int, step: dict[str, Any]) -> str:
    """The follow-up text of a step: `cold-outbound 2/5: call – Ask about the pilot`."""
    what = step.get("text") or f"send the {step['template']} email"
    if step.get("text") and step.get("template"):
        what = f"{step['text']} (template {step['template']})"
    return f"{cadence} {index}/{total}: {step['kind']} – {what}"


def start_cadence(ref: str, name: str, *, actor: str, session: Session) -> CadenceRunView:
    """Run a cadence on an open deal: its steps become the deal owner's follow-ups."""
    deal = resolve_deal(ref, session=session, for_update=True)
    assert deal.id is not None
    if deal.status != DealStatus.OPEN:
        raise InvalidMove(
            f"deal #{deal.id} is {deal.status}: a cadence runs on open deals",
            hint=f"`salesflow reopen {deal.id}` puts it back in the pipeline first",
        )
    cadence = _get_cadence(name, session=session)
    assert cadence.id is not None
    current = _running(deal.id, session=session)
    if current is not None:
        other = session.get(Cadence, current.cadence_id)
        raise InvalidMove(
            f"deal #{deal.id} is already running cadence {other.name if other else '?'!r}",
            hint=f"`salesflow cadence stop {deal.id}` first",
        )
    now, day = now_utc(), today()
    run = CadenceRun(
        cadence_id=cadence.id, deal_id=deal.id, started_on=day, started_at=now, started_by=actor
    )
    session.add(run)
    session.flush()
    record_change(deal.id, "cadence", None, cadence.name, actor=actor, session=session, at=now)
    steps = list(cadence.steps or [])
    made = []
    for index, step in enumerate(steps, start=1):
        task = FollowUp(
            deal_id=deal.id,
            text=step_text(cadence.name, index, len(steps), step),
            due=day + timedelta(days=int(step["day"])),
            owner=deal.owner,
            cadence_run_id=run.id,
            created_at=now,
            created_by=actor,
        )
        session.add(task)
        made.append(task)
    session.flush()
    return _run_view(run, cadence.name, deal, made, session=session)


def stop_cadence(ref: str, *, reason: str | None, actor: str, session: Session) -> CadenceRunView:
    """Stop the cadence running on a deal by hand."""
    deal = resolve_deal(ref, session=session, for_update=True)
    assert deal.id is not None
    run = _running(deal.id, session=session)
    if run is None:
        raise NotFound(
            f"deal #{deal.id} runs no cadence", hint=f"`salesflow cadence start {deal.id} NAME`"
        )
    text = (reason or "").strip() or f"stopped by {actor}"
    return _stop(run, deal, text, actor=actor, session=session)


def _stop(
    run: CadenceRun, deal: Deal, reason: str, *, actor: str, session: Session
) -> CadenceRunView:
    from sqlmodel import select

    open_tasks = list(
        session.exec(
            select(FollowUp)
            .where(FollowUp.cadence_run_id == run.id, FollowUp.done_at.is_(None))  # type: ignore[union-attr]
            .order_by(FollowUp.due, FollowUp.id)  # type: ignore[arg-type]
        )
    )
    removed = _run_view(run, "", deal, open_tasks, session=session)
    kept = session.exec(
        select(FollowUp.id).where(
            FollowUp.cadence_run_id == run.id,
            FollowUp.done_at.is_not(None),  # type: ignore[union-attr]
        )
    ).all()
    run.stopped_at = now_utc()
    run.stop_reason = reason
    cadence = session.get(Cadence, run.cadence_id)
    name = cadence.name if cadence else "?"
    assert deal.id is not None
    from salesflow.services.followups.tasks import remove_task

    for task in open_tasks:  # the rows go; the log keeps that they were there, and why
        remove_task(task, f"cadence {name} stopped", actor=actor, session=session,
                    at=run.stopped_at)  # fmt: skip
    record_change(deal.id, "cadence", name, f"stopped: {reason}", actor=actor, session=session,
                  at=run.stopped_at)  # fmt: skip
    session.add(run)
    session.flush()
    return CadenceRunView(
        run_id=removed.run_id,
        cadence=cadence.name if cadence else "?",
        deal_id=removed.deal_id,
        deal=removed.deal,
        started_on=removed.started_on,
        stopped_at=run.stopped_at,
        stop_reason=reason,
        tasks=removed.tasks,
        kept=len(kept),
    )


def after_close(deal: Deal, outcome: str, *, actor: str, session: Session) -> None:
    """A deal closed (won or lost): the cadence running on it, if any, stops."""
    assert deal.id is not None
    run = _running(deal.id, session=session)
    if run is not None:
        _stop(run, deal, f"deal {outcome}", actor=actor, session=session)


def after_activity(deal: Deal, kind: str, *, actor: str, session: Session) -> None:
    """An activity was logged: a reply from the buyer stops the cadence running on the deal."""
    if kind != "replied":
        return
    assert deal.id is not None
    run = _running(deal.id, session=session)
    if run is not None:
        _stop(run, deal, "replied", actor=actor, session=session)


def _run_view(
    run: CadenceRun, cadence: str, deal: Deal, tasks: list[FollowUp], *, session: Session
) -> CadenceRunView:
    assert run.id is not None
    assert deal.id is not None
    stage = session.get(Stage, deal.stage_id)
    company = session.get(Company, deal.company_id) if deal.company_id else None
    day = today()
    return CadenceRunView(
        run_id=run.id,
        cadence=cadence,
        deal_id=deal.id,
        deal=deal.title,
        started_on=run.started_on,
        stopped_at=run.stopped_at,
        stop_reason=run.stop_reason,
        tasks=[
            TaskView(
                id=t.id,  # type: ignore[arg-type]
                deal_id=deal.id,
                deal=deal.title,
                company=company.name if company else None,
                stage=stage.key if stage else "?",
                text=t.text,
                due=t.due,
                owner=t.owner,
                repeat=t.repeat,
                done_at=t.done_at,
                overdue_days=days_overdue(t.due, t.done_at, day),
                value_minor=deal.value_minor,
                currency=deal.currency,
            )
            for t in tasks
        ],
    )
