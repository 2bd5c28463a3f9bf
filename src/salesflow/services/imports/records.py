"""What one imported row brings in: a company, a contact and a deal (with its moves and close
outcome) as the CSV, Maven and JSON readers hand them to the `ImportWriter`, the reason a row is
rejected, and the counts an import reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from salesflow.domain.deals import STATUSES


class RowRejected(Exception):
    """A row that cannot be imported, and why (it goes to the errors file or fails the import)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(slots=True)
class CompanyIn:
    """A company as a row describes it."""

    name: str
    industry: str | None = None
    employees: int | None = None
    country: str | None = None


@dataclass(slots=True)
class ContactIn:
    """A person as a row describes them."""

    name: str
    email: str | None = None
    phone: str | None = None
    title: str | None = None


@dataclass(slots=True)
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


@dataclass(slots=True)
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


@dataclass(slots=True)
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
    by_status: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))
    # key → the spellings merged into one company, for the keys the file spells more than one way
    company_variants: dict[str, set[str]] = field(default_factory=dict)
