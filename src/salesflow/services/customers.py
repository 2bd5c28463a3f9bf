"""After the win: contracts and renewals, the customer-success hand-off, feedback and NPS,
expansion deals, and the customers at risk."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from salesflow.clock import now_utc, today
from salesflow.config import load_config
from salesflow.errors import InvalidInput, InvalidMove
from salesflow.models import (
    Activity,
    CloseOutcome,
    Company,
    Contact,
    Contract,
    Deal,
    Feedback,
    FollowUp,
    Quote,
    QuoteLine,
)
from salesflow.services.deals.leads import resolve_deal

if TYPE_CHECKING:
    from sqlmodel import Session

DEFAULT_TERM_MONTHS = 12
DEFAULT_QUIET_DAYS = 60
RENEWAL_ALERT_DAYS = 60


def _setting(name: str, default: int) -> int:
    value = load_config().extra.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidInput(f"config {name} must be a whole number above 0")
    return value


def start_contract(
    deal: Deal, *, closed_on: date, amount_minor: int, promise: str | None, session: Session
) -> Contract:
    """On a win: the term, the recurring value from the winning quote, and the hand-off note."""
    from dateutil.relativedelta import relativedelta
    from sqlmodel import select

    quote = session.exec(
        select(Quote)
        .where(Quote.deal_id == deal.id, Quote.status.not_in(("superseded", "rejected")))  # type: ignore[attr-defined]
        .order_by(Quote.status != "accepted", Quote.id.desc())  # type: ignore[arg-type]
    ).first()
    lines = (
        list(session.exec(select(QuoteLine).where(QuoteLine.quote_id == quote.id))) if quote else []
    )
    monthly = sum(ln.amount_minor for ln in lines if ln.recurring == "month")
    yearly = sum(ln.amount_minor for ln in lines if ln.recurring == "year")
    recurring, period = (
        (yearly + 12 * monthly, "year") if yearly else (monthly, "month" if monthly else None)
    )
    months = _setting("contract_months", DEFAULT_TERM_MONTHS)
    ends_on = closed_on + relativedelta(months=months) if recurring else None
    contract = Contract(
        deal_id=deal.id,
        company_id=deal.company_id,
        starts_on=closed_on,
        ends_on=ends_on,  # type: ignore[arg-type]
        renewal_on=ends_on,
        recurring_minor=recurring,
        period=period,
        currency=deal.currency,
        handoff_note=_handoff(deal, lines, amount_minor, promise, session=session),
        created_at=now_utc(),
    )
    session.add(contract)
    session.flush()
    return contract


def _handoff(
    deal: Deal, lines: list[QuoteLine], amount_minor: int, promise: str | None, *, session: Session
) -> str:
    from salesflow.parsing.money import money_text

    contact = session.get(Contact, deal.contact_id) if deal.contact_id else None
    sold = "; ".join(f"{ln.qty} × {ln.name} ({ln.sku})" for ln in lines) or deal.title
    who = (
        f"{contact.name} <{contact.email}>"
        if contact and contact.email
        else (contact.name if contact else "–")
    )
    parts = [
        f"Sold: {sold} for {money_text(amount_minor, deal.currency)} {deal.currency}",
        f"Talk to: {who}",
        f"Account owner: {deal.owner}",
    ]
    if promise:
        parts.append(f"Promised: {promise}")
    return "\n".join(parts)


def end_contract(deal: Deal, *, session: Session) -> None:
    """A reopened deal's contract is void (its close outcome stays in the history)."""
    from sqlmodel import select

    for contract in session.exec(select(Contract).where(Contract.deal_id == deal.id)):
        session.delete(contract)
    session.flush()


def add_feedback(
    ref: str, *, score: int, note: str | None, actor: str, session: Session
) -> Feedback:
    """An NPS-style score (0–10) from the customer of a deal."""
    if isinstance(score, bool) or not 0 <= score <= 10:
        raise InvalidInput(f"--score must be 0 to 10, not {score}")
    deal = resolve_deal(ref, session=session)
    row = Feedback(
        deal_id=deal.id,
        company_id=deal.company_id,
        score=score,
        note=note,  # type: ignore[arg-type]
        at=now_utc(),
        by=actor,
    )
    session.add(row)
    session.flush()
    return row


def upsell_base(ref: str, *, session: Session) -> Deal:
    """The won deal an expansion deal grows from."""
    deal = resolve_deal(ref, session=session)
    if deal.status != "won":
        raise InvalidMove(f"deal #{deal.id} is {deal.status}; an upsell grows from a won deal")
    if deal.company_id is None:
        raise InvalidMove(f"deal #{deal.id} has no company to sell more to")
    return deal


def nps(scores: list[int]) -> int | None:
    """Net promoter score: % promoters (9–10) minus % detractors (0–6), rounded."""
    if not scores:
        return None
    promoters = sum(1 for s in scores if s >= 9)
    detractors = sum(1 for s in scores if s <= 6)
    return round(100 * (promoters - detractors) / len(scores))


@dataclass
class CustomerView:
    """A company that has won business with us."""

    company_id: int
    company: str
    won_deals: int
    won: dict[str, int]  # currency → minor units
    recurring: dict[str, int]
    renewal_on: date | None
    nps: int | None
    feedback_count: int
    last_activity: date | None
    open_follow_ups: int
    handoff: str | None
    at_risk: list[str] = field(default_factory=list)


def list_customers(*, session: Session, at_risk_only: bool = False) -> list[CustomerView]:
    """Customers with their figures, and why any of them is at risk."""
    from sqlmodel import func, select

    day = today()
    quiet_days = _setting("at_risk_days", DEFAULT_QUIET_DAYS)
    rows = session.exec(
        select(
            Company.id,
            Company.name,
            CloseOutcome.currency,
            func.count(),
            func.sum(CloseOutcome.amount_minor),
            func.max(CloseOutcome.closed_on),
        )
        .join(Deal, Deal.company_id == Company.id)  # type: ignore[arg-type]
        .join(CloseOutcome, CloseOutcome.deal_id == Deal.id)  # type: ignore[arg-type]
        .where(
            Deal.status == "won", CloseOutcome.outcome == "won", CloseOutcome.reopened_at.is_(None)
        )  # type: ignore[union-attr]
        .group_by(Company.id, Company.name, CloseOutcome.currency)
        .order_by(Company.name)
    ).all()
    customers: dict[int, CustomerView] = {}
    won_on: dict[int, date] = {}
    for cid, name, currency, count, value, closed in rows:
        view = customers.setdefault(
            cid, CustomerView(cid, name, 0, {}, {}, None, None, 0, None, 0, None)
        )
        view.won_deals += int(count)
        view.won[currency] = int(value or 0)
        won_on[cid] = max(closed, won_on.get(cid, closed))
    if not customers:
        return []
    ids = list(customers)
    for cid, currency, renewal, recurring, handoff in session.exec(
        select(
            Contract.company_id,
            Contract.currency,
            Contract.renewal_on,
            Contract.recurring_minor,
            Contract.handoff_note,
        )
        .where(Contract.company_id.in_(ids))  # type: ignore[union-attr]
        .order_by(Contract.starts_on)
    ):
        view = customers[cid]
        view.recurring[currency] = view.recurring.get(currency, 0) + recurring
        if renewal and renewal >= day and (view.renewal_on is None or renewal < view.renewal_on):
            view.renewal_on = renewal
        view.handoff = handoff
    scores: dict[int, list[int]] = {}
    for cid, score in session.exec(
        select(Feedback.company_id, Feedback.score)
        .where(Feedback.company_id.in_(ids))
        .order_by(Feedback.at)  # type: ignore[union-attr]
    ):
        scores.setdefault(cid, []).append(score)  # type: ignore[arg-type]
    for cid, last in session.exec(
        select(Deal.company_id, func.max(Activity.at))
        .join(Activity, Activity.deal_id == Deal.id)  # type: ignore[arg-type]
        .where(Deal.company_id.in_(ids))  # type: ignore[union-attr]
        .group_by(Deal.company_id)
    ):
        customers[cid].last_activity = last.date() if last else None  # type: ignore[index]
    for cid, count in session.exec(
        select(Deal.company_id, func.count())
        .join(FollowUp, FollowUp.deal_id == Deal.id)  # type: ignore[arg-type]
        .where(Deal.company_id.in_(ids), FollowUp.done_at.is_(None))  # type: ignore[union-attr]
        .group_by(Deal.company_id)
    ):
        customers[cid].open_follow_ups = int(count)  # type: ignore[index]
    for view in customers.values():
        own = scores.get(view.company_id, [])
        view.nps, view.feedback_count = nps(own), len(own)
        if own and own[-1] <= 6:
            view.at_risk.append(f"low feedback: last score {own[-1]}/10")
        # the quiet clock starts at the last activity, or at the win when nothing came after
        touched = max(d for d in (view.last_activity, won_on[view.company_id]) if d is not None)
        if (day - touched).days > quiet_days:
            view.at_risk.append(f"no activity for {(day - touched).days} days")
        if (
            view.renewal_on
            and (view.renewal_on - day).days <= RENEWAL_ALERT_DAYS
            and not view.open_follow_ups
        ):
            view.at_risk.append(f"renewal on {view.renewal_on} and no open follow-up")
    result = list(customers.values())
    return [c for c in result if c.at_risk] if at_risk_only else result


@dataclass(frozen=True)
class RenewalView:
    """A contract coming up for renewal."""

    deal_id: int
    deal: str
    company: str | None
    renewal_on: date
    days_left: int
    recurring_minor: int
    currency: str
    period: str | None
    has_next_step: bool


def renewals(*, within_days: int, session: Session) -> list[RenewalView]:
    """Contracts renewing from today to `within_days` ahead, soonest first."""
    from sqlmodel import select

    if within_days < 1:
        raise InvalidInput("--within must be at least 1 day")
    day = today()
    open_steps = (
        select(FollowUp.id)
        .where(FollowUp.deal_id == Contract.deal_id, FollowUp.done_at.is_(None))
        .exists()  # type: ignore[union-attr]
    )
    rows = session.exec(
        select(Contract, Deal.title, Company.name, open_steps)
        .join(Deal, Deal.id == Contract.deal_id)  # type: ignore[arg-type]
        .join(Company, Company.id == Contract.company_id, isouter=True)  # type: ignore[arg-type]
        .where(Contract.renewal_on >= day, Contract.renewal_on <= day + timedelta(days=within_days))  # type: ignore[operator]
        .order_by(Contract.renewal_on)
    ).all()
    return [
        RenewalView(
            c.deal_id,
            title,
            company,
            c.renewal_on,
            (c.renewal_on - day).days,  # type: ignore[arg-type, operator]
            c.recurring_minor,
            c.currency,
            c.period,
            bool(has_step),
        )
        for c, title, company, has_step in rows
    ]
