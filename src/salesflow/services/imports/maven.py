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
- sales agents are owners, in a team per manager (`Dustin Brinkmann's team`) with the
  manager's regional office as its office (`team list`, `report reps --by team|manager|office`);
  an agent already in a team is moved to the data's. The teams are also comments in the `maven`
  pipeline's TOML, and listed in the report.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING

from salesflow.clock import now_utc, to_utc
from salesflow.domain.deals import OUTCOMES, DealStatus, StageKind
from salesflow.errors import InvalidInput
from salesflow.models import Pipeline, Stage
from salesflow.services.imports.csvfile import BadRecord
from salesflow.services.imports.mapping import maven_part, norm
from salesflow.services.imports.maven_reference import (
    Catalogue,
    read_accounts,
    read_products,
    read_teams,
    snapshot_day,
)
from salesflow.services.imports.records import CompanyIn, DealIn, OutcomeIn, RowIn, RowRejected
from salesflow.services.imports.writer import ImportWriter
from salesflow.words import noun, plural

if TYPE_CHECKING:
    from sqlmodel import Session

    from salesflow.services.imports.job import ImportJob

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
STAGES = {"prospecting": "prospecting", "engaging": "engaging", "won": "won", "lost": "lost"}
PART_FILES = {
    "pipeline": "sales_pipeline.csv",
    "accounts": "accounts.csv",
    "products": "products.csv",
    "teams": "sales_teams.csv",
}


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
    teams = read_teams(job, parts["teams"])
    pipeline, stages = _pipeline(job.session, teams, report)
    report.notes.extend(_fill_teams(teams, session=job.session))
    catalogue = read_products(job, parts["products"], now)
    accounts = read_accounts(job, parts["accounts"])
    snapshot = snapshot_day(job, parts["pipeline"])
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
    managers = {manager.lower() for manager, _ in teams.values() if manager}
    report.notes.append(
        f"{plural(len(teams), 'sales agent')} {noun(len(teams), 'is', 'are')} the owners, in "
        f"{plural(len(managers), 'team')}, one per manager with its regional office "
        "(`salesflow team list`)"
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
    catalogue: Catalogue,
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
    if stage_key in OUTCOMES:  # the maven pipeline names its outcome stages as the outcomes
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
        stage_id=stage.id,
        status=DealStatus(stage_key) if stage_key in OUTCOMES else DealStatus.OPEN,
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
    kinds = {"prospecting": StageKind.OPEN, "engaging": StageKind.OPEN, "won": StageKind.WON,
             "lost": StageKind.LOST}  # fmt: skip
    if any(k not in stages or stages[k].kind != kind for k, kind in kinds.items()):
        raise InvalidInput(
            "a pipeline `maven` exists with other stages",
            hint="it needs prospecting, engaging, won and lost; rename the existing one",
        )
    return found, stages


def team_name(manager: str) -> str:
    """The team a Maven manager leads."""
    return f"{manager}'s team"


def _fill_teams(teams: dict[str, tuple[str, str]], *, session: Session) -> list[str]:
    """A team per manager (names compared case-insensitively), with the office of the
    manager's first agent in the file; each agent in their manager's team, an agent with no
    manager in none. What the data left unclear, as notes."""
    from salesflow.services.teams import ensure_team, set_membership

    offices: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for manager, office in teams.values():
        if manager:
            key = manager.lower()
            names.setdefault(key, manager)
            if office not in offices.setdefault(key, []):
                offices[key].append(office)
    notes = []
    for key, manager in names.items():
        ensure_team(team_name(manager), manager=manager, office=offices[key][0], session=session)
        if len(offices[key]) > 1:
            listed = ", ".join(offices[key])
            notes.append(f"manager {manager} is listed with the offices {listed}: the team's "
                         f"office is {offices[key][0]}")  # fmt: skip
    alone = []
    for agent, (manager, _) in teams.items():
        if manager:
            set_membership(agent, team_name(names[manager.lower()]), session=session)
        else:
            alone.append(agent)
    if alone:
        notes.append(f"{plural(len(alone), 'sales agent')} without a manager in no team: "
                     + ", ".join(alone))  # fmt: skip
    return notes


def _team_comments(teams: dict[str, tuple[str, str]]) -> str:
    lines = ["", "# Sales teams in the data (`salesflow team list`):"]
    by_team: dict[tuple[str, str], list[str]] = {}
    for agent, (manager, office) in teams.items():
        by_team.setdefault((office, manager), []).append(agent)
    for (office, manager), agents in sorted(by_team.items()):
        lines.append(f"# {office} office, manager {manager}: {', '.join(sorted(agents))}")
    return "\n".join(lines) + "\n"
