"""The `maven` preset: Maven Analytics' "CRM Sales Opportunities" sample data set.

Four files (pass all four, or their folder): sales_pipeline.csv (one opportunity a row),
accounts.csv, products.csv and sales_teams.csv. They become:

- a pipeline `maven`: Prospecting → Engaging → Won / Lost;
- companies from accounts.csv (the sector spelled `technolgy` is read as `technology`, the
  country `Philipines` as `Philippines`; revenue, year established and parent company have no
  place in salesflow and are left out, and said so);
- products in the catalogue from products.csv, priced in USD (`GTXPro` in the pipeline is
  matched to `GTX Pro`, and said so);
- one deal per opportunity, `external_id` = opportunity_id, owner = the sales agent, created on
  its engage_date, with its stage history: created in Prospecting, moved to Engaging on the
  engage_date, then to Won or Lost on the close_date with close_value as the amount (0 for the
  lost ones, as in the data). Prospecting deals have no date at all: they are created on the
  last date the data set holds (its snapshot day) and counted in the report. Open deals have no
  value in the data: they take their product's list price. Opportunities without an account
  are imported without a company and counted;
- sales agents are owners; salesflow has no teams, so each agent's manager and regional office
  are kept as comments in the `maven` pipeline's TOML (`export json` carries them) and listed
  in the report.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING

from salesflow.clock import now_utc, to_utc
from salesflow.errors import InvalidInput
from salesflow.models import Pipeline, Product, Stage
from salesflow.services.imports.csvfile import BadRecord, CsvFile
from salesflow.services.imports.mapping import maven_part, norm
from salesflow.services.imports.writer import (
    CompanyIn,
    DealIn,
    ImportWriter,
    OutcomeIn,
    RowIn,
    RowRejected,
)
from salesflow.words import noun, plural

if TYPE_CHECKING:
    from sqlmodel import Session

    from salesflow.services.imports import ImportJob

PIPELINE_TOML = """\
# Maven CRM sample data: `salesflow import --preset maven` made this pipeline.
name = "maven"

[[stages]]
key = "prospecting"
name = "Prospecting"
probability = 0.1

[[stages]]
key = "engaging"
name = "Engaging"
probability = 0.5

[won]
key = "won"
name = "Won"

[lost]
key = "lost"
name = "Lost"
"""
TYPOS = {  # spelling in the data → what it means
    "sector": {"technolgy": "technology"},
    "country": {"Philipines": "Philippines"},
}
STAGES = {"prospecting": "prospecting", "engaging": "engaging", "won": "won", "lost": "lost"}
PART_FILES = {
    "pipeline": "sales_pipeline.csv",
    "accounts": "accounts.csv",
    "products": "products.csv",
    "teams": "sales_teams.csv",
}


@dataclass
class _Catalogue:
    ids: dict[str, int]  # normalised name → product id
    names: dict[str, str]  # normalised name → catalogue name
    prices: dict[str, int]  # normalised name → list price in cents


def import_maven(job: ImportJob, files: list[Path]) -> None:
    """The four Maven files into salesflow (see the module docstring)."""
    parts: dict[str, Path] = {}
    for path in files:
        with job.open_csv(path) as handle:
            part = maven_part(handle.header)
        if part is None:
            raise InvalidInput(f"{path} is not one of the Maven CRM files",
                               hint="pass " + ", ".join(PART_FILES.values()))  # fmt: skip
        if part in parts:
            raise InvalidInput(f"{path} and {parts[part]} are both the Maven {part} file")
        parts[part] = path
    missing = [name for part, name in PART_FILES.items() if part not in parts]
    if missing:
        raise InvalidInput(
            f"the maven preset needs all four files; missing {', '.join(missing)}",
            hint="pass the folder that holds them, or all four paths",
        )
    report = job.report
    now = now_utc()
    teams = _teams(job, parts["teams"])
    pipeline, stages = _pipeline(job.session, teams, report)
    catalogue = _products(job, parts["products"], now)
    accounts = _accounts(job, parts["accounts"])
    snapshot = _last_date(job, parts["pipeline"])
    job.writer = writer = ImportWriter(session=job.session, on_duplicate=report.on_duplicate,
                                       actor=job.actor, now=now)  # fmt: skip
    path = parts["pipeline"]
    stats = {"no_account": 0, "no_engage_date": 0, "unknown_account": 0, "unknown_agent": 0}
    matched: dict[tuple[str, str], int] = {}
    with job.open_csv(path) as handle:
        columns = {norm(h): i for i, h in enumerate(handle.header)}
        for record in handle.records():
            report.rows += 1
            if isinstance(record, BadRecord):
                job.reject(path.name, record.line, record.reason, handle.header, record.cells)
                continue
            cell = {name: record.cells[i].strip() for name, i in columns.items()}
            try:
                row = _row(cell, record.line, pipeline, stages, catalogue, accounts, teams,
                           snapshot, job.actor, stats, matched)  # fmt: skip
                writer.check(row)
            except RowRejected as exc:
                job.reject(path.name, record.line, exc.reason, handle.header, record.cells)
                continue
            if not job.failing:
                writer.add(row)
    report.counts = writer.finish(sync=job.keeps)
    report.pipelines[pipeline.key] = report.counts.deals_created
    for (theirs, ours), count in sorted(matched.items()):
        report.notes.append(
            f"product {theirs!r} matched {ours!r} in products.csv ({plural(count, 'deal')})"
        )
    if n := stats["no_account"]:
        report.notes.append(f"{_opportunities(n)} {noun(n, 'has', 'have')} no account: "
                            "imported without a company")  # fmt: skip
    if n := stats["no_engage_date"]:
        report.notes.append(
            f"{_opportunities(n, 'Prospecting ')} {noun(n, 'has', 'have')} no date: created on "
            f"{snapshot:%Y-%m-%d}, the last date in the data (its snapshot day)"
        )
    if n := stats["unknown_account"]:
        report.notes.append(f"{_opportunities(n)} {noun(n, 'names', 'name')} an account that "
                            "accounts.csv lacks: companies made with the name only")  # fmt: skip
    if n := stats["unknown_agent"]:
        whose = plural(n, "opportunity's agent is", "opportunities' agents are")
        report.notes.append(f"{whose} not in sales_teams.csv")
    report.notes.append(
        f"{plural(len(teams), 'sales agent')} {noun(len(teams), 'is', 'are')} the owners; "
        "salesflow has no teams, so their managers and regional offices are kept as comments in "
        "the maven pipeline (`export json`)"
    )
    report.extra = {
        "no_account": stats["no_account"],
        "created_on_snapshot": stats["no_engage_date"],
        "snapshot_date": snapshot.isoformat(),
        "product_matches": [
            {"file": theirs, "catalogue": ours, "deals": n} for (theirs, ours), n in matched.items()
        ],
        "teams": [
            {"agent": agent, "manager": manager, "regional_office": office}
            for agent, (manager, office) in sorted(teams.items())
        ],
    }


def _row(
    cell: dict[str, str],
    line: int,
    pipeline: Pipeline,
    stages: dict[str, Stage],
    catalogue: _Catalogue,
    accounts: dict[str, CompanyIn],
    teams: dict[str, tuple[str, str]],
    snapshot: date,
    actor: str,
    stats: dict[str, int],
    matched: dict[tuple[str, str], int],
) -> RowIn:
    opportunity = cell.get("opportunityid", "")
    if not opportunity:
        raise RowRejected("no opportunity_id")
    stage_key = STAGES.get(cell.get("dealstage", "").lower())
    if stage_key is None:
        raise RowRejected(f"deal_stage {cell.get('dealstage')!r} is not Prospecting, Engaging, "
                          "Won or Lost")  # fmt: skip
    agent = cell.get("salesagent", "")
    if not agent:
        raise RowRejected("no sales_agent")
    if agent not in teams:
        stats["unknown_agent"] += 1
    product_text = cell.get("product", "")
    key = norm(product_text)
    if key not in catalogue.ids:
        raise RowRejected(f"product {product_text!r} is not in products.csv")
    product_name = catalogue.names[key]
    if product_name != product_text:
        matched[(product_text, product_name)] = matched.get((product_text, product_name), 0) + 1
    account = cell.get("account", "")
    company = None
    if account:
        company = accounts.get(account)
        if company is None:
            stats["unknown_account"] += 1
            company = CompanyIn(name=account)
    else:
        stats["no_account"] += 1
    engaged = _date(cell.get("engagedate", ""), "engage_date")
    closed = _date(cell.get("closedate", ""), "close_date")
    note = f"imported from maven: sales_pipeline.csv line {line}"
    prospecting, engaging = stages["prospecting"].id, stages["engaging"].id
    assert prospecting is not None
    assert engaging is not None
    if stage_key == "prospecting":
        if engaged or closed:
            raise RowRejected("a Prospecting opportunity with an engage or close date")
        stats["no_engage_date"] += 1
        created = _midnight(snapshot)
        moves: list[tuple[int | None, int, datetime, str, str | None]] = [
            (None, prospecting, created, actor, note)
        ]
    else:
        if engaged is None:
            raise RowRejected(f"a {cell['dealstage']} opportunity without an engage_date")
        created = _midnight(engaged)
        moves = [
            (None, prospecting, created, actor, note),
            (prospecting, engaging, created, agent, None),
        ]
    value = catalogue.prices[key]
    outcome = None
    if stage_key in ("won", "lost"):
        if closed is None:
            raise RowRejected(f"a {cell['dealstage']} opportunity without a close_date")
        if engaged and closed < engaged:
            raise RowRejected(f"close_date {closed} is before engage_date {engaged}")
        value = _cents(cell.get("closevalue", ""))
        closed_at = _midnight(closed)
        target = stages[stage_key].id
        assert target is not None
        moves.append((engaging, target, closed_at, agent, None))
        outcome = OutcomeIn(outcome=stage_key, amount_minor=value, closed_on=closed,
                            at=closed_at, from_stage_id=engaging)  # fmt: skip
    elif closed:
        raise RowRejected(f"an {cell['dealstage']} opportunity with a close_date")
    title = f"{product_name} for {account}" if account else f"{product_name} ({opportunity})"
    stage = stages[stage_key]
    assert stage.id is not None
    assert pipeline.id is not None
    deal = DealIn(
        title=title, owner=agent, value_minor=value, currency="USD", pipeline_id=pipeline.id,
        stage_id=stage.id, status=stage_key if stage_key in ("won", "lost") else "open",
        created_at=created, moves=moves, external_id=opportunity,
        product_id=catalogue.ids[key], outcome=outcome,
    )  # fmt: skip
    return RowIn(line=line, company=company, deal=deal)


def _opportunities(count: int, kind: str = "") -> str:
    """`1 opportunity`, `3 Prospecting opportunities`."""
    return plural(count, f"{kind}opportunity", f"{kind}opportunities")


def _midnight(day: date) -> datetime:
    return to_utc(datetime(day.year, day.month, day.day))


def _date(text: str, what: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise RowRejected(f"{what} {text!r} is not a date (YYYY-MM-DD)") from None


def _cents(text: str) -> int:
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise RowRejected(f"close_value {text!r} is not an amount") from None
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise RowRejected(f"close_value {text!r} is not an amount in dollars and cents")
    return int(amount * 100)


def _rows(job: ImportJob, path: Path) -> list[tuple[int, dict[str, str], list[str], list[str]]]:
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


def _teams(job: ImportJob, path: Path) -> dict[str, tuple[str, str]]:
    teams = {}
    for line, cell, _raw, _header in _rows(job, path):
        if not cell.get("salesagent"):
            raise InvalidInput(f"{path.name} line {line}: no sales_agent")
        teams[cell["salesagent"]] = (cell.get("manager", ""), cell.get("regionaloffice", ""))
    return teams


def _pipeline(
    session: Session, teams: dict[str, tuple[str, str]], report: object
) -> tuple[Pipeline, dict[str, Stage]]:
    """The `maven` pipeline: made on the first import, reused (when its stages fit) after."""
    from sqlmodel import select

    from salesflow.services.deals.pipelines import add_pipeline, parse_pipeline, stages_of

    found = session.exec(select(Pipeline).where(Pipeline.key == "maven")).first()
    if found is None:
        text = PIPELINE_TOML + _team_comments(teams)
        add_pipeline(parse_pipeline(text, "maven pipeline"), text, session=session)
        found = session.exec(select(Pipeline).where(Pipeline.key == "maven")).one()
        report.pipeline_created = "maven"  # type: ignore[attr-defined]
    assert found.id is not None
    stages = {s.key: s for s in stages_of(found.id, session=session)}
    kinds = {"prospecting": "open", "engaging": "open", "won": "won", "lost": "lost"}
    if any(k not in stages or stages[k].kind != kind for k, kind in kinds.items()):
        raise InvalidInput(
            "a pipeline `maven` exists with other stages",
            hint="it needs prospecting, engaging, won and lost; rename the existing one",
        )
    return found, stages


def _team_comments(teams: dict[str, tuple[str, str]]) -> str:
    lines = ["", "# Sales teams in the data (salesflow has no teams; the agents are the owners):"]
    by_team: dict[tuple[str, str], list[str]] = {}
    for agent, (manager, office) in teams.items():
        by_team.setdefault((office, manager), []).append(agent)
    for (office, manager), agents in sorted(by_team.items()):
        lines.append(f"# {office} office, manager {manager}: {', '.join(sorted(agents))}")
    return "\n".join(lines) + "\n"


def _products(job: ImportJob, path: Path, now: datetime) -> _Catalogue:
    """products.csv into the catalogue (USD, each); existing SKUs or names per --on-duplicate."""
    from sqlmodel import select

    session = job.session
    existing: dict[str, Product] = {}
    for known in session.exec(select(Product)):
        existing.setdefault(norm(known.sku), known)
        existing.setdefault(norm(known.name), known)
    catalogue = _Catalogue({}, {}, {})
    for line, cell, _raw, _header in _rows(job, path):
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


def _accounts(job: ImportJob, path: Path) -> dict[str, CompanyIn]:
    accounts = {}
    fixed: dict[tuple[str, str, str], int] = {}
    for line, cell, _raw, _header in _rows(job, path):
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


def _last_date(job: ImportJob, path: Path) -> date:
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
