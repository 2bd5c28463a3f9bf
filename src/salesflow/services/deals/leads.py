"""Leads and deals: adding a lead, finding a deal by reference, edits. (The card is
`deal_card`, `lead list` is `deal_lists`: both read through the light `Reader`.)"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from salesflow.clock import now_utc
from salesflow.domain.contacts import People, email_key
from salesflow.domain.deals import DealStatus
from salesflow.errors import ConcurrentEdit, InvalidInput
from salesflow.models import (
    Company,
    Contact,
    Deal,
    DealChange,
    StageMove,
)
from salesflow.models.schemas import DealEdit, LeadCreate
from salesflow.parsing.money import from_minor, money_text, to_minor
from salesflow.services.deals import lookups
from salesflow.services.deals.audit import change_text
from salesflow.services.deals.pipelines import get_pipeline, stages_of

if TYPE_CHECKING:
    from sqlmodel import Session


def resolve_deal(ref: str, *, session: Session, for_update: bool = False) -> Deal:
    """A deal from `42`, `#42`, or a piece of its title or company name (open deals first);
    the rule is `lookups.deal_id`, shared with the light read path."""
    from sqlmodel import select

    from salesflow.db.reader import reader_for

    found = lookups.deal_id(ref, reader=reader_for(session))
    query = select(Deal).where(Deal.id == found)
    if for_update:
        query = query.with_for_update()
    return session.exec(query).one()


@dataclass(frozen=True)
class OpenDeal:
    """An open deal that a new lead repeats: same title, same company."""

    id: int
    title: str
    company: str | None


@dataclass(frozen=True)
class NewLead:
    """What `add_lead` made, and the open deal it repeats, if any (added anyway: a second
    deal of the same name can be meant, but is more often a slip worth a warning)."""

    id: int
    repeats: OpenDeal | None = None


@dataclass(frozen=True)
class Edited:
    """A deal edited: its id and its title now, for the command's confirmation line."""

    id: int
    title: str


def typed_lead(
    *,
    name: str,
    owner: str,
    value: str | None = None,
    currency: str | None = None,
    close_by: str | None = None,
    created: str | None = None,
    **facts: Any,
) -> LeadCreate:
    """A lead as typed (`lead add`'s options, the board's new-lead form): money, currency and
    dates parsed the contract's way, then validated; `facts` are the other fields as given."""
    from salesflow.parsing.typed import currency_option, parse_day, parse_money_option, validated

    code = currency_option(currency)
    amount = parse_money_option(value)
    return validated(  # type: ignore[no-any-return]
        LeadCreate, title=name, value_minor=to_minor(amount, code) if amount is not None else 0,
        currency=code, owner=owner, close_by=parse_day(close_by), created_on=parse_day(created),
        **facts,
    )  # fmt: skip


def add_lead(
    lead: LeadCreate,
    *,
    pipeline: str | None,
    actor: str,
    session: Session,
    upsell_of: str | None = None,
) -> NewLead:
    """Create (or reuse) the company and contact, and a deal in the pipeline's first stage.

    With `upsell_of`, the deal is an expansion of that won deal, at the same customer. Company
    facts (industry, employees, country) without a company name describe the lead itself: a
    lead named "Initech" with `--industry software` is the company Initech.
    """
    from salesflow.services.followups.playbooks import run_on_enter

    base = None
    if upsell_of is not None:
        from salesflow.services.customers import upsell_base

        base = upsell_base(upsell_of, session=session)
        customer = session.get(Company, base.company_id)
        assert customer is not None
        if lead.company and lead.company.casefold() != customer.name.casefold():
            raise InvalidInput(
                f"deal #{base.id} is with {customer.name}, not {lead.company}",
                hint="an upsell is at the same customer: leave out --company",
            )
        lead = lead.model_copy(update={"company": customer.name})

    facts = (lead.industry, lead.employees, lead.country)
    if not lead.company and any(fact is not None for fact in facts):
        lead = lead.model_copy(update={"company": lead.title})

    chosen = get_pipeline(pipeline, session=session)
    assert chosen.id is not None
    first = stages_of(chosen.id, session=session)[0]
    now = now_utc()
    started = _started_at(lead.created_on, now)
    company = _company(lead, now, session=session)
    repeats = _open_deal_like(lead.title, company, session=session)
    contact = _contact(lead, company, now, session=session)
    deal = Deal(
        title=lead.title,
        company_id=company.id if company else None,
        contact_id=contact.id if contact else None,
        owner=lead.owner,
        source=lead.source,
        value_minor=lead.value_minor,
        currency=lead.currency,
        close_by=lead.close_by,
        pipeline_id=chosen.id,
        stage_id=first.id,  # type: ignore[arg-type]
        status=DealStatus.OPEN,
        created_at=started,
        updated_at=now,
        upsell_of_id=base.id if base else None,
    )
    session.add(deal)
    session.flush()
    assert deal.id is not None
    session.add(StageMove(deal_id=deal.id, to_stage_id=first.id, at=started, by=actor))  # type: ignore[arg-type]
    run_on_enter(deal, first, actor=actor, session=session)
    return NewLead(deal.id, repeats)


def _open_deal_like(title: str, company: Company | None, *, session: Session) -> OpenDeal | None:
    """The first open deal with this title (any case) at the same company (found by
    `_company`'s identity rule), or with no company when the lead has none."""
    from sqlmodel import func, select

    query = select(Deal).where(
        Deal.status == DealStatus.OPEN, func.lower(Deal.title) == title.lower()
    )
    if company is not None:
        query = query.where(Deal.company_id == company.id)
    else:
        query = query.where(Deal.company_id.is_(None))  # type: ignore[union-attr]
    found = session.exec(query.order_by(Deal.id).limit(1)).first()  # type: ignore[arg-type]
    if found is None or found.id is None:
        return None
    return OpenDeal(found.id, found.title, company.name if company else None)


def _started_at(day: date | None, now: datetime) -> datetime:
    """When a new deal started: now, or the start of an earlier local day (as an import reads a
    bare `created` date); a day after today is refused."""
    from salesflow.clock import start_of_day_utc, today

    if day is None or day == today():
        return now
    if day > today():
        raise InvalidInput(f"created {day} is in the future", hint="a deal starts today or earlier")
    return start_of_day_utc(day)


def _company(lead: LeadCreate, now: datetime, *, session: Session) -> Company | None:
    from sqlmodel import select

    if not lead.company:
        return None
    from salesflow.domain.companies import company_key

    key = company_key(lead.company)
    company = session.exec(select(Company).where(Company.name_key == key)).first()
    if company is None:
        company = Company(
            name=lead.company,
            name_key=key,
            industry=lead.industry,
            employees=lead.employees,
            country=lead.country,
            created_at=now,
        )
    else:  # fill in what we did not know; never overwrite silently
        company.industry = company.industry or lead.industry
        company.employees = company.employees if company.employees is not None else lead.employees
        company.country = company.country or lead.country
    session.add(company)
    session.flush()
    return company


def _contact(
    lead: LeadCreate, company: Company | None, now: datetime, *, session: Session
) -> Contact | None:
    from sqlmodel import col, select

    if not lead.contact and not lead.email:
        return None
    company_id = company.id if company else None
    # the candidates `People.find` can match: the address's owner, or the company's people
    if lead.email:
        query = select(Contact).where(Contact.email == email_key(lead.email))
    else:
        query = select(Contact).where(Contact.company_id == company_id)
    candidates = {c.id: c for c in session.exec(query.order_by(col(Contact.id))).all()}
    people = People()
    for known in candidates.values():
        assert known.id is not None
        people.add(known.id, known.name, known.email, known.company_id)
    found = people.find(lead.contact or "", lead.email, company_id)
    contact = candidates[found] if found is not None else None
    if contact is None:
        contact = Contact(
            name=lead.contact or (lead.email or "").split("@")[0],
            email=lead.email,
            phone=lead.phone,
            title=lead.job_title,
            company_id=company.id if company else None,
            created_at=now,
        )
    else:
        contact.email = contact.email or lead.email
        contact.phone = contact.phone or lead.phone
        contact.title = contact.title or lead.job_title
    session.add(contact)
    session.flush()
    return contact


def edit_deal(
    ref: str,
    changes: DealEdit,
    *,
    actor: str,
    session: Session,
    if_version: int | None = None,
) -> Edited:
    """Apply field changes to a deal, recording each one in the change log.

    The deal row is locked first, so concurrent edits apply one after the other and each logs
    the value it really replaced. With `if_version` (the version the caller last saw), an edit of
    a deal someone has changed since is refused instead of overwriting their change.
    """
    deal = resolve_deal(ref, session=session, for_update=True)
    assert deal.id is not None
    if if_version is not None and deal.version != if_version:
        raise ConcurrentEdit(
            f"deal #{deal.id} changed since version {if_version} (it is at version "
            f"{deal.version}); nothing was edited",
            hint=f"`salesflow history {deal.id}` shows what changed; edit again with "
            f"--if-version {deal.version}",
        )
    now = now_utc()
    updates: list[tuple[str, str | None, str | None]] = []
    currency = changes.currency or deal.currency
    if changes.value is not None:
        value_minor = to_minor(changes.value, currency)
    else:  # a currency change keeps the amount in major units
        value_minor = to_minor(from_minor(deal.value_minor, deal.currency), currency)
    if currency != deal.currency:
        updates.append(("currency", deal.currency, currency))
    if value_minor != deal.value_minor or currency != deal.currency:
        old_value = money_text(deal.value_minor, deal.currency)
        new_value = money_text(value_minor, currency)
        if old_value != new_value:
            updates.append(("value", old_value, new_value))
    old_currency = deal.currency
    deal.currency, deal.value_minor = currency, value_minor
    simple: list[tuple[str, Any]] = [
        ("title", changes.title),
        ("owner", changes.owner),
        ("source", changes.source),
        ("close_by", changes.close_by),
    ]
    for name, value in simple:
        if value is not None and value != getattr(deal, name):
            old = getattr(deal, name)
            updates.append((name, change_text(old), change_text(value)))
            setattr(deal, name, value)
    if not updates:
        raise InvalidInput("nothing to change", hint="give at least one field, e.g. --value 15k")
    deal.updated_at = now
    deal.version += 1
    session.add(deal)
    for name, old, new in updates:
        session.add(DealChange(deal_id=deal.id, field=name, old=old, new=new, at=now, by=actor))
    if currency != old_currency:  # the funnel reads the currency off each stay: derive again
        from salesflow.db.stays import mark_deal

        mark_deal(session.connection(), deal.id)
    return Edited(deal.id, deal.title)
