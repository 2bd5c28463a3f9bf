"""`export csv|json`: the database out, for spreadsheets and for `import` back in.

The JSON export is salesflow's own interchange format (`"salesflow_export": 1`): pipelines (their
TOML), the product catalogue, companies, contacts, deals with their stage history, close outcomes,
change log and activities, and follow-ups. Keys are only ever added. Ids are kept so that
references hold; `import` keeps them too when it fills an empty database, which is what makes
export → import → export come out identical. Quotes, contracts, feedback, cadences and scoring
rules are not in it yet.

Rows are read a batch at a time and handed out as plain dicts, so a large database streams.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from salesflow.errors import UsageProblem
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
    Stage,
    StageMove,
)
from salesflow.parsing.money import money_text
from salesflow.services.deals.views import closed_as
from salesflow.services.imports.export_format import FORMAT_VERSION as FORMAT_VERSION

if TYPE_CHECKING:
    from sqlmodel import Session

WHAT = ("deals", "contacts", "companies", "tasks", "all")
# what a count of each table's rows is called: "1 company", "2 companies"
NOUNS = {"deals": ("deal", "deals"), "contacts": ("contact", "contacts"),
         "companies": ("company", "companies"), "tasks": ("task", "tasks")}  # fmt: skip
CHUNK = 2000

# CSV columns per table. `export csv --what deals` reads back with `import` (plain CSV preset).
CSV_COLUMNS = {
    "deals": ["id", "title", "company", "contact", "email", "phone", "pipeline", "stage",
              "status", "value", "currency", "owner", "source", "close_by", "created",
              "closed_on", "lost_reason", "competitor", "product", "external_id"],
    "contacts": ["id", "name", "email", "phone", "job_title", "company", "company_id",
                 "created"],
    "companies": ["id", "name", "industry", "employees", "country", "created"],
    "tasks": ["id", "deal_id", "deal", "text", "due", "owner", "repeat", "done_at", "created",
              "created_by", "closed_as"],
}  # fmt: skip


def check_what(what: str) -> str:
    """One of deals, contacts, companies, tasks or all."""
    wanted = what.strip().lower()
    if wanted not in WHAT:
        raise UsageProblem(f"--what must be one of {', '.join(WHAT)}, not {what!r}")
    return wanted


def when(moment: datetime | None) -> str | None:
    """A stored UTC timestamp as ISO 8601 with Z (seconds kept exactly as stored)."""
    if moment is None:
        return None
    return moment.isoformat() + "Z"


def day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _rows(session: Session, query: Any) -> Iterator[Any]:
    """A query's rows, fetched a chunk at a time (server-side on PostgreSQL)."""
    conn = session.connection().execution_options(stream_results=True, yield_per=CHUNK)
    yield from conn.execute(query)


def _by_deal(session: Session, query: Any) -> Iterator[tuple[int, list[Any]]]:
    """Rows of a child table ordered by deal_id, grouped by deal."""
    current: int | None = None
    group: list[Any] = []
    for row in _rows(session, query):
        if row.deal_id != current:
            if current is not None:
                yield current, group
            current, group = row.deal_id, []
        group.append(row)
    if current is not None:
        yield current, group


class _Children:
    """Walks a child table in step with deals ordered by id (a merge, not a query per deal)."""

    def __init__(self, session: Session, query: Any) -> None:
        self._it = _by_deal(session, query)
        self._next: tuple[int, list[Any]] | None = next(self._it, None)

    def of(self, deal_id: int) -> list[Any]:
        while self._next is not None and self._next[0] < deal_id:
            self._next = next(self._it, None)
        if self._next is not None and self._next[0] == deal_id:
            rows = self._next[1]
            self._next = next(self._it, None)
            return rows
        return []


def pipelines(*, session: Session) -> Iterator[dict[str, Any]]:
    """Pipelines as their TOML (default first)."""
    from sqlmodel import select

    query = select(Pipeline).order_by(Pipeline.is_default.desc(), Pipeline.key)  # type: ignore[attr-defined]
    for p in session.exec(query):
        yield {"name": p.key, "default": p.is_default, "toml": p.source_toml}


def products(*, session: Session) -> Iterator[dict[str, Any]]:
    """The catalogue, bundles with their items by SKU."""
    from sqlmodel import select

    items: dict[int, list[dict[str, Any]]] = {}
    skus = {p.id: p.sku for p in session.exec(select(Product))}
    for item in session.exec(select(BundleItem).order_by(BundleItem.bundle_id, BundleItem.id)):  # type: ignore[arg-type]
        line = {"sku": skus[item.product_id], "qty": item.qty}
        items.setdefault(item.bundle_id, []).append(line)
    for p in session.exec(select(Product).order_by(Product.id)):  # type: ignore[arg-type]
        yield {
            "id": p.id,
            "sku": p.sku,
            "name": p.name,
            "price": money_text(p.price_minor, p.currency),
            "currency": p.currency,
            "unit": p.unit,
            "recurring": p.recurring,
            "active": p.active,
            "created_at": when(p.created_at),
            "bundle": items.get(p.id, []),  # type: ignore[arg-type]
        }


def companies(*, session: Session) -> Iterator[dict[str, Any]]:
    """Companies in id order."""
    from sqlalchemy import select

    t = Company.__table__  # type: ignore[attr-defined]
    for c in _rows(session, select(t).order_by(t.c.id)):
        yield {"id": c.id, "name": c.name, "industry": c.industry, "employees": c.employees,
               "country": c.country, "created_at": when(c.created_at)}  # fmt: skip


def contacts(*, session: Session) -> Iterator[dict[str, Any]]:
    """Contacts in id order, with their company's name beside its id."""
    from sqlalchemy import select

    t, co = Contact.__table__, Company.__table__  # type: ignore[attr-defined]
    query = (
        select(t, co.c.name.label("company"))
        .join(co, co.c.id == t.c.company_id, isouter=True)
        .order_by(t.c.id)
    )
    for c in _rows(session, query):
        yield {"id": c.id, "name": c.name, "email": c.email, "phone": c.phone, "title": c.title,
               "company_id": c.company_id, "company": c.company,
               "created_at": when(c.created_at)}  # fmt: skip


def deals(*, session: Session, children: bool = True) -> Iterator[dict[str, Any]]:
    """Deals in id order with (when `children`) history, outcomes, changes and activities."""
    from sqlalchemy import select

    d, co, pe = Deal.__table__, Company.__table__, Contact.__table__  # type: ignore[attr-defined]
    pr, pi = Product.__table__, Pipeline.__table__  # type: ignore[attr-defined]
    stages = {s.id: s.key for s in session.exec(_select_stages())}
    query = (
        select(d, pi.c.key.label("pipeline_key"), co.c.name.label("company_name"),
               pe.c.name.label("contact_name"), pe.c.email.label("contact_email"),
               pe.c.phone.label("contact_phone"), pr.c.sku.label("product_sku"))
        .join(pi, pi.c.id == d.c.pipeline_id)
        .join(co, co.c.id == d.c.company_id, isouter=True)
        .join(pe, pe.c.id == d.c.contact_id, isouter=True)
        .join(pr, pr.c.id == d.c.product_id, isouter=True)
        .order_by(d.c.id)
    )  # fmt: skip
    if children:
        moves = _Children(session, _child(StageMove, "at"))
        outcomes = _Children(session, _child(CloseOutcome, "at"))
        changes = _Children(session, _child(DealChange, "at"))
        activities = _Children(session, _child(Activity, "at"))
    for row in _rows(session, query):
        deal: dict[str, Any] = {
            "id": row.id, "title": row.title, "pipeline": row.pipeline_key,
            "stage": stages[row.stage_id], "status": row.status,
            "value": money_text(row.value_minor, row.currency), "currency": row.currency,
            "owner": row.owner, "source": row.source, "close_by": day(row.close_by),
            "company_id": row.company_id, "company": row.company_name,
            "contact_id": row.contact_id, "contact": row.contact_name,
            "email": row.contact_email, "phone": row.contact_phone,
            "product": row.product_sku, "upsell_of_id": row.upsell_of_id,
            "external_id": row.external_id, "created_at": when(row.created_at),
            "updated_at": when(row.updated_at), "version": row.version,
        }  # fmt: skip
        if children:
            deal["history"] = [
                {"from": stages.get(m.from_stage_id), "to": stages[m.to_stage_id],
                 "at": when(m.at), "by": m.by, "note": m.note, "forced": m.forced,
                 "regression": m.regression}
                for m in moves.of(row.id)
            ]  # fmt: skip
            deal["outcomes"] = [
                {"outcome": o.outcome, "amount": money_text(o.amount_minor, o.currency),
                 "currency": o.currency, "reason": o.reason, "competitor": o.competitor,
                 "note": o.note, "from": stages.get(o.from_stage_id), "closed_on": day(o.closed_on),
                 "at": when(o.at), "by": o.by, "reopened_at": when(o.reopened_at)}
                for o in outcomes.of(row.id)
            ]  # fmt: skip
            deal["changes"] = [
                {"field": c.field, "old": c.old, "new": c.new, "at": when(c.at), "by": c.by}
                for c in changes.of(row.id)
            ]
            deal["activities"] = [
                {"id": a.id, "type": a.type, "summary": a.summary, "outcome": a.outcome,
                 "at": when(a.at), "by": a.by, "created_at": when(a.created_at)}
                for a in activities.of(row.id)
            ]  # fmt: skip
        yield deal


def tasks(*, session: Session) -> Iterator[dict[str, Any]]:
    """Follow-ups in id order."""
    from sqlalchemy import select

    t, d = FollowUp.__table__, Deal.__table__  # type: ignore[attr-defined]
    query = select(t, d.c.title.label("deal")).join(d, d.c.id == t.c.deal_id).order_by(t.c.id)
    for f in _rows(session, query):
        yield {"id": f.id, "deal_id": f.deal_id, "deal": f.deal, "text": f.text, "due": day(f.due),
               "owner": f.owner, "repeat": f.repeat, "done_at": when(f.done_at),
               "closed_as": closed_as(f.done_at, f.closed_as),
               "created_at": when(f.created_at), "created_by": f.created_by}  # fmt: skip


def teams(*, session: Session) -> Iterator[dict[str, Any]]:
    """Teams by name, each with its manager, office and reps (as `team list` shows them)."""
    from salesflow.db.reader import reader_for
    from salesflow.services.teams import list_teams

    for t in list_teams(reader=reader_for(session)):
        yield {"name": t.name, "manager": t.manager, "office": t.office, "reps": t.reps}


def _select_stages() -> Any:
    from sqlmodel import select

    return select(Stage)


def _child(model: Any, at: str) -> Any:
    from sqlalchemy import select

    t = model.__table__
    return select(t).order_by(t.c.deal_id, t.c[at], t.c.id)


SECTIONS = {
    "pipelines": pipelines,
    "products": products,
    "companies": companies,
    "contacts": contacts,
    "deals": deals,
    "tasks": tasks,
    "teams": teams,  # in `--what all` only
}


def json_sections(what: str) -> list[str]:
    """The sections a JSON export of `what` holds, in the order they are written."""
    if what == "all":
        return list(SECTIONS)
    return [what]


def csv_rows(what: str, *, session: Session) -> Iterator[list[Any]]:
    """The rows of one table in CSV_COLUMNS[what] order (cells not yet neutralised)."""
    if what == "deals":
        closes = _last_closes(session)
        for d in deals(session=session, children=False):
            close = closes.get(d["id"], {})
            flat = {**d, "created": d["created_at"], "closed_on": close.get("closed_on"),
                    "lost_reason": close.get("reason"), "competitor": close.get("competitor"),
                    "contact": d["contact"]}  # fmt: skip
            yield [flat.get(c) for c in CSV_COLUMNS["deals"]]
    elif what == "contacts":
        for c in contacts(session=session):
            flat = {**c, "job_title": c["title"], "created": c["created_at"]}
            yield [flat.get(k) for k in CSV_COLUMNS["contacts"]]
    elif what == "companies":
        for c in companies(session=session):
            yield [{**c, "created": c["created_at"]}.get(k) for k in CSV_COLUMNS["companies"]]
    else:
        for t in tasks(session=session):
            yield [{**t, "created": t["created_at"]}.get(k) for k in CSV_COLUMNS["tasks"]]


def _last_closes(session: Session) -> dict[int, dict[str, Any]]:
    """Each closed deal's standing close outcome (date, reason, competitor)."""
    from sqlalchemy import select

    t = CloseOutcome.__table__  # type: ignore[attr-defined]
    query = select(t).where(t.c.reopened_at.is_(None)).order_by(t.c.deal_id, t.c.id)
    return {
        o.deal_id: {"closed_on": day(o.closed_on), "reason": o.reason, "competitor": o.competitor}
        for o in session.connection().execute(query)
    }
