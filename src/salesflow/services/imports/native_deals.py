"""Deals from a salesflow export: each with its stage history, close outcomes, changes and
activities, its references checked (pipeline and stages, company, contact, product, the deal it
is an upsell of) and its status held against its stage and outcomes (`domain.deals`)."""

from __future__ import annotations

from typing import Any

from salesflow.db.bulk import insert_rows
from salesflow.domain.deals import state_problem
from salesflow.models import (
    Activity,
    CloseOutcome,
    Deal,
    DealChange,
    StageMove,
)
from salesflow.services.imports.export_format import DealItem, naive
from salesflow.services.imports.native_ids import NativeImport


class DealSection(NativeImport):
    """The `deals` section of a native import."""

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
                "created_at": naive(item.created_at), "updated_at": naive(item.updated_at),
                "version": item.version, "upsell_of_id": None,
                "product_id": self.products.get(item.product) if item.product else None,
                "external_id": item.external_id,
            })  # fmt: skip
            for m in item.history:
                moves.append({
                    "id": self.take(StageMove), "deal_id": did,
                    "from_stage_id": stages[m.from_stage] if m.from_stage else None,
                    "to_stage_id": stages[m.to], "at": naive(m.at), "by": m.by, "note": m.note,
                    "forced": m.forced, "regression": m.regression,
                })  # fmt: skip
            for o in item.outcomes:
                outcomes.append({
                    "id": self.take(CloseOutcome), "deal_id": did, "outcome": o.outcome,
                    "amount_minor": to_minor(o.amount, o.currency), "currency": o.currency,
                    "reason": o.reason, "competitor": o.competitor, "note": o.note,
                    "from_stage_id": stages[o.from_stage] if o.from_stage else None,
                    "closed_on": o.closed_on, "at": naive(o.at), "by": o.by,
                    "reopened_at": naive(o.reopened_at),
                })  # fmt: skip
            for c in item.changes:
                changes.append(
                    {
                        "id": self.take(DealChange),
                        "deal_id": did,
                        "field": c.field,
                        "old": c.old,
                        "new": c.new,
                        "at": naive(c.at),
                        "by": c.by,
                    }
                )
            for a in item.activities:
                activities.append({"id": self.take(Activity, a.id), "deal_id": did,
                                   "type": a.type, "summary": a.summary, "outcome": a.outcome,
                                   "at": naive(a.at), "by": a.by,
                                   "created_at": naive(a.created_at)})  # fmt: skip
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
        from salesflow.services.imports.records import CompanyIn, ContactIn
        from salesflow.services.imports.writer import ImportWriter

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
            insert_rows(self.conn, model, rows)


def _dangling(deal_id: int | None, known: dict[int, int]) -> bool:
    return deal_id is not None and deal_id not in known
