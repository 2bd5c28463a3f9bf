"""The `salesflow` preset: our own `export json` back in.

Every item is validated (pydantic models of the export format, below) before it is written, and
references are checked: a deal's pipeline and stages, its company, contact and product, a task's
deal. Ids are kept as `id + offset`, the offset being the table's highest id before the import:
into an empty database that is the id itself, which is what makes export → import → export
identical. Into a database that has data, companies (by normalised name), contacts (by email,
or name at the same company), products (by SKU) and deals (by external id, or title at the same
company) that exist already are duplicates, handled per `--on-duplicate`.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from salesflow.domain.companies import company_key, unique_key
from salesflow.domain.deals import state_problem
from salesflow.errors import InvalidInput
from salesflow.models import (
    Activity,
    BundleItem,
    CloseOutcome,
    Company,
    Contact,
    Deal,
    DealChange,
    FollowUp,
    Pipeline,
    Product,
    StageMove,
)
from salesflow.models.schemas import (
    ActivityType,
    Currency,
    Email,
    FreeText,
    Repeat,
    RepName,
    Text,
)
from salesflow.services.imports.writer import _insert, sync_sequences

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from salesflow.services.imports import ImportJob


class _Item(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    @staticmethod
    def naive(moment: datetime | None) -> datetime | None:
        if moment is None or moment.tzinfo is None:
            return moment
        return moment.astimezone(UTC).replace(tzinfo=None)


class PipelineItem(_Item):
    name: str
    default: bool = False
    toml: str


class BundleLine(_Item):
    sku: str
    qty: int = Field(ge=1)


class ProductItem(_Item):
    id: int
    sku: str = Field(min_length=1, max_length=64)
    name: Text
    price: Decimal = Field(ge=0)
    currency: Currency
    unit: str = "each"
    recurring: str | None = None
    active: bool = True
    created_at: datetime
    bundle: list[BundleLine] = Field(default_factory=list)


class CompanyItem(_Item):
    id: int
    name: Text
    industry: Text | None = None
    employees: int | None = Field(default=None, ge=0)
    country: Text | None = None
    created_at: datetime


class ContactItem(_Item):
    id: int
    name: Text
    email: Email | None = None
    phone: Text | None = None
    title: Text | None = None
    company_id: int | None = None
    created_at: datetime


class MoveItem(_Item):
    from_stage: str | None = Field(default=None, alias="from")
    to: str
    at: datetime
    by: RepName
    note: FreeText | None = None
    forced: bool = False
    regression: bool = False


class OutcomeItem(_Item):
    outcome: Literal["won", "lost"]
    amount: Decimal = Field(ge=0)
    currency: Currency
    reason: Text | None = None
    competitor: Text | None = None
    note: FreeText | None = None
    from_stage: str | None = Field(default=None, alias="from")
    closed_on: date
    at: datetime
    by: RepName
    reopened_at: datetime | None = None


class ChangeItem(_Item):
    field: str
    old: FreeText | None = None
    new: FreeText | None = None
    at: datetime
    by: RepName


class ActivityItem(_Item):
    id: int
    type: ActivityType
    summary: FreeText
    outcome: FreeText | None = None
    at: datetime
    by: RepName
    created_at: datetime


class DealItem(_Item):
    id: int
    title: Text
    pipeline: str
    stage: str
    status: Literal["open", "won", "lost"]
    value: Decimal = Field(ge=0)
    currency: Currency
    owner: RepName
    source: Text | None = None
    close_by: date | None = None
    company_id: int | None = None
    company: Text | None = None
    contact_id: int | None = None
    contact: Text | None = None
    email: Email | None = None
    product: str | None = None
    upsell_of_id: int | None = None
    external_id: str | None = None
    created_at: datetime
    updated_at: datetime
    version: int = Field(default=1, ge=1)
    history: list[MoveItem] = Field(default_factory=list)
    outcomes: list[OutcomeItem] = Field(default_factory=list)
    changes: list[ChangeItem] = Field(default_factory=list)
    activities: list[ActivityItem] = Field(default_factory=list)


class TaskItem(_Item):
    id: int
    deal_id: int
    text: Text
    due: date
    owner: RepName
    repeat: Repeat | None = None
    done_at: datetime | None = None
    closed_as: Literal["done", "superseded", "cancelled"] | None = None
    created_at: datetime
    created_by: RepName


SECTION_MODELS: dict[str, type[_Item]] = {
    "pipelines": PipelineItem,
    "products": ProductItem,
    "companies": CompanyItem,
    "contacts": ContactItem,
    "deals": DealItem,
    "tasks": TaskItem,
}


def _n(moment: datetime | None) -> datetime | None:
    return _Item.naive(moment)


def _load(path: Path, encoding: str | None) -> dict[str, Any]:
    try:
        with path.open(encoding=encoding or "utf-8-sig") as handle:
            data = json.load(handle)
    except UnicodeDecodeError:
        raise InvalidInput(
            f"{path} is not UTF-8", hint="give its encoding with --encoding"
        ) from None
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"{path} is not valid JSON: line {exc.lineno} column {exc.colno}: "
                           f"{exc.msg}") from None  # fmt: skip
    except RecursionError:  # the decoder's own guard against a stack overflow
        raise InvalidInput(f"{path} is nested too deeply to be a salesflow export",
                           hint="`salesflow export json` writes one") from None  # fmt: skip
    except ValueError:  # int(): a number of more digits than Python converts (4,300)
        raise InvalidInput(
            f"{path} holds a number of more than {sys.get_int_max_str_digits():,} digits; "
            "no salesflow id or amount is that long"
        ) from None
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror or exc}") from None
    if not isinstance(data, dict) or "salesflow_export" not in data:
        raise InvalidInput(f"{path} is not a salesflow export (no \"salesflow_export\" key)",
                           hint="`salesflow export json` writes one")  # fmt: skip
    version = data["salesflow_export"]
    if type(version) is not int or version != 1:  # `true == 1`: a bool is no format number
        raise InvalidInput(
            f"{path} is salesflow export format {data['salesflow_export']!r}; this salesflow "
            "reads format 1",
            hint="upgrade salesflow",
        )
    for name in SECTION_MODELS:
        if name in data and not isinstance(data[name], list):
            raise InvalidInput(f"{path}: {name!r} must be a list")
    return data


class _Native:
    """One native import: the id maps built as sections go in."""

    def __init__(self, job: ImportJob, path: Path) -> None:
        from sqlalchemy import func, select

        self.job, self.path = job, path
        self.session = job.session
        self.conn: Connection = job.session.connection()
        self.on_duplicate = job.report.on_duplicate
        if self.conn.dialect.name == "postgresql":
            names = ", ".join(t.__tablename__ for t in _TABLES)
            self.conn.exec_driver_sql(f"LOCK TABLE {names} IN SHARE ROW EXCLUSIVE MODE")
        self.offset = {
            m: self.conn.execute(select(func.max(_table(m).c.id))).scalar() or 0 for m in _TABLES
        }
        self.next_id = {m: n + 1 for m, n in self.offset.items()}
        self.had_deals = self.offset[Deal] > 0
        self.stages: dict[str, dict[str, int]] = {}  # pipeline key → stage key → id
        self.kinds: dict[str, dict[str, str]] = {}  # pipeline key → stage key → open|won|lost
        self.pipeline_ids: dict[str, int] = {}
        self.products: dict[str, int] = {}
        self.companies: dict[int, int] = {}
        self.contacts: dict[int, int] = {}
        self.deals: dict[int, int] = {}
        self.file_deals: set[int] = set()  # the deal ids the file holds
        self._writer: Any = None

    def take(self, model: Any, old_id: int | None = None) -> int:
        """The new id: old id + offset (ids kept), or the next free one."""
        new = old_id + self.offset[model] if old_id is not None else self.next_id[model]
        self.next_id[model] = max(self.next_id[model], new + 1)
        return new

    def reject(self, section: str, index: int, reason: str, item: Any, field: str = "") -> None:
        """A bad item, named as a JSON path: `deals[0]: …`, `deals[0].currency: …`."""
        try:
            cells = [json.dumps(item, ensure_ascii=False)]
        except (RecursionError, ValueError):
            cells = ["(too deeply nested to show)"]
        self.job.reject(self.path.name, None, f"{section}[{index}]{field}: {reason}", ["item"],
                        cells)  # fmt: skip

    def items(self, data: dict[str, Any], section: str) -> Iterator[tuple[int, Any, Any]]:
        """The section's valid items as (position, model, raw), in order; bad ones rejected."""
        model = SECTION_MODELS[section]
        for index, raw in enumerate(data.get(section, [])):
            self.job.report.rows += 1
            try:
                item = model.model_validate(raw)
            except ValidationError as exc:
                first = exc.errors()[0]
                message = first["msg"].removeprefix("Value error, ")
                self.reject(section, index, message, raw, _json_path(first["loc"]))
                continue
            yield index, item, raw

    # --- sections -------------------------------------------------------------------------

    def pipelines(self, data: dict[str, Any]) -> None:
        from sqlmodel import select

        from salesflow.services.deals.pipelines import add_pipeline, parse_pipeline, stages_of

        for index, item, raw in self.items(data, "pipelines"):
            found = self.session.exec(select(Pipeline).where(Pipeline.key == item.name)).first()
            if found is None:
                try:
                    spec = parse_pipeline(item.toml, f"pipeline {item.name!r}")
                except InvalidInput as exc:
                    self.reject("pipelines", index, exc.message, raw)
                    continue
                add_pipeline(spec, item.toml, session=self.session)
                found = self.session.exec(select(Pipeline).where(Pipeline.key == item.name)).one()
                self.job.report.pipeline_created = item.name
            elif found.source_toml != item.toml:
                if self.on_duplicate == "fail":
                    self.reject("pipelines", index, f"pipeline {item.name!r} exists with other "
                                "settings", raw)  # fmt: skip
                    continue
                self.job.report.notes.append(f"pipeline {item.name!r} exists with other settings: "
                                             "yours were kept")  # fmt: skip
            if item.default and not self.had_deals and not found.is_default:
                for other in self.session.exec(select(Pipeline).where(Pipeline.is_default)):
                    other.is_default = False
                    self.session.add(other)
                found.is_default = True
                self.session.add(found)
                self.session.flush()
        for p in self.session.exec(select(Pipeline)):
            assert p.id is not None
            self.pipeline_ids[p.key] = p.id
            stages = stages_of(p.id, session=self.session)
            self.stages[p.key] = {s.key: s.id for s in stages}  # type: ignore[misc]
            self.kinds[p.key] = {s.key: s.kind for s in stages}

    def products_(self, data: dict[str, Any]) -> None:
        from sqlalchemy import select, update

        from salesflow.parsing.money import to_minor

        t = Product.__table__  # type: ignore[attr-defined]
        existing: dict[str, int] = dict(self.conn.execute(select(t.c.sku, t.c.id)).all())
        rows: list[dict[str, Any]] = []
        bundles: list[tuple[int, BundleLine]] = []
        for index, item, raw in self.items(data, "products"):
            price = to_minor(item.price, item.currency)
            if item.sku in existing:
                if self.on_duplicate == "fail":
                    self.reject("products", index, f"duplicate: product {item.sku} exists", raw)
                    continue
                if self.on_duplicate == "update":
                    self.conn.execute(update(t).where(t.c.sku == item.sku).values(
                        name=item.name, price_minor=price, currency=item.currency, unit=item.unit,
                        recurring=item.recurring, active=item.active))  # fmt: skip
                self.products[item.sku] = existing[item.sku]
                self.job.report.products_reused += 1
                continue
            pid = self.take(Product, item.id)
            self.products[item.sku] = pid
            rows.append({"id": pid, "sku": item.sku, "name": item.name, "price_minor": price,
                         "currency": item.currency, "unit": item.unit,
                         "recurring": item.recurring, "active": item.active,
                         "created_at": _n(item.created_at)})  # fmt: skip
            bundles.extend((pid, line) for line in item.bundle)
            self.job.report.products_created += 1
        _insert(self.conn, Product, rows)
        items = []
        for pid, line in bundles:
            if line.sku not in self.products and line.sku not in existing:
                raise InvalidInput(f"{self.path}: a bundle holds {line.sku}, not in the file")
            items.append({"id": self.take(BundleItem), "bundle_id": pid,
                          "product_id": self.products.get(line.sku) or existing[line.sku],
                          "qty": line.qty})  # fmt: skip
        _insert(self.conn, BundleItem, items)

    def companies_(self, data: dict[str, Any]) -> None:
        from sqlalchemy import select, update

        t = Company.__table__  # type: ignore[attr-defined]
        known: dict[str, int] = {}
        for cid, name in self.conn.execute(select(t.c.id, t.c.name)):
            known.setdefault(company_key(name), cid)
        keys = set(self.conn.execute(select(t.c.name_key)).scalars())
        rows = []
        counts = self.job.report.counts
        for index, item, raw in self.items(data, "companies"):
            found = known.get(company_key(item.name))
            if found is not None:
                if self.on_duplicate == "fail":
                    self.reject("companies", index, f"duplicate: company {item.name!r} exists "
                                f"(#{found})", raw)  # fmt: skip
                    continue
                if self.on_duplicate == "update":
                    values = {k: getattr(item, k) for k in ("industry", "employees", "country")
                              if getattr(item, k) is not None}  # fmt: skip
                    if values:
                        self.conn.execute(update(t).where(t.c.id == found).values(**values))
                    counts.companies_updated += 1
                else:
                    counts.companies_reused += 1
                self.companies[item.id] = found
                continue
            cid = self.take(Company, item.id)
            name_key = unique_key(company_key(item.name), keys)
            self.companies[item.id] = cid
            rows.append({"id": cid, "name": item.name, "name_key": name_key,
                         "industry": item.industry, "employees": item.employees,
                         "country": item.country, "created_at": _n(item.created_at)})  # fmt: skip
            counts.companies_created += 1
        _insert(self.conn, Company, rows)

    def contacts_(self, data: dict[str, Any]) -> None:
        from sqlalchemy import select, update

        t = Contact.__table__  # type: ignore[attr-defined]
        emails: dict[str, int] = {}
        people: dict[tuple[int | None, str], int] = {}
        for pid, name, email, company_id in self.conn.execute(
            select(t.c.id, t.c.name, t.c.email, t.c.company_id)
        ):
            if email:
                emails[email.lower()] = pid
            people.setdefault((company_id, name.lower()), pid)
        rows = []
        counts = self.job.report.counts
        for index, item, raw in self.items(data, "contacts"):
            company_id = None
            if item.company_id is not None:
                company_id = self.companies.get(item.company_id)
                if company_id is None:
                    self.reject("contacts", index, f"company {item.company_id} is not in the file",
                                raw)  # fmt: skip
                    continue
            email = item.email.lower() if item.email else None
            found = emails.get(email) if email else people.get((company_id, item.name.lower()))
            if found is not None:
                if self.on_duplicate == "fail":
                    self.reject("contacts", index, f"duplicate: contact {email or item.name!r} "
                                f"exists (#{found})", raw)  # fmt: skip
                    continue
                if self.on_duplicate == "update":
                    values = {k: getattr(item, k) for k in ("name", "phone", "title")
                              if getattr(item, k) is not None}  # fmt: skip
                    self.conn.execute(update(t).where(t.c.id == found).values(**values))
                    counts.contacts_updated += 1
                else:
                    counts.contacts_reused += 1
                self.contacts[item.id] = found
                continue
            pid = self.take(Contact, item.id)
            self.contacts[item.id] = pid
            rows.append({"id": pid, "name": item.name, "email": item.email, "phone": item.phone,
                         "title": item.title, "company_id": company_id,
                         "created_at": _n(item.created_at)})  # fmt: skip
            counts.contacts_created += 1
        _insert(self.conn, Contact, rows)

    def deals_(self, data: dict[str, Any]) -> None:
        from sqlalchemy import bindparam, select, update

        from salesflow.parsing.money import to_minor

        t = Deal.__table__  # type: ignore[attr-defined]
        by_external: dict[str, int] = {}
        by_title: dict[tuple[str, int | None], int] = {}
        for did, title, company_id, external in self.conn.execute(
            select(t.c.id, t.c.title, t.c.company_id, t.c.external_id)
        ):
            if external:
                by_external.setdefault(external, did)
            by_title.setdefault((title.lower(), company_id), did)
        counts = self.job.report.counts
        pending: list[tuple[int, DealItem, Any, int | None, int | None, int]] = []
        partial = "companies" not in data or "contacts" not in data
        self.file_deals = {raw["id"] for raw in data.get("deals", [])
                           if isinstance(raw, dict) and type(raw.get("id")) is int}  # fmt: skip
        for index, item, raw in self.items(data, "deals"):
            if partial:
                self._by_name(item, data)
            stages = self.stages.get(item.pipeline)
            problem = self._deal_problem(item, stages)
            if problem:
                self.reject("deals", index, problem, raw)
                continue
            company_id = self.companies.get(item.company_id) if item.company_id else None
            contact_id = self.contacts.get(item.contact_id) if item.contact_id else None
            if item.external_id:
                found = by_external.get(item.external_id)
            else:
                found = by_title.get((item.title.lower(), company_id))
            if found is not None:
                if self.on_duplicate == "fail":
                    self.reject(
                        "deals",
                        index,
                        f"duplicate: deal {item.external_id or item.title!r} exists (#{found})",
                        raw,
                    )
                    continue
                self.deals[item.id] = found
                counts.deals_skipped += 1  # history cannot be merged into an existing deal
                continue
            did = self.take(Deal, item.id)
            self.deals[item.id] = did
            pending.append((index, item, raw, company_id, contact_id, did))
        pending = self._linked(pending)
        deals, moves, outcomes, changes, activities, upsells = [], [], [], [], [], []
        for _index, item, _raw, company_id, contact_id, did in pending:
            stages = self.stages[item.pipeline]
            if item.upsell_of_id is not None and item.upsell_of_id in self.deals:
                upsells.append({"b_id": did, "b_up": self.deals[item.upsell_of_id]})
            deals.append({
                "id": did, "title": item.title, "company_id": company_id,
                "contact_id": contact_id, "owner": item.owner, "source": item.source,
                "value_minor": to_minor(item.value, item.currency), "currency": item.currency,
                "close_by": item.close_by, "pipeline_id": self.pipeline_ids[item.pipeline],
                "stage_id": stages[item.stage], "status": item.status,
                "created_at": _n(item.created_at), "updated_at": _n(item.updated_at),
                "version": item.version, "upsell_of_id": None,
                "product_id": self.products.get(item.product) if item.product else None,
                "external_id": item.external_id,
            })  # fmt: skip
            for m in item.history:
                moves.append({
                    "id": self.take(StageMove), "deal_id": did,
                    "from_stage_id": stages[m.from_stage] if m.from_stage else None,
                    "to_stage_id": stages[m.to], "at": _n(m.at), "by": m.by, "note": m.note,
                    "forced": m.forced, "regression": m.regression,
                })  # fmt: skip
            for o in item.outcomes:
                outcomes.append({
                    "id": self.take(CloseOutcome), "deal_id": did, "outcome": o.outcome,
                    "amount_minor": to_minor(o.amount, o.currency), "currency": o.currency,
                    "reason": o.reason, "competitor": o.competitor, "note": o.note,
                    "from_stage_id": stages[o.from_stage] if o.from_stage else None,
                    "closed_on": o.closed_on, "at": _n(o.at), "by": o.by,
                    "reopened_at": _n(o.reopened_at),
                })  # fmt: skip
            for c in item.changes:
                changes.append(
                    {
                        "id": self.take(DealChange),
                        "deal_id": did,
                        "field": c.field,
                        "old": c.old,
                        "new": c.new,
                        "at": _n(c.at),
                        "by": c.by,
                    }
                )
            for a in item.activities:
                activities.append({"id": self.take(Activity, a.id), "deal_id": did,
                                   "type": a.type, "summary": a.summary, "outcome": a.outcome,
                                   "at": _n(a.at), "by": a.by,
                                   "created_at": _n(a.created_at)})  # fmt: skip
            counts.deals_created += 1
            counts.by_status[item.status] = counts.by_status.get(item.status, 0) + 1
            self.job.report.pipelines[item.pipeline] = (
                self.job.report.pipelines.get(item.pipeline, 0) + 1
            )
            if len(deals) >= 2000:
                self._write(deals, moves, outcomes, changes, activities)
                deals, moves, outcomes, changes, activities = [], [], [], [], []
        self._write(deals, moves, outcomes, changes, activities)
        if upsells:
            stmt = (
                update(t).where(t.c.id == bindparam("b_id")).values(upsell_of_id=bindparam("b_up"))
            )
            self.conn.execute(stmt, upsells)
        counts.moves = self.next_id[StageMove] - self.offset[StageMove] - 1

    def _linked(self, pending: list[Any]) -> list[Any]:
        """The pending deals without those whose upsell_of_id deal was refused (and so on down
        a chain): a link is never dropped silently."""
        while True:
            broken = [p for p in pending if _dangling(p[1].upsell_of_id, self.deals)]
            if not broken:
                return pending
            for index, item, raw, *_ in broken:
                self.reject("deals", index, f"upsell_of_id {item.upsell_of_id} is a deal that "
                            "was not imported", raw)  # fmt: skip
                del self.deals[item.id]
            pending = [p for p in pending if p not in broken]

    def _by_name(self, item: DealItem, data: dict[str, Any]) -> None:
        """A deals-only export: find or make the company and contact from the names it carries."""
        from salesflow.clock import now_utc
        from salesflow.services.imports.writer import CompanyIn, ContactIn, ImportWriter

        if self._writer is None:
            self._writer = ImportWriter(session=self.session, on_duplicate="skip",
                                        actor=self.job.actor, now=now_utc())  # fmt: skip
        writer = self._writer
        cid, pid = item.company_id, item.contact_id
        if (
            cid is not None
            and cid not in self.companies
            and item.company
            and "companies" not in data
        ):
            self.companies[cid] = writer.company(CompanyIn(name=item.company))
        if pid is not None and pid not in self.contacts and item.contact and "contacts" not in data:
            company_id = self.companies.get(cid) if cid is not None else None
            person = ContactIn(name=item.contact, email=item.email)
            self.contacts[pid] = writer.contact(person, company_id)
        writer.flush()

    def _deal_problem(self, item: DealItem, stages: dict[str, int] | None) -> str | None:
        if stages is None:
            return f"pipeline {item.pipeline!r} is neither in the file nor in the database"
        used = {item.stage} | {m.to for m in item.history}
        used |= {m.from_stage for m in item.history if m.from_stage}
        used |= {o.from_stage for o in item.outcomes if o.from_stage}
        unknown = sorted(k for k in used if k not in stages)
        if unknown:
            return f"stage {unknown[0]!r} is not in pipeline {item.pipeline!r}"
        standing = [o.outcome for o in item.outcomes if o.reopened_at is None]
        kind = self.kinds[item.pipeline][item.stage]
        problem = state_problem(item.status, item.stage, kind, standing)
        if problem:
            return problem
        if item.upsell_of_id is not None and item.upsell_of_id not in self.file_deals:
            return f"upsell_of_id {item.upsell_of_id} is not a deal in the file"
        if item.company_id is not None and item.company_id not in self.companies:
            return f"company {item.company_id} is not in the file"
        if item.contact_id is not None and item.contact_id not in self.contacts:
            return f"contact {item.contact_id} is not in the file"
        if item.product and item.product not in self.products:
            return f"product {item.product!r} is not in the file"
        return None

    def _write(self, *tables: list[dict[str, Any]]) -> None:
        for model, rows in zip((Deal, StageMove, CloseOutcome, DealChange, Activity), tables,
                               strict=True):  # fmt: skip
            _insert(self.conn, model, rows)

    def tasks_(self, data: dict[str, Any]) -> None:
        rows = []
        for index, item, raw in self.items(data, "tasks"):
            deal_id = self.deals.get(item.deal_id)
            if deal_id is None:
                self.reject("tasks", index, f"deal {item.deal_id} is not in the file", raw)
                continue
            rows.append(
                {
                    "id": self.take(FollowUp, item.id),
                    "deal_id": deal_id,
                    "text": item.text,
                    "due": item.due,
                    "owner": item.owner,
                    "repeat": item.repeat,
                    "cadence_run_id": None,
                    "done_at": _n(item.done_at),
                    "closed_as": None if item.done_at is None else item.closed_as or "done",
                    "created_at": _n(item.created_at),
                    "created_by": item.created_by,
                }
            )
        _insert(self.conn, FollowUp, rows)

    def finish(self) -> None:
        if self._writer is not None:
            self._writer.finish(sync=self.job.keeps)
        if self.job.keeps:  # setval is not transactional: never for a rolled-back import
            used = {m: n for m, n in self.next_id.items() if n > self.offset[m] + 1}
            sync_sequences(self.conn, used)


_TABLES = (Product, BundleItem, Company, Contact, Deal, StageMove, CloseOutcome, DealChange,
           Activity, FollowUp)  # fmt: skip


def import_native(job: ImportJob, files: list[Path]) -> None:
    """Each file in turn: pipelines, products, companies, contacts, deals, tasks."""
    for path in files:
        data = _load(path, job.encoding)
        native = _Native(job, path)
        native.pipelines(data)
        native.products_(data)
        native.companies_(data)
        native.contacts_(data)
        native.deals_(data)
        native.tasks_(data)
        native.finish()


def _dangling(deal_id: int | None, known: dict[int, int]) -> bool:
    return deal_id is not None and deal_id not in known


def _json_path(loc: tuple[int | str, ...]) -> str:
    """pydantic's location as the rest of a JSON path: ('history', 0, 'to') → `.history[0].to`."""
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc)


def _table(model: Any) -> Any:
    return model.__table__
