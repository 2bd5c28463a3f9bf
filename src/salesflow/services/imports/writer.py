"""Writing imported rows: duplicates resolved, ids assigned here, rows inserted in batches.

Rows go in through SQLAlchemy Core `insert()` executemany, a batch at a time, never as ORM
objects one by one (the same fast path as the demo generator). Ids are assigned from max(id) + 1;
on PostgreSQL the tables are locked against other writers for the import's transaction (readers
are not blocked) and the id sequences are moved past our ids at the end.

Duplicates, against what the database held before the import:
- a company with the same normalised name (case, punctuation and a trailing legal form such as
  Inc, Ltd or GmbH do not count), a contact with the same email (or, without an email, the same
  name at the same company), a deal with the same external id (or, without one, the same title
  at the same company);
- `skip` keeps the existing record as it is (a duplicate deal row is skipped), `update` writes
  the file's non-empty values over it (deal changes go to the change log), `fail` rejects the row.
Within one file the same company or person on several rows is one record, never a duplicate; the
same deal id twice is.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from salesflow.models import CloseOutcome, Company, Contact, Deal, DealChange, StageMove

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection
    from sqlmodel import Session

BATCH = 2000  # deals per executemany round
ON_DUPLICATE = ("skip", "update", "fail")
_LEGAL_FORMS = {
    "inc", "incorporated", "ltd", "limited", "llc", "llp", "lp", "gmbh", "corp", "corporation",
    "co", "company", "plc", "sa", "sas", "sarl", "srl", "spa", "bv", "nv", "ag", "oy", "ab", "as",
    "pty", "pvt", "kk", "kg",
}  # fmt: skip


def company_key(name: str) -> str:
    """A company name for matching: accents, case, punctuation and a trailing legal form dropped."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[0-9a-z]+", text)
    while len(words) > 1 and words[-1] in _LEGAL_FORMS:
        words.pop()
    return " ".join(words) or name.strip().lower()


class RowRejected(Exception):
    """A row that cannot be imported, and why (it goes to the errors file or fails the import)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class CompanyIn:
    """A company as a row describes it."""

    name: str
    industry: str | None = None
    employees: int | None = None
    country: str | None = None


@dataclass
class ContactIn:
    """A person as a row describes them."""

    name: str
    email: str | None = None
    phone: str | None = None
    title: str | None = None


@dataclass
class OutcomeIn:
    """How an imported deal closed."""

    outcome: str  # won | lost
    amount_minor: int
    closed_on: date
    at: datetime
    from_stage_id: int
    reason: str | None = None
    competitor: str | None = None
    note: str | None = None


@dataclass
class DealIn:
    """An imported deal with its stage history (oldest first) and close outcome."""

    title: str
    owner: str
    value_minor: int
    currency: str
    pipeline_id: int
    stage_id: int
    status: str
    created_at: datetime
    moves: list[tuple[int | None, int, datetime, str, str | None]]  # from, to, at, by, note
    source: str | None = None
    close_by: date | None = None
    external_id: str | None = None
    product_id: int | None = None
    outcome: OutcomeIn | None = None


@dataclass
class RowIn:
    """One importable row: a deal, or just a company and/or contact."""

    line: int
    company: CompanyIn | None = None
    contact: ContactIn | None = None
    deal: DealIn | None = None


@dataclass
class Counts:
    """What an import did (or, on a dry run, would do)."""

    deals_created: int = 0
    deals_updated: int = 0
    deals_skipped: int = 0
    companies_created: int = 0
    companies_reused: int = 0
    companies_updated: int = 0
    contacts_created: int = 0
    contacts_reused: int = 0
    contacts_updated: int = 0
    moves: int = 0
    by_status: dict[str, int] = field(default_factory=lambda: {"open": 0, "won": 0, "lost": 0})
    company_variants: dict[str, set[str]] = field(default_factory=dict)  # key → names merged


@dataclass
class _Batch:
    companies: list[dict[str, Any]] = field(default_factory=list)
    contacts: list[dict[str, Any]] = field(default_factory=list)
    deals: list[dict[str, Any]] = field(default_factory=list)
    moves: list[dict[str, Any]] = field(default_factory=list)
    outcomes: list[dict[str, Any]] = field(default_factory=list)


TABLES = (Company, Contact, Deal, StageMove, CloseOutcome, DealChange)


class ImportWriter:
    """Turns `RowIn`s into rows, resolving duplicates, and inserts them in batches."""

    def __init__(self, *, session: Session, on_duplicate: str, actor: str, now: datetime) -> None:
        from sqlalchemy import func, select

        self.session = session
        self.conn: Connection = session.connection()
        self.on_duplicate, self.actor, self.now = on_duplicate, actor, now
        if self.conn.dialect.name == "postgresql":
            names = ", ".join(t.__tablename__ for t in TABLES)
            # other writers wait until we commit; readers carry on
            self.conn.exec_driver_sql(f"LOCK TABLE {names} IN SHARE ROW EXCLUSIVE MODE")
        self.next_id = {
            model: (self.conn.execute(select(func.max(_t(model).c.id))).scalar() or 0) + 1
            for model in TABLES
        }
        self.used_ids = dict.fromkeys(TABLES, False)
        self.companies: dict[str, int] = {}
        co, pe, de = _t(Company), _t(Contact), _t(Deal)
        for cid, name in self.conn.execute(select(co.c.id, co.c.name)):
            self.companies.setdefault(company_key(name), cid)
        self.old_companies = set(self.companies.values())
        self.name_keys = {str(k) for k in self.conn.execute(select(co.c.name_key)).scalars()}
        self.emails: dict[str, int] = {}
        self.people: dict[tuple[int | None, str], int] = {}
        for pid, name, email, company_id in self.conn.execute(
            select(pe.c.id, pe.c.name, pe.c.email, pe.c.company_id)
        ):
            if email:
                self.emails[email.lower()] = pid
            self.people.setdefault((company_id, name.lower()), pid)
        self.old_contacts = set(self.emails.values()) | set(self.people.values())
        self.deal_ids: dict[str, int] = {}
        self.deal_titles: dict[tuple[str, int | None], int] = {}
        for did, title, company_id, external in self.conn.execute(
            select(de.c.id, de.c.title, de.c.company_id, de.c.external_id)
        ):
            if external:
                self.deal_ids.setdefault(external, did)
            self.deal_titles.setdefault((title.lower(), company_id), did)
        self.old_deals = set(self.deal_ids.values()) | set(self.deal_titles.values())
        self.file_deals: dict[str, int] = {}  # external id → line, within this import
        self.updated: set[tuple[str, int]] = set()
        self.counts = Counts()
        self.batch = _Batch()

    def take_id(self, model: Any) -> int:
        value = self.next_id[model]
        self.next_id[model] = value + 1
        self.used_ids[model] = True
        return value

    # --- duplicates -----------------------------------------------------------------------

    def _existing_company(self, company: CompanyIn) -> int | None:
        return self.companies.get(company_key(company.name))

    def _existing_contact(self, contact: ContactIn, company_id: int | None) -> int | None:
        if contact.email and contact.email in self.emails:
            return self.emails[contact.email]
        if contact.email:  # an email we do not know is a new person, whatever the name
            return None
        return self.people.get((company_id, contact.name.lower()))

    def _existing_deal(self, deal: DealIn, company_id: int | None) -> int | None:
        if deal.external_id:
            return self.deal_ids.get(deal.external_id)
        found = self.deal_titles.get((deal.title.lower(), company_id))
        return found if found in self.old_deals else None

    def check(self, row: RowIn) -> None:
        """Refuse the row now, before anything of it is written, if `--on-duplicate fail`
        says so or its deal repeats one earlier in the file."""
        deal = row.deal
        if deal and deal.external_id and deal.external_id in self.file_deals:
            first = self.file_deals[deal.external_id]
            if self.on_duplicate == "fail":
                raise RowRejected(
                    f"deal {deal.external_id!r} appears twice (first on line {first})"
                )
        if self.on_duplicate != "fail":
            return
        company_id = None
        if row.company:
            company_id = self._existing_company(row.company)
            if company_id in self.old_companies:
                raise RowRejected(f"duplicate: company {row.company.name!r} exists (#{company_id})")
        if row.contact:
            pid = self._existing_contact(row.contact, company_id)
            if pid in self.old_contacts:
                who = row.contact.email or row.contact.name
                raise RowRejected(f"duplicate: contact {who!r} exists (#{pid})")
        if deal:
            did = self._existing_deal(deal, company_id)
            if did in self.old_deals:
                raise RowRejected(
                    f"duplicate: deal {deal.external_id or deal.title!r} exists (#{did})"
                )

    # --- rows -----------------------------------------------------------------------------

    def add(self, row: RowIn) -> None:
        """Write one row (into the current batch). Call `check` first."""
        deal = row.deal
        if deal and deal.external_id and deal.external_id in self.file_deals:
            self.counts.deals_skipped += 1  # repeated in the file: the first row stands
            return
        company_id = self.company(row.company) if row.company else None
        contact_id = self.contact(row.contact, company_id) if row.contact else None
        if deal is None:
            return
        if deal.external_id:
            self.file_deals[deal.external_id] = row.line
        existing = self._existing_deal(deal, company_id)
        if existing is not None:
            if self.on_duplicate == "update":
                self._update_deal(existing, deal, company_id, contact_id)
            else:
                self.counts.deals_skipped += 1
            return
        self._new_deal(deal, company_id, contact_id)

    def company(self, company: CompanyIn) -> int:
        key = company_key(company.name)
        found = self.companies.get(key)
        if found is not None:
            self.counts.company_variants.setdefault(key, set()).add(company.name)
            if found in self.old_companies:
                if self.on_duplicate == "update" and ("company", found) not in self.updated:
                    self._update(Company, found, {"industry": company.industry,
                                                  "employees": company.employees,
                                                  "country": company.country})  # fmt: skip
                    self.updated.add(("company", found))
                    self.counts.companies_updated += 1
                elif ("company", found) not in self.updated:
                    self.updated.add(("company", found))
                    self.counts.companies_reused += 1
            return found
        cid = self.take_id(Company)
        name_key = company.name.lower()
        while name_key in self.name_keys:  # only when two keys differ only by normalisation
            name_key += " "
        self.name_keys.add(name_key)
        self.batch.companies.append({
            "id": cid, "name": company.name, "name_key": name_key, "industry": company.industry,
            "employees": company.employees, "country": company.country, "created_at": self.now,
        })  # fmt: skip
        self.companies[key] = cid
        self.counts.company_variants.setdefault(key, set()).add(company.name)
        self.counts.companies_created += 1
        return cid

    def contact(self, contact: ContactIn, company_id: int | None) -> int:
        found = self._existing_contact(contact, company_id)
        if found is not None:
            if found in self.old_contacts and ("contact", found) not in self.updated:
                self.updated.add(("contact", found))
                if self.on_duplicate == "update":
                    self._update(Contact, found, {"name": contact.name, "phone": contact.phone,
                                                  "title": contact.title})  # fmt: skip
                    self.counts.contacts_updated += 1
                else:
                    self.counts.contacts_reused += 1
            return found
        pid = self.take_id(Contact)
        self.batch.contacts.append({
            "id": pid, "name": contact.name, "email": contact.email, "phone": contact.phone,
            "title": contact.title, "company_id": company_id, "created_at": self.now,
        })  # fmt: skip
        if contact.email:
            self.emails[contact.email] = pid
        self.people.setdefault((company_id, contact.name.lower()), pid)
        self.counts.contacts_created += 1
        return pid

    def _new_deal(self, deal: DealIn, company_id: int | None, contact_id: int | None) -> None:
        did = self.take_id(Deal)
        last = deal.moves[-1][2] if deal.moves else deal.created_at
        self.batch.deals.append({
            "id": did, "title": deal.title, "company_id": company_id, "contact_id": contact_id,
            "owner": deal.owner, "source": deal.source, "value_minor": deal.value_minor,
            "currency": deal.currency, "close_by": deal.close_by, "pipeline_id": deal.pipeline_id,
            "stage_id": deal.stage_id, "status": deal.status, "created_at": deal.created_at,
            "updated_at": max(last, deal.created_at), "version": max(1, len(deal.moves)),
            "upsell_of_id": None, "product_id": deal.product_id, "external_id": deal.external_id,
        })  # fmt: skip
        for from_id, to_id, at, by, note in deal.moves:
            self.batch.moves.append({
                "id": self.take_id(StageMove), "deal_id": did, "from_stage_id": from_id,
                "to_stage_id": to_id, "at": at, "by": by, "note": note, "forced": False,
                "regression": False,
            })  # fmt: skip
        self.counts.moves += len(deal.moves)
        if deal.outcome:
            o = deal.outcome
            self.batch.outcomes.append({
                "id": self.take_id(CloseOutcome), "deal_id": did, "outcome": o.outcome,
                "amount_minor": o.amount_minor, "currency": deal.currency, "reason": o.reason,
                "competitor": o.competitor, "note": o.note, "from_stage_id": o.from_stage_id,
                "closed_on": o.closed_on, "at": o.at, "by": deal.owner, "reopened_at": None,
            })  # fmt: skip
        if deal.external_id:
            self.deal_ids[deal.external_id] = did
        self.counts.deals_created += 1
        self.counts.by_status[deal.status] = self.counts.by_status.get(deal.status, 0) + 1
        if len(self.batch.deals) >= BATCH:
            self.flush()

    def _update_deal(
        self, deal_id: int, deal: DealIn, company_id: int | None, contact_id: int | None
    ) -> None:
        """`--on-duplicate update`: the file's fields over the deal's, each change logged."""
        from sqlalchemy import select, update

        from salesflow.parsing.money import money_text

        self.flush()  # the deal may sit in the current batch
        table = _t(Deal)
        row = self.conn.execute(select(table).where(table.c.id == deal_id)).one()
        wanted: dict[str, Any] = {"title": deal.title, "owner": deal.owner, "source": deal.source,
                                  "close_by": deal.close_by}  # fmt: skip
        changes: list[tuple[str, Any, Any]] = []
        values: dict[str, Any] = {}
        for name, value in wanted.items():
            old = getattr(row, name)
            if value is not None and value != old:
                changes.append((name, old, value))
                values[name] = value
        if (deal.value_minor, deal.currency) != (row.value_minor, row.currency):
            changes.append(("value", money_text(row.value_minor, row.currency),
                            money_text(deal.value_minor, deal.currency)))  # fmt: skip
            if deal.currency != row.currency:
                changes.append(("currency", row.currency, deal.currency))
            values |= {"value_minor": deal.value_minor, "currency": deal.currency}
        if company_id and not row.company_id:
            values["company_id"] = company_id
        if contact_id and not row.contact_id:
            values["contact_id"] = contact_id
        if not values:
            self.counts.deals_skipped += 1
            return
        values |= {"updated_at": self.now, "version": row.version + 1}
        self.conn.execute(update(table).where(table.c.id == deal_id).values(**values))
        rows = [
            {"id": self.take_id(DealChange), "deal_id": deal_id, "field": name,
             "old": _text(old), "new": _text(new), "at": self.now, "by": self.actor}
            for name, old, new in changes
        ]  # fmt: skip
        _insert(self.conn, DealChange, rows)
        self.counts.deals_updated += 1

    def _update(self, model: Any, row_id: int, values: dict[str, Any]) -> None:
        from sqlalchemy import update

        given = {k: v for k, v in values.items() if v is not None}
        if given:
            self.flush()
            self.conn.execute(update(model).where(model.id == row_id).values(**given))

    # --- writing --------------------------------------------------------------------------

    def flush(self) -> None:
        """Insert the batch, parents first (foreign keys are on)."""
        batch = self.batch
        for model, rows in (
            (Company, batch.companies),
            (Contact, batch.contacts),
            (Deal, batch.deals),
            (StageMove, batch.moves),
            (CloseOutcome, batch.outcomes),
        ):
            _insert(self.conn, model, rows)
        self.batch = _Batch()

    def finish(self, *, sync: bool = True) -> Counts:
        """Flush the last batch and move PostgreSQL's id sequences past our ids. `sync=False`
        when the transaction will be rolled back: `setval` is not transactional."""
        self.flush()
        if sync:
            sync_sequences(self.conn, {m: n for m, n in self.next_id.items() if self.used_ids[m]})
        return self.counts


def sync_sequences(conn: Connection, next_ids: dict[Any, int]) -> None:
    """PostgreSQL: move each id sequence past the ids we assigned, so the next insert works."""
    from sqlalchemy import func, select

    if conn.dialect.name != "postgresql":
        return  # SQLite hands out max(id) + 1 by itself
    for model, next_id in next_ids.items():
        if next_id > 1:
            sequence = func.pg_get_serial_sequence(model.__tablename__, "id")
            conn.execute(select(func.setval(sequence, next_id - 1)))


def _t(model: Any) -> Any:
    """A model's Core table."""
    return model.__table__


def _insert(conn: Connection, model: Any, rows: list[dict[str, Any]]) -> None:
    """One executemany for a table's rows (all with the same keys)."""
    from sqlalchemy import insert

    if not rows:
        return
    table = model.__table__
    if conn.dialect.name != "sqlite":
        conn.execute(insert(table), rows)
        return
    # SQLite: the driver's own executemany over tuples, values converted as SQLAlchemy stores
    # them (its per-row parameter processing costs as much as SQLite's inserts)
    names = tuple(rows[0])
    sql, converters = _sqlite_insert(conn, table, names)
    pick = itemgetter(*names)
    if not converters:
        data: list[Any] = [pick(row) for row in rows]
    else:
        data = []
        for row in rows:
            values = list(pick(row))
            for index, convert in converters:
                values[index] = convert(values[index])
            data.append(tuple(values))
    conn.exec_driver_sql(sql, data)


_SQLITE_INSERTS: dict[tuple[str, tuple[str, ...]], tuple[str, list[tuple[int, Any]]]] = {}


def _sqlite_insert(
    conn: Connection, table: Any, names: tuple[str, ...]
) -> tuple[str, list[tuple[int, Any]]]:
    key = (table.name, names)
    if key not in _SQLITE_INSERTS:
        from sqlalchemy import Boolean, Date, DateTime

        converters: list[tuple[int, Any]] = []  # (position, converter) of the typed columns
        for index, name in enumerate(names):
            kind = table.c[name].type
            if isinstance(kind, DateTime):
                converters.append((index, _sqlite_datetime))
            elif isinstance(kind, Date):
                converters.append((index, _sqlite_date))
            elif isinstance(kind, Boolean):
                converters.append((index, _sqlite_bool))
        columns = ", ".join(f'"{n}"' for n in names)
        marks = ", ".join("?" for _ in names)
        sql = f'INSERT INTO "{table.name}" ({columns}) VALUES ({marks})'  # noqa: S608 (names from our models)
        _SQLITE_INSERTS[key] = (sql, converters)
    return _SQLITE_INSERTS[key]


def _sqlite_datetime(value: datetime | None) -> str | None:
    """SQLAlchemy's SQLite storage form: `2026-11-10 09:00:00.000000`."""
    return None if value is None else value.isoformat(" ", "microseconds")


def _sqlite_date(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _sqlite_bool(value: bool | None) -> int | None:
    return None if value is None else int(value)


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
