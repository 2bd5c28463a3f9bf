"""Writing imported rows: duplicates resolved, ids assigned here, rows inserted in batches.

Rows go in through SQLAlchemy Core `insert()` executemany, a batch at a time (`db/batch.py`), never
as ORM objects one by one (the same fast path as the demo generator). Ids are assigned from
max(id) + 1; on PostgreSQL the tables are locked against other writers for the import's
transaction (readers are not blocked) and the id sequences are moved past our ids at the end.

Duplicates, against what the database held before the import:
- a company with the same normalised name (case, punctuation and a trailing legal form such as
  Inc, Ltd or GmbH do not count), a contact `domain.contacts.People` finds (the same email or,
  without an email, the same name at the same company), a deal with the same external id (or,
  without one, the same title at the same company);
- `skip` keeps the existing record as it is (a duplicate deal row is skipped), `update` writes
  the file's non-empty values over it (deal changes go to the change log), `fail` rejects the row.
Within one file the same company or person on several rows is one record, never a duplicate; the
same deal id twice is.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from salesflow.db.batch import Batch, restore_indexes, set_aside_indexes
from salesflow.db.bulk import StoredForm, sync_sequences
from salesflow.db.stays import stay_columns
from salesflow.domain.companies import company_key, unique_key
from salesflow.domain.contacts import People
from salesflow.domain.deals import DealStatus, StageKind
from salesflow.models import CloseOutcome, Company, Contact, Deal, DealChange, StageMove
from salesflow.services.imports.records import (
    CompanyIn,
    ContactIn,
    Counts,
    DealIn,
    RowIn,
    RowRejected,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection
    from sqlmodel import Session

BATCH = 2000  # deals per executemany round
INDEX_REBUILD_ROWS = 10_000  # an import this large may set indexes aside (SQLite)
ON_DUPLICATE = ("skip", "update", "fail")


TABLES = (Company, Contact, Deal, StageMove, CloseOutcome, DealChange)
FILLS = (Company, Contact, Deal, StageMove, CloseOutcome)  # the tables new rows go into


class ImportWriter:
    """Turns `RowIn`s into rows, resolving duplicates, and inserts them in batches."""

    def __init__(
        self,
        *,
        session: Session,
        on_duplicate: str,
        actor: str,
        now: datetime,
        expected_rows: int = 0,
    ) -> None:
        """`expected_rows`: about how many rows are coming (0: unknown), so that a large import
        into small tables can set their indexes aside (SQLite; see `db.batch.set_aside_indexes`)."""
        from sqlalchemy import func, select

        self.session = session
        self.conn: Connection = session.connection()
        self.on_duplicate, self.actor, self.now = on_duplicate, actor, now
        form = StoredForm.of(self.conn)  # values in the form the driver stores, made here once
        self.stamp: Callable[[datetime], Any] = form.stamp
        self.day: Callable[[date | None], Any] = form.day
        self.false: Any = form.false
        self.true: Any = form.true
        self.now_stored = self.stamp(now)
        if self.conn.dialect.name == "postgresql":
            names = ", ".join(t.__tablename__ for t in TABLES)
            # other writers wait until we commit; readers carry on
            self.conn.exec_driver_sql(f"LOCK TABLE {names} IN SHARE ROW EXCLUSIVE MODE")
        self.next_id = {
            model: (self.conn.execute(select(func.max(_t(model).c.id))).scalar() or 0) + 1
            for model in TABLES
        }
        self.first_id = dict(self.next_id)
        self.companies: dict[str, int] = {}
        co, pe, de = _t(Company), _t(Contact), _t(Deal)
        for cid, name in self.conn.execute(select(co.c.id, co.c.name)):
            self.companies.setdefault(company_key(name), cid)
        self.old_companies = set(self.companies.values())
        self.name_keys = {str(k) for k in self.conn.execute(select(co.c.name_key)).scalars()}
        self.company_keys: dict[str, str] = {}  # name as spelled in the file → company_key
        self.spellings: dict[str, str] = {}  # company key → its first spelling in the file
        self.company_ids: dict[str, int] = {}  # spelling in the file → company id
        self.people = People()
        for pid, name, email, company_id in self.conn.execute(
            select(pe.c.id, pe.c.name, pe.c.email, pe.c.company_id).order_by(pe.c.id)
        ):
            self.people.add(pid, name, email, company_id)
        self.old_contacts = self.people.ids()
        # stage id → position, for the stay columns of new deals' moves (`db.stays`)
        self.positions: dict[int, int] = {}
        self.open_positions: dict[int, int] = {}
        for sid, kind, position in self.conn.exec_driver_sql(
            "SELECT id, kind, position FROM stages"
        ):
            self.positions[sid] = position
            if kind == StageKind.OPEN:
                self.open_positions[sid] = position
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
        self.batch = Batch()
        self.indexes_set_aside: list[str] = []  # CREATE INDEX statements to run at the end
        if expected_rows >= INDEX_REBUILD_ROWS:
            held = {m: self.first_id[m] - 1 for m in FILLS}
            self.indexes_set_aside = set_aside_indexes(self.conn, held, expected_rows)

    def take_id(self, model: Any) -> int:
        value = self.next_id[model]
        self.next_id[model] = value + 1
        return value

    # --- duplicates -----------------------------------------------------------------------

    def _company_key(self, name: str) -> str:
        key = self.company_keys.get(name)
        if key is None:
            key = self.company_keys[name] = company_key(name)
        return key

    def _existing_company(self, company: CompanyIn) -> int | None:
        return self.companies.get(self._company_key(company.name))

    def _existing_contact(self, contact: ContactIn, company_id: int | None) -> int | None:
        return self.people.find(contact.name, contact.email, company_id)

    def _existing_deal(self, deal: DealIn, company_id: int | None) -> int | None:
        if deal.external_id:
            return self.deal_ids.get(deal.external_id)
        if not self.deal_titles:
            return None
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
        name = company.name
        known = self.company_ids.get(name)
        if known is not None:  # this spelling was seen before: all of the below is done
            return known
        self.company_ids[name] = cid = self._company(company)
        return cid

    def _company(self, company: CompanyIn) -> int:
        name = company.name
        key = self._company_key(name)
        first = self.spellings.get(key)
        if first is None:
            self.spellings[key] = name
        elif first != name:
            self.counts.company_variants.setdefault(key, {first}).add(name)
        found = self.companies.get(key)
        if found is not None:
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
        cid = self.next_id[Company]
        self.next_id[Company] = cid + 1
        name_key = unique_key(key, self.name_keys)
        self.batch.companies.append((cid, name, name_key, company.industry, company.employees,
                                     company.country, self.now_stored))  # fmt: skip
        self.companies[key] = cid
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
        pid = self.next_id[Contact]
        self.next_id[Contact] = pid + 1
        self.batch.contacts.append((pid, contact.name, contact.email, contact.phone,
                                    contact.title, company_id, self.now_stored))  # fmt: skip
        self.people.add(pid, contact.name, contact.email, company_id)
        self.counts.contacts_created += 1
        return pid

    def _new_deal(self, deal: DealIn, company_id: int | None, contact_id: int | None) -> None:
        next_id, stamp, batch = self.next_id, self.stamp, self.batch
        did = next_id[Deal]
        next_id[Deal] = did + 1
        created_at = deal.created_at
        created = stamp(created_at)
        moves = deal.moves
        last = moves[-1][2] if moves else created_at
        updated = stamp(last) if last > created_at else created
        batch.deals.append((
            did, deal.title, company_id, contact_id, deal.owner, deal.source, deal.value_minor,
            deal.currency, self.day(deal.close_by), deal.pipeline_id, deal.stage_id, deal.status,
            created, updated, max(1, len(moves)), None, deal.product_id, deal.external_id,
        ))  # fmt: skip
        mid = next_id[StageMove]
        for (from_id, to_id, at, by, note), stay in zip(moves, self._stays(deal), strict=True):
            at_stored = created if at is created_at else stamp(at)
            batch.moves.append((mid, did, from_id, to_id, at_stored, by, note, self.false,
                                self.false, *stay))  # fmt: skip
            mid += 1
        next_id[StageMove] = mid
        self.counts.moves += len(moves)
        if deal.outcome:
            o = deal.outcome
            oid = next_id[CloseOutcome]
            next_id[CloseOutcome] = oid + 1
            batch.outcomes.append((
                oid, did, o.outcome, o.amount_minor, deal.currency, o.reason, o.competitor,
                o.note, o.from_stage_id, self.day(o.closed_on), stamp(o.at), deal.owner, None,
            ))  # fmt: skip
        if deal.external_id:
            self.deal_ids[deal.external_id] = did
        counts = self.counts
        counts.deals_created += 1
        counts.by_status[deal.status] += 1  # open, won and lost are always there
        if len(batch.deals) >= BATCH:
            self.flush()

    def _stays(self, deal: DealIn) -> list[tuple[Any, ...]]:
        """The stay columns of a new deal's moves, as `refresh_stays` would derive them at
        commit (which then has nothing left to do for this deal). A history that is not in time
        order is left to `refresh_stays` (NULL `deal_currency`): the file's order is not the
        history's."""
        moves = deal.moves
        won = self.positions.get(deal.stage_id) if deal.status == DealStatus.WON else None
        if len(moves) == 1:  # most rows of most files: a stay not left, nothing after it
            return [(None, None, won, self.false, deal.currency)]
        ats = [at for _, _, at, _, _ in moves]
        if any(later < earlier for earlier, later in pairwise(ats)):
            return [(None, None, None, None, None)] * len(moves)
        columns = stay_columns([(to_id, at) for _, to_id, at, _, _ in moves], self.open_positions,
                               won_position=won, currency=deal.currency)  # fmt: skip
        stamp, true, false = self.stamp, self.true, self.false
        return [
            (None if left is None else stamp(left), seconds, furthest, true if again else false,
             currency)
            for left, seconds, furthest, again, currency in columns
        ]  # fmt: skip

    def _update_deal(
        self, deal_id: int, deal: DealIn, company_id: int | None, contact_id: int | None
    ) -> None:
        from salesflow.services.imports.updates import update_deal

        update_deal(self, deal_id, deal, company_id, contact_id)

    def _update(self, model: Any, row_id: int, values: dict[str, Any]) -> None:
        from salesflow.services.imports.updates import update_record

        update_record(self, model, row_id, values)

    # --- writing --------------------------------------------------------------------------

    def flush(self) -> None:
        """Insert the batch (`db.batch.Batch.insert`) and start the next."""
        self.batch.insert(self.conn)
        self.batch = Batch()

    @property
    def used_ids(self) -> dict[Any, bool]:
        """Which tables this import gave ids in."""
        return {m: self.next_id[m] != self.first_id[m] for m in TABLES}

    def finish(self, *, sync: bool = True) -> Counts:
        """Flush the last batch and move PostgreSQL's id sequences past our ids. `sync=False`
        when the transaction will be rolled back: `setval` is not transactional."""
        self.flush()
        restore_indexes(self.conn, self.indexes_set_aside)
        self.indexes_set_aside = []
        if sync:
            used = self.used_ids
            sync_sequences(self.conn, {m: n for m, n in self.next_id.items() if used[m]})
        return self.counts


def _t(model: Any) -> Any:
    """A model's Core table."""
    return model.__table__
