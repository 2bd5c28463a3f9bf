"""The Maven data set's reference files, read before its opportunities: accounts.csv (the
companies, with the data set's two misspellings read as meant), products.csv (into the
catalogue), sales_teams.csv (each agent's manager and office) and the snapshot day the data
set was taken on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING

from salesflow.errors import InvalidInput
from salesflow.models import Product
from salesflow.services.imports.csvfile import BadRecord, CsvFile
from salesflow.services.imports.mapping import norm
from salesflow.services.imports.records import CompanyIn
from salesflow.words import plural

if TYPE_CHECKING:
    from salesflow.services.imports.job import ImportJob

TYPOS = {  # spelling in the data → what it means
    "sector": {"technolgy": "technology"},
    "country": {"Philipines": "Philippines"},
}


@dataclass
class Catalogue:
    """The catalogue products the opportunities name, by normalised name."""

    ids: dict[str, int]  # normalised name → product id
    names: dict[str, str]  # normalised name → catalogue name
    prices: dict[str, int]  # normalised name → list price in cents


def read_rows(job: ImportJob, path: Path) -> list[tuple[int, dict[str, str], list[str], list[str]]]:
    """A small Maven file's records as (line, cells by normalised header, raw cells, header)."""
    rows = []
    with job.open_csv(path) as handle:
        columns = {norm(h): i for i, h in enumerate(handle.header)}
        for record in handle.records():
            if isinstance(record, BadRecord):
                raise InvalidInput(f"{path.name} line {record.line}: {record.reason}")
            cells = {name: record.cells[i].strip() for name, i in columns.items()}
            rows.append((record.line, cells, record.cells, handle.header))
    return rows


def read_teams(job: ImportJob, path: Path) -> dict[str, tuple[str, str]]:
    """sales_teams.csv: agent → (manager, regional office), each checked as the commands check
    a rep's name and a team's manager and office (an empty manager or office stays empty)."""
    from salesflow.domain import inputs

    teams = {}
    for line, cell, _raw, _header in read_rows(job, path):
        if not cell.get("salesagent"):
            raise InvalidInput(f"{path.name} line {line}: no sales_agent")
        checked = []
        for column, key, check in (("sales_agent", "salesagent", inputs.rep_name),
                                   ("manager", "manager", inputs.text),
                                   ("regional_office", "regionaloffice", inputs.text)):  # fmt: skip
            value = cell.get(key, "")
            try:
                checked.append(check(value) if value else "")
            except inputs.Refused as exc:
                raise InvalidInput(f"{path.name} line {line}: {column} {exc.message}") from None
        agent, manager, office = checked
        teams[agent] = (manager, office)
    return teams


def read_products(job: ImportJob, path: Path, now: datetime) -> Catalogue:
    """products.csv into the catalogue (USD, each); existing SKUs or names per --on-duplicate."""
    from sqlmodel import select

    session = job.session
    existing: dict[str, Product] = {}
    for known in session.exec(select(Product)):
        existing.setdefault(norm(known.sku), known)
        existing.setdefault(norm(known.name), known)
    catalogue = Catalogue({}, {}, {})
    for line, cell, _raw, _header in read_rows(job, path):
        name = cell.get("product", "")
        if not name:
            raise InvalidInput(f"{path.name} line {line}: no product name")
        try:
            price = int(Decimal(cell.get("salesprice", "")) * 100)
        except InvalidOperation:
            raise InvalidInput(
                f"{path.name} line {line}: sales_price {cell.get('salesprice')!r} is not an amount"
            ) from None
        sku = "-".join(name.upper().split())
        found = existing.get(norm(sku)) or existing.get(norm(name))
        if found is not None:
            product = found
            if job.report.on_duplicate == "fail":
                raise InvalidInput(
                    f"{path.name} line {line}: product {name!r} is already in the "
                    f"catalogue as {product.sku}",
                    hint="--on-duplicate skip keeps it, update reprices it",
                )
            if job.report.on_duplicate == "update" and product.price_minor != price:
                product.price_minor = price
                session.add(product)
            job.report.products_reused += 1
        else:
            product = Product(sku=sku, name=name, price_minor=price, currency="USD",
                              unit="each", recurring=None, active=True, created_at=now)  # fmt: skip
            session.add(product)
            job.report.products_created += 1
        session.flush()
        assert product.id is not None
        catalogue.ids[norm(name)] = product.id
        catalogue.names[norm(name)] = name
        catalogue.prices[norm(name)] = product.price_minor
    return catalogue


def read_accounts(job: ImportJob, path: Path) -> dict[str, CompanyIn]:
    accounts = {}
    fixed: dict[tuple[str, str, str], int] = {}
    for line, cell, _raw, _header in read_rows(job, path):
        name = cell.get("account", "")
        if not name:
            raise InvalidInput(f"{path.name} line {line}: no account name")
        sector = cell.get("sector") or None
        country = cell.get("officelocation") or None
        for what, value in (("sector", sector), ("country", country)):
            if value in TYPOS[what]:
                fixed[(what, value, TYPOS[what][value])] = fixed.get(
                    (what, value, TYPOS[what][value]), 0) + 1  # fmt: skip
        sector = TYPOS["sector"].get(sector or "", sector)
        country = TYPOS["country"].get(country or "", country)
        employees = cell.get("employees") or None
        if employees is not None and not (employees.isascii() and employees.isdigit()):
            raise InvalidInput(f"{path.name} line {line}: employees {employees!r} is not a number")
        accounts[name] = CompanyIn(name=name, industry=sector,
                                   employees=int(employees) if employees else None,
                                   country=country)  # fmt: skip
    for (what, theirs, ours), count in sorted(fixed.items()):
        job.report.notes.append(f"{what} {theirs!r} read as {ours!r} ({plural(count, 'account')})")
    job.report.notes.append(
        "accounts.csv's revenue, year_established and subsidiary_of have no place in salesflow "
        "and were left out"
    )
    return accounts


def snapshot_day(job: ImportJob, path: Path) -> date:
    """The latest engage or close date in the pipeline file: the data set's snapshot day."""
    latest = None
    with CsvFile(path, encoding=job.encoding) as handle:
        columns = [i for i, h in enumerate(handle.header) if norm(h) in ("engagedate", "closedate")]
        for record in handle.records():
            if isinstance(record, BadRecord):
                continue
            for i in columns:
                text = record.cells[i].strip()
                if len(text) == 10 and (latest is None or text > latest):
                    try:
                        date.fromisoformat(text)
                    except ValueError:
                        continue
                    latest = text
    if latest is None:
        raise InvalidInput(f"{path.name} has no dates at all")
    return date.fromisoformat(latest)
