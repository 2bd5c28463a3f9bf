"""Deals going cold: rotting deals and deals with no next step, found set-based in SQL.

A deal is *rotting* (Pipedrive's rule) when it is open, its stage has `rot_days`, and more
than `rot_days` whole days have passed since the later of its last activity and its last stage
move; `idle_days` counts local calendar days from that last touch to today. A deal has *no next
step* when it is open and has no open follow-up. Both are single queries over all deals, so
they stay fast on a big database (the 100k-deal demo answers in about half a second).
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from salesflow.clock import start_of_day_utc, to_local, today
from salesflow.errors import InvalidInput
from salesflow.models import Activity, Company, Deal, FollowUp, Stage, StageMove
from salesflow.services.views import RottingDeal, Stale, StaleDeal

if TYPE_CHECKING:
    from sqlmodel import Session


def _scope(session: Session, pipeline: str | None, owner: str | None) -> list[Any]:
    """WHERE terms for open deals, optionally of one pipeline and one owner."""
    from sqlmodel import func

    where: list[Any] = [Deal.status == "open"]
    if pipeline:
        from salesflow.services.pipelines import get_pipeline

        where.append(Deal.pipeline_id == get_pipeline(pipeline, session=session).id)
    if owner:
        where.append(func.lower(Deal.owner) == owner.lower())
    return where


def _rotting_query(session: Session, where: list[Any]) -> Any:
    """Open deals whose last touch is older than their stage allows, or None if no stage rots.

    Each stage's rot threshold is a plain timestamp (local midnight `rot_days` days ago, as UTC),
    picked per deal with a CASE on the stage id: the comparison stays index-friendly and portable.
    """
    from sqlmodel import case, col, func, select

    stages = select(Stage.id, Stage.rot_days).where(
        Stage.kind == "open",
        Stage.rot_days.is_not(None),  # type: ignore[union-attr]
    )
    rot: dict[int, int] = dict(session.exec(stages).all())  # type: ignore[arg-type]
    if not rot:
        return None
    day = today()
    threshold = case(
        *(
            (Deal.stage_id == sid, start_of_day_utc(day - timedelta(days=days)))
            for sid, days in rot.items()
        ),
        else_=None,
    )
    moved = select(func.max(StageMove.at)).where(StageMove.deal_id == Deal.id).scalar_subquery()
    acted = select(func.max(Activity.at)).where(Activity.deal_id == Deal.id).scalar_subquery()
    touched = (
        select(  # type: ignore[call-overload]
            col(Deal.id).label("deal_id"),
            col(Deal.title).label("title"),
            col(Deal.owner).label("owner"),
            col(Deal.company_id).label("company_id"),
            col(Deal.stage_id).label("stage_id"),
            moved.label("moved"),
            acted.label("acted"),
            threshold.label("threshold"),
        )
        .where(*where, col(Deal.stage_id).in_(list(rot)))
        .subquery()
    )
    last = case(
        (touched.c.acted.is_not(None) & (touched.c.acted > touched.c.moved), touched.c.acted),
        else_=touched.c.moved,
    )
    return (
        select(  # type: ignore[call-overload]
            touched.c.deal_id,
            touched.c.title,
            touched.c.owner,
            Company.name,
            Stage.key,
            Stage.rot_days,
            last.label("last_touch"),
        )
        .select_from(touched)
        .join(Stage, col(Stage.id) == touched.c.stage_id)
        .join(Company, col(Company.id) == touched.c.company_id, isouter=True)
        .where(last < touched.c.threshold)
    )


def _no_step_where() -> Any:
    from sqlmodel import exists, select

    return ~exists(
        select(FollowUp.id).where(
            FollowUp.deal_id == Deal.id,
            FollowUp.done_at.is_(None),  # type: ignore[union-attr]
        )
    )


def find_stale(
    *,
    session: Session,
    pipeline: str | None = None,
    owner: str | None = None,
    limit: int | None = None,
) -> Stale:
    """Rotting deals (most idle first) and deals with no next step (oldest first)."""
    from sqlmodel import col, func, select

    if limit is not None and limit < 1:
        raise InvalidInput("--limit must be 1 or more")
    where = _scope(session, pipeline, owner)
    day = today()
    rotting: list[RottingDeal] = []
    rotting_total = 0
    query = _rotting_query(session, where)
    if query is not None:
        inner = query.subquery()
        ordered = select(*inner.c).order_by(inner.c.last_touch, inner.c.deal_id)
        if limit:
            ordered = ordered.limit(limit)
            rotting_total = int(session.exec(select(func.count()).select_from(inner)).one())
        for deal_id, title, deal_owner, company, stage, rot_days, last in session.exec(ordered):
            rotting.append(
                RottingDeal(
                    deal_id=deal_id,
                    deal=title,
                    company=company,
                    stage=stage,
                    owner=deal_owner,
                    idle_days=(day - to_local(last).date()).days,
                    rot_days=rot_days,
                    last_touch=last,
                )
            )
        if not limit:
            rotting_total = len(rotting)
    no_step_where = [*where, _no_step_where()]
    no_step_total = int(
        session.exec(select(func.count()).select_from(Deal).where(*no_step_where)).one()
    )
    no_step_query = (
        select(Deal.id, Deal.title, Company.name, Stage.key, Deal.owner)  # type: ignore[call-overload]
        .join(Stage, col(Stage.id) == Deal.stage_id)
        .join(Company, col(Company.id) == Deal.company_id, isouter=True)
        .where(*no_step_where)
        .order_by(Deal.id)
    )
    if limit:
        no_step_query = no_step_query.limit(limit)
    no_step = [
        StaleDeal(deal_id=i, deal=t, company=c, stage=s, owner=o)
        for i, t, c, s, o in session.exec(no_step_query)
    ]
    return Stale(
        as_of=day,
        rotting=rotting,
        no_next_step=no_step,
        rotting_total=rotting_total,
        no_next_step_total=no_step_total,
    )


def stale_counts(*, session: Session, owner: str | None) -> tuple[int, int]:
    """How many open deals (of `owner`, or everyone's) are rotting, and have no next step."""
    from sqlmodel import func, select

    where = _scope(session, None, owner)
    query = _rotting_query(session, where)
    rotting = 0
    if query is not None:
        rotting = int(session.exec(select(func.count()).select_from(query.subquery())).one())
    no_step = int(
        session.exec(select(func.count()).select_from(Deal).where(*where, _no_step_where())).one()
    )
    return rotting, no_step
