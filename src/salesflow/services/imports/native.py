"""The `salesflow` preset: our own `export json` back in.

Every item is validated (pydantic models of the export format, in `export_format`) before it
is written, and references are checked: a deal's pipeline and stages, its company, contact and
product, a task's deal (deals are `native_deals`). Ids are kept as `id + offset`
(`native_ids`), the offset being the table's highest id before the import: into an empty
database that is the id itself, which is what makes export → import → export identical. Into a
database that has data, companies (by normalised name), contacts (by email, or name at the same
company), products (by SKU) and deals (by external id, or title at the same company) that exist
already are duplicates, handled per `--on-duplicate`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from salesflow.db.bulk import insert_rows
from salesflow.domain.companies import company_key, unique_key
from salesflow.domain.contacts import People, email_key
from salesflow.errors import InvalidInput
from salesflow.models import (
    BundleItem,
    Company,
    Contact,
    FollowUp,
    Pipeline,
    Product,
)
from salesflow.services.imports.export_format import BundleLine, load_export, naive
from salesflow.services.imports.native_deals import DealSection

if TYPE_CHECKING:
    from salesflow.services.imports.job import ImportJob


class _Native(DealSection):
    """One native import: every section of one file, in order."""

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
                         "created_at": naive(item.created_at)})  # fmt: skip
            bundles.extend((pid, line) for line in item.bundle)
            self.job.report.products_created += 1
        insert_rows(self.conn, Product, rows)
        items = []
        for pid, line in bundles:
            if line.sku not in self.products and line.sku not in existing:
                raise InvalidInput(f"{self.path}: a bundle holds {line.sku}, not in the file")
            items.append({"id": self.take(BundleItem), "bundle_id": pid,
                          "product_id": self.products.get(line.sku) or existing[line.sku],
                          "qty": line.qty})  # fmt: skip
        insert_rows(self.conn, BundleItem, items)

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
                         "country": item.country,
                         "created_at": naive(item.created_at)})  # fmt: skip
            counts.companies_created += 1
        insert_rows(self.conn, Company, rows)

    def contacts_(self, data: dict[str, Any]) -> None:
        from sqlalchemy import select, update

        t = Contact.__table__  # type: ignore[attr-defined]
        people = People()
        for pid, name, email, company_id in self.conn.execute(
            select(t.c.id, t.c.name, t.c.email, t.c.company_id).order_by(t.c.id)
        ):
            people.add(pid, name, email, company_id)
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
            email = email_key(item.email) if item.email else None
            found = people.find(item.name, email, company_id)
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
                         "created_at": naive(item.created_at)})  # fmt: skip
            counts.contacts_created += 1
        insert_rows(self.conn, Contact, rows)

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
                    "done_at": naive(item.done_at),
                    "closed_as": None if item.done_at is None else item.closed_as or "done",
                    "created_at": naive(item.created_at),
                    "created_by": item.created_by,
                }
            )
        insert_rows(self.conn, FollowUp, rows)

    def teams_(self, data: dict[str, Any]) -> None:
        """Teams by name (one that exists is kept, or refused with `--on-duplicate fail`),
        and their reps put in them, through the commands' own service."""
        from salesflow.services.teams import add_team, set_membership, team_named

        for index, item, raw in self.items(data, "teams"):
            found = team_named(item.name, session=self.session)
            if found is not None and self.on_duplicate == "fail":
                self.reject("teams", index, f"duplicate: team {item.name!r} exists", raw)
                continue
            if found is None:
                add_team(item.name, manager=item.manager, office=item.office, session=self.session)
            elif self.on_duplicate == "update":
                found.manager, found.office = item.manager, item.office
                self.session.add(found)
            for rep in item.reps:
                set_membership(rep, item.name, session=self.session)


def import_native(job: ImportJob, files: list[Path]) -> None:
    """Each file in turn: pipelines, products, companies, contacts, deals, tasks, teams."""
    for path in files:
        data = load_export(path, job.encoding)
        native = _Native(job, path)
        native.pipelines(data)
        native.products_(data)
        native.companies_(data)
        native.contacts_(data)
        native.deals_(data)
        native.tasks_(data)
        native.teams_(data)
        native.finish()
