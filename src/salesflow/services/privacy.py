"""A person's data: hand it over (`contact export`) or erase it (`contact forget`).

Forgetting deletes the contact row and unlinks their deals, which keep their anonymous figures
(value, stage, history, outcome). Their name and email are also scrubbed from the free text of
those deals (titles, notes, activity summaries, change-log values, follow-ups, contract hand-off
notes, feedback) and drafted
emails to them are removed from the outbox. The files salesflow wrote earlier (exports, backups,
errors files: the `written_files` table) are out of its reach: the result names those that still
exist, since they may still hold the person. Each deal's change log records that a contact was
forgotten, by whom and when, without saying who.

On SQLite the erase runs with `PRAGMA secure_delete` (freed space is overwritten with zeros),
then a `wal_checkpoint(TRUNCATE)` moves it into the database file and empties the WAL; the file
and the WAL are then searched for the email, and if an old copy survives somewhere (free pages
from before), the database is vacuumed. On PostgreSQL old row versions stay in the table files
until the server vacuums them: the result says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from salesflow.clock import now_utc
from salesflow.errors import AmbiguousReference, InvalidInput, NotFound
from salesflow.models import (
    Activity,
    CloseOutcome,
    Company,
    Contact,
    Contract,
    Deal,
    DealChange,
    Feedback,
    FollowUp,
    StageMove,
)
from salesflow.services.deals.lookups import MAX_ID

if TYPE_CHECKING:
    from sqlmodel import Session

    from salesflow.db.engine import Database

ERASED = "(forgotten)"


def resolve_contact(ref: str, *, session: Session) -> Contact:
    """A contact from `12`, `#12`, an email address, or a piece of the name matching one person."""
    from sqlmodel import func, select

    text = ref.strip()
    if not text:
        raise InvalidInput("empty contact reference", hint="give an id, an email or a name")
    number = text[1:] if text.startswith("#") else text
    if number.isascii() and number.isdigit():
        found = session.get(Contact, int(number)) if int(number) <= MAX_ID else None
        if found is None:
            raise NotFound(f"no contact #{number}")
        return found
    if "@" in text:
        found = session.exec(
            select(Contact).where(func.lower(Contact.email) == text.lower())
        ).first()
        if found is None:
            raise NotFound(f"no contact with email {text!r}")
        return found
    pattern = "%" + text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    rows = list(
        session.exec(
            select(Contact)
            .where(func.lower(Contact.name).like(pattern, escape="\\"))
            .order_by(Contact.id)  # type: ignore[arg-type]
            .limit(11)
        )
    )
    exact = [c for c in rows if c.name.lower() == text.lower()]
    rows = exact if len(exact) == 1 else rows
    if not rows:
        raise NotFound(f"no contact matches {text!r}")
    if len(rows) > 1:
        listing = "; ".join(f"#{c.id} {c.name} <{c.email or 'no email'}>" for c in rows[:10])
        raise AmbiguousReference(f"{text!r} matches {len(rows)} contacts: {listing}",
                                 hint="use the contact's id or email")  # fmt: skip
    return rows[0]


def contact_data(ref: str, *, session: Session) -> dict[str, Any]:
    """Everything salesflow holds about a person, as JSON-ready data."""
    from sqlmodel import select

    from salesflow.services.exports import day, when

    contact = resolve_contact(ref, session=session)
    company = session.get(Company, contact.company_id) if contact.company_id else None
    deals = list(session.exec(select(Deal).where(Deal.contact_id == contact.id).order_by(Deal.id)))  # type: ignore[arg-type]
    ids = [d.id for d in deals]
    from salesflow.services.deals.pipelines import stages_of

    stage_keys: dict[int | None, str] = {}
    for pipeline_id in {d.pipeline_id for d in deals}:
        stage_keys |= {s.id: s.key for s in stages_of(pipeline_id, session=session)}
    activities = _by_deal(session, Activity, ids)
    tasks = _by_deal(session, FollowUp, ids)
    from salesflow.parsing.money import money_text

    return {
        "contact": {
            "id": contact.id, "name": contact.name, "email": contact.email,
            "phone": contact.phone, "title": contact.title,
            "company": company.name if company else None,
            "created_at": when(contact.created_at),
        },
        "deals": [
            {
                "id": d.id, "title": d.title, "stage": stage_keys.get(d.stage_id),
                "status": d.status, "value": money_text(d.value_minor, d.currency),
                "currency": d.currency, "owner": d.owner, "created_at": when(d.created_at),
                "activities": [
                    {"type": a.type, "summary": a.summary, "outcome": a.outcome,
                     "at": when(a.at), "by": a.by}
                    for a in activities.get(d.id, [])  # type: ignore[arg-type]
                ],
                "tasks": [
                    {"text": t.text, "due": day(t.due), "done_at": when(t.done_at),
                     "owner": t.owner}
                    for t in tasks.get(d.id, [])  # type: ignore[arg-type]
                ],
            }
            for d in deals
        ],
        "exported_at": when(now_utc()),
    }  # fmt: skip


def _by_deal(session: Session, model: Any, ids: list[int | None]) -> dict[int, list[Any]]:
    from sqlmodel import select

    result: dict[int, list[Any]] = {}
    if not ids:
        return result
    query = select(model).where(model.deal_id.in_(ids)).order_by(model.id)
    for row in session.exec(query):
        result.setdefault(row.deal_id, []).append(row)
    return result


@dataclass
class Forgotten:
    """What `contact forget` erased."""

    contact_id: int
    deals: list[int]
    texts_scrubbed: int
    email: str | None = field(repr=False, default=None)  # kept in memory only, to verify
    name: str = field(repr=False, default="")
    outbox_files: int = 0
    verified: bool | None = None  # None: not checked (PostgreSQL)
    vacuumed: bool = False
    note: str | None = None
    written_files: list[str] = field(default_factory=list)  # earlier exports that may hold them


def forget_contact(ref: str, *, actor: str, session: Session) -> Forgotten:
    """Erase a person: the contact row goes, their deals stay anonymous (see module doc)."""
    from sqlmodel import select

    conn = session.connection()
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("PRAGMA secure_delete = ON")
    contact = resolve_contact(ref, session=session)
    assert contact.id is not None
    email, name = contact.email, contact.name
    deals = list(session.exec(select(Deal).where(Deal.contact_id == contact.id).order_by(Deal.id)))  # type: ignore[arg-type]
    ids = [d.id for d in deals]
    # whole words only: forgetting "Ann" must not turn "Annual plan" into "(forgotten)ual plan"
    patterns = [rf"(?<!\w){re.escape(x)}(?!\w)" for x in (email, name) if x and len(x) >= 3]
    scrub = re.compile("|".join(patterns), re.IGNORECASE) if patterns else None
    now = now_utc()
    scrubbed = 0

    def clean(text: str | None) -> str | None:
        nonlocal scrubbed
        if text is None or scrub is None:
            return text
        new, n = scrub.subn(ERASED, text)
        scrubbed += n
        return new

    texts: list[tuple[Any, tuple[str, ...]]] = [
        (Activity, ("summary", "outcome")),
        (StageMove, ("note",)),
        (CloseOutcome, ("note",)),
        (DealChange, ("old", "new")),
        (FollowUp, ("text",)),
        (Contract, ("handoff_note",)),
        (Feedback, ("note",)),
    ]
    for deal in deals:
        deal.contact_id = None
        deal.title = clean(deal.title) or ERASED
        deal.updated_at = now
        deal.version += 1
        session.add(deal)
    if ids and scrub is not None:
        for model, columns in texts:
            for row in session.exec(select(model).where(model.deal_id.in_(ids))):
                for column in columns:
                    setattr(row, column, clean(getattr(row, column)))
                session.add(row)
    session.flush()
    for deal in deals:
        session.add(DealChange(deal_id=deal.id, field="contact", old=ERASED, new=None,  # type: ignore[arg-type]
                               at=now, by=actor))  # fmt: skip
    session.delete(contact)
    session.flush()
    return Forgotten(contact_id=contact.id, deals=ids, texts_scrubbed=scrubbed,  # type: ignore[arg-type]
                     email=email, name=name,
                     written_files=earlier_files(session=session))  # fmt: skip


def earlier_files(*, session: Session) -> list[str]:
    """The files salesflow recorded writing (exports, backups, errors files) that still exist:
    any of them may hold the person, and forgetting cannot reach them. Oldest first, each once."""
    from sqlmodel import select

    from salesflow.models import WrittenFile

    seen: dict[str, None] = {}
    for path in session.exec(select(WrittenFile.path).order_by(WrittenFile.at, WrittenFile.id)):  # type: ignore[arg-type]
        if path not in seen and Path(path).exists():
            seen[path] = None
    return list(seen)


def remove_outbox_drafts(forgotten: Forgotten, folder: Path) -> int:
    """Delete drafted emails in `folder`, the outbox of the database they were forgotten in
    (`config.outbox_dir`), that were addressed to the forgotten person."""
    if not forgotten.email or not folder.is_dir():
        return 0
    needle = forgotten.email.lower().encode()
    removed = 0
    for path in folder.glob("*.eml"):
        try:
            if needle in path.read_bytes().lower():
                path.unlink()
                removed += 1
        except OSError:
            continue
    return removed


def purge_file(db: Database, forgotten: Forgotten) -> None:
    """SQLite: checkpoint the WAL into the file (and empty it), then make sure no copy of the
    email is left in the file or the WAL; vacuum when one is."""
    if not db.is_sqlite or db.path is None:
        forgotten.note = (
            "PostgreSQL keeps old row versions until it vacuums the table: "
            "run VACUUM FULL contacts to purge them now"
        )
        return
    if not _checkpoint(db):
        forgotten.verified = False
        forgotten.note = (
            "another salesflow was reading the database, so its WAL could not be emptied yet: "
            "SQLite empties it when the last one closes the database"
        )
        return
    if not forgotten.email:
        forgotten.verified = True
        return
    if _holds(db.path, forgotten.email):
        raw = db.engine.raw_connection()
        try:
            raw.execute("PRAGMA secure_delete = ON")
            raw.execute("VACUUM")
        finally:
            raw.close()
        forgotten.vacuumed = True
        _checkpoint(db)
    forgotten.verified = not _holds(db.path, forgotten.email)


def _checkpoint(db: Database) -> bool:
    """Copy the WAL into the database file and truncate it; False when a reader held it up
    past the busy timeout (the WAL is then emptied by a later checkpoint)."""
    raw = db.engine.raw_connection()
    try:
        busy = raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        raw.close()
    return not (busy and busy[0])


def _holds(path: str, email: str) -> bool:
    needle = email.encode()
    for name in (path, path + "-wal"):
        try:
            data = Path(name).read_bytes()
        except FileNotFoundError:
            continue
        if needle in data or needle.lower() in data.lower():
            return True
    return False
