"""One CSV record → one importable row: every cell parsed and checked, or a reason why not.

Nothing here writes. A row that fails raises `RowRejected` with a reason a person can act on
("value 'abc' is not an amount"); the importer puts it in the errors file or fails the import.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from operator import itemgetter
from typing import TYPE_CHECKING, NamedTuple

from salesflow.clock import to_local, to_utc
from salesflow.domain import inputs
from salesflow.domain.inputs import MAX_REP, MAX_TEXT, control_character, invisible
from salesflow.errors import InvalidInput, NotFound
from salesflow.models import Pipeline, Stage
from salesflow.services.imports.mapping import ColumnPlan
from salesflow.services.imports.writer import (
    CompanyIn,
    ContactIn,
    DealIn,
    OutcomeIn,
    RowIn,
    RowRejected,
)

if TYPE_CHECKING:
    from sqlmodel import Session

_NAME_AND_EMAIL = re.compile(r"^(.*?)\s*[(<]\s*([^()<>\s]+@[^()<>\s]+)\s*[)>]\s*$")
_SYMBOLS = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "CHF": "CHF"}
_MONEY = re.compile(  # a currency sign or code before or after the amount: $12k, 1,200 EUR
    r"([A-Z]{3}|US\$|[$€£¥₹])?\s*([0-9][0-9,. _]*[kKmM]?)\s*([A-Z]{3}|[$€£¥₹])?"
)
_STATUS = {"open": "open", "won": "won", "lost": "lost", "closed won": "won", "closed lost": "lost"}


@dataclass
class _PipelineInfo:
    pipeline: Pipeline
    stages: list[Stage]
    first: Stage
    won: Stage
    lost: Stage
    by_name: dict[str, Stage] = field(default_factory=dict)  # key or name, lower-cased


class _Placement(NamedTuple):
    """Where a row's deal goes, worked out once per distinct (pipeline, stage, status) cells."""

    pipeline_id: int
    pipeline_key: str
    stage_id: int  # the stage the deal is in now (the outcome stage when closed)
    status: str
    entered_id: int  # the open stage its history starts in
    outcome_id: int  # won or lost stage (used when closed)


@dataclass
class RowContext:
    """What turning rows into records needs to know, looked up once per import."""

    session: Session
    plan: ColumnPlan
    preset: str
    source_label: str  # "pipedrive: deals.csv", for the first stage move's note
    actor: str
    now: datetime
    default_currency: str
    lost_reasons: tuple[str, ...]
    date_order: str | None
    pipeline_option: str | None
    stage_map: dict[str, str] = field(default_factory=dict)  # file stage (lower) → our key
    lost_as_other: int = 0
    pipelines_used: dict[str, int] = field(default_factory=dict)
    _pipelines: dict[str, _PipelineInfo | None] = field(default_factory=dict)
    _placements: dict[tuple[str | None, str | None, str | None], _Placement] = field(
        default_factory=dict
    )
    _products: dict[str, int] | None = None
    _days: dict[str, date] = field(default_factory=dict)
    _offsets: dict[datetime, timedelta] = field(default_factory=dict)  # local hour → to UTC
    _columns: tuple[tuple[str, int], ...] = ()
    pick: Callable[[list[str]], tuple[str, ...]] = field(init=False)  # the PICKED fields' cells
    has_title: bool = field(init=False)  # a file without a title column adds no deals

    def __post_init__(self) -> None:
        fields = self.plan.fields
        self._columns = tuple(fields.items())
        self.pick = itemgetter(*(fields.get(name, -1) for name in PICKED))
        self.has_title = "title" in fields


def pipeline_info(name: str | None, *, session: Session) -> _PipelineInfo:
    """A pipeline and its stages (first open stage, won, lost)."""
    from salesflow.services.deals.pipelines import get_pipeline, stages_of

    pipeline = get_pipeline(name, session=session)
    assert pipeline.id is not None
    stages = stages_of(pipeline.id, session=session)
    return _PipelineInfo(
        pipeline=pipeline,
        stages=stages,
        first=next(s for s in stages if s.is_open),
        won=next(s for s in stages if s.kind == "won"),
        lost=next(s for s in stages if s.kind == "lost"),
        by_name={**{s.name.lower(): s for s in stages}, **{s.key.lower(): s for s in stages}},
    )


def _pipeline(ctx: RowContext, named: str | None) -> _PipelineInfo:
    """`--pipeline`, else the pipeline the row names when it exists, else the default."""
    wanted = ctx.pipeline_option or named or ""
    key = wanted.strip().lower()
    if key not in ctx._pipelines:
        try:
            ctx._pipelines[key] = pipeline_info(key or None, session=ctx.session)
        except NotFound:
            if ctx.pipeline_option:
                raise
            ctx._pipelines[key] = None
    info = ctx._pipelines[key]
    if info is None:  # the file names a pipeline we do not have: the default one
        info = ctx._pipelines.setdefault("", pipeline_info(None, session=ctx.session))
        assert info is not None
    return info


# The fields a row can give, in the order `RowContext.pick` hands them out.
PICKED = ("title", "value", "currency", "pipeline", "stage", "status", "company", "contact",
          "first_name", "last_name", "email", "phone", "job_title", "owner", "source",
          "close_by", "created", "won_on", "lost_on", "closed_on", "lost_reason", "competitor",
          "industry", "employees", "country", "external_id", "product")  # fmt: skip


def build_row(ctx: RowContext, line: int, cells: list[str]) -> RowIn | None:
    """The row as records, or None for a row with nothing in it."""
    # This runs once per row of files of 100,000 rows and more, so it is written for speed:
    # every field's cell picked in one call (a field the file lacks reads as ""), anything that
    # can be worked out once cached on the context.
    values = list(map(str.strip, cells))
    if not any(values):
        return None
    values.append("")  # what a field without a column reads
    if max(map(len, values)) > MAX_TEXT:
        for name, index in ctx._columns:
            if len(values[index]) > MAX_TEXT:
                raise RowRejected(f"{name} is longer than {MAX_TEXT} characters")
    picked = ctx.pick(values)
    if not all(map(str.isprintable, picked)):  # rare: checked in C first
        picked = _one_line(picked)
    if not all(map(str.isascii, picked)):  # only non-ASCII text can be all invisible
        _visible(picked)
    (title, _, _, _, _, _, company_name, contact_name, first_name, last_name, email, phone,
     job_title, owner, _, _, _, _, _, _, _, _, industry, employees,
     country, _, _) = picked  # fmt: skip
    if len(owner) > MAX_REP:
        raise RowRejected(f"owner is longer than {MAX_REP} characters")

    company = None
    if company_name:
        company = CompanyIn(company_name, industry or None,
                            _count(employees) if employees else None, country or None)  # fmt: skip
    elif industry or employees or country:
        raise RowRejected("industry, employees or country describe a company, and it has none")
    contact = None
    if contact_name or first_name or last_name or email:
        contact = _contact(contact_name, first_name, last_name, email)
        if contact:
            contact.phone = phone or None
            contact.title = job_title or None
    if not ctx.has_title:
        if company is None and contact is None:
            raise RowRejected("no company, contact or deal in this row")
        return RowIn(line, company, contact)
    if not title:
        raise RowRejected("the deal has no title")
    return RowIn(line, company, contact, _deal(ctx, line, picked))


_LINE_BREAKS = re.compile(r"[\t\r\n\u2028\u2029]+")


def _one_line(picked: tuple[str, ...]) -> tuple[str, ...]:
    """Every field an import reads is one line (names, amounts, dates, reasons): a line break or
    tab inside a cell becomes a space, as in a spreadsheet's cell view; any other control
    character (an escape sequence, a bell) rejects the row, as it does on the command line."""
    cleaned = []
    for name, value in zip(PICKED, picked, strict=False):
        if not value.isprintable():
            value = _LINE_BREAKS.sub(" ", value).strip()
            problem = control_character(value)
            if problem:
                raise RowRejected(f"{name} contains {problem}")
        cleaned.append(value)
    return tuple(cleaned)


# the names a row gives (their positions in PICKED): each must show something
_NAMED = tuple(PICKED.index(n) for n in ("title", "company", "contact", "first_name",
                                         "last_name", "email", "owner"))  # fmt: skip


def _visible(picked: tuple[str, ...]) -> None:
    """A name made only of invisible characters (zero-width, bidi controls) is refused, as on
    the command line: it would look empty everywhere it is shown."""
    for index in _NAMED:
        value = picked[index]
        if value and invisible(value):
            raise RowRejected(f"{PICKED[index]} {value!a} holds only invisible characters")


def _contact(name: str, first: str, last: str, email: str) -> ContactIn | None:
    if name and ("(" in name or "<" in name):
        paired = _NAME_AND_EMAIL.match(name)  # HubSpot: "Jo Smith (jo@acme.com)"
        if paired:
            name, email = paired.group(1).strip(), email or paired.group(2)
    if not name and (first or last):
        name = " ".join(p for p in (first, last) if p)
    if email:
        try:
            email = inputs.email(email)
        except inputs.Refused as exc:
            raise RowRejected(f"email {exc.message}") from None
    if not name and not email:
        return None
    return ContactIn(name or email.split("@")[0], email or None)


def _deal(ctx: RowContext, line: int, picked: tuple[str, ...]) -> DealIn:
    (title, value_text, currency_text, pipeline_text, stage_text, status_text, _, _, _, _, _, _,
     _, owner, source, close_by_text, created_text, won_on, lost_on, closed_on, lost_reason,
     competitor, _, _, _, external_id, product) = picked  # fmt: skip
    if pipeline_text or ctx.pipeline_option:
        _pipeline(ctx, pipeline_text or None)  # an unknown --pipeline fails before any cell
    currency = _currency(currency_text) if currency_text else None
    value_minor = 0
    if value_text:
        value_minor, value_currency = _value_minor(value_text, currency, ctx.default_currency)
        currency = currency or value_currency
    currency = currency or ctx.default_currency

    placement = _place(ctx, pipeline_text or None, stage_text or None, status_text or None)
    status = placement.status
    now = ctx.now
    created = _when(ctx, created_text, "created") if created_text else now
    if created > now:
        raise RowRejected(f"created {to_local(created):%Y-%m-%d} is in the future")
    close_by = _day(ctx, close_by_text, "close_by") if close_by_text else None
    if status == "open" and close_by is None and closed_on:
        close_by = _day(ctx, closed_on, "close date")  # HubSpot: the expected close date
    key = placement.pipeline_key
    ctx.pipelines_used[key] = ctx.pipelines_used.get(key, 0) + 1
    first_note = f"imported from {ctx.source_label} line {line}"
    product_id = _product(ctx, product) if product else None
    if status == "open":
        stage_id = placement.stage_id
        return DealIn(
            title, owner or ctx.actor, value_minor, currency, placement.pipeline_id, stage_id,
            "open", created, [(None, stage_id, created, ctx.actor, first_note)],
            source or None, close_by, external_id or None, product_id,
        )  # fmt: skip
    closed_text = (won_on if status == "won" else lost_on) or closed_on
    closed_at = _when(ctx, closed_text, f"{status} date") if closed_text else None
    if closed_at is None:
        raise RowRejected(f"the deal is {status} but the row has no {status} date")
    if closed_at > now:
        raise RowRejected(f"{status} date {to_local(closed_at):%Y-%m-%d} is in the future")
    if closed_at < created:
        raise RowRejected(
            f"{status} on {to_local(closed_at):%Y-%m-%d}, before it was created "
            f"({to_local(created):%Y-%m-%d})"
        )
    entered, outcome_stage = placement.entered_id, placement.outcome_id
    owner = owner or ctx.actor
    reason, note = (None, None) if status == "won" else _reason(ctx, lost_reason or None)
    return DealIn(
        title, owner, value_minor, currency, placement.pipeline_id, outcome_stage, status,
        created,
        [(None, entered, created, ctx.actor, first_note),
         (entered, outcome_stage, closed_at, owner, None)],
        source or None, close_by, external_id or None, product_id,
        OutcomeIn(
            outcome=status, amount_minor=value_minor, closed_on=to_local(closed_at).date(),
            at=closed_at, from_stage_id=entered, reason=reason,
            competitor=(competitor or None) if status == "lost" else None, note=note,
        ),
    )  # fmt: skip


def _place(
    ctx: RowContext, pipeline_text: str | None, stage_text: str | None, status_text: str | None
) -> _Placement:
    """The deal's pipeline, stage and status from its cells (the same cells, the same answer:
    cached; a rejection is not, so every bad row gets its own reason)."""
    cache_key = (pipeline_text, stage_text, status_text)
    found = ctx._placements.get(cache_key)
    if found is None:
        info = _pipeline(ctx, pipeline_text)
        stage, status = _stage_and_status(ctx, info, stage_text, status_text)
        entered = stage if stage.is_open else info.first
        outcome = info.won if status == "won" else info.lost
        assert info.pipeline.id is not None
        assert stage.id is not None
        assert entered.id is not None
        assert outcome.id is not None
        found = _Placement(info.pipeline.id, info.pipeline.key, stage.id, status, entered.id,
                           outcome.id)  # fmt: skip
        if status != "open":
            found = found._replace(stage_id=outcome.id)
        if len(ctx._placements) < 10_000:
            ctx._placements[cache_key] = found
    return found


def _stage_and_status(
    ctx: RowContext, info: _PipelineInfo, stage_text: str | None, status_text: str | None
) -> tuple[Stage, str]:
    status = None
    if status_text:
        status = _STATUS.get(status_text.strip().lower())
        if status is None:
            if status_text.strip().lower() == "deleted":
                raise RowRejected("the deal was deleted in the system it comes from")
            raise RowRejected(f"status {status_text!r} is not open, won or lost")
    stage = info.first
    if stage_text:
        wanted = ctx.stage_map.get(stage_text.strip().lower(), stage_text).strip().lower()
        found = [info.by_name[wanted]] if wanted in info.by_name else []
        if not found and wanted in ("won", "closed won", "lost", "closed lost"):
            found = [info.won if "won" in wanted else info.lost]
        if not found:
            raise RowRejected(
                f"stage {stage_text!r} is not in pipeline {info.pipeline.key} "
                f"({', '.join(s.name for s in info.stages)}): map it with --stage "
                f"'{stage_text}=KEY'"
            )
        stage = found[0]
    if not stage.is_open:
        if status and status != stage.kind:
            raise RowRejected(f"status {status_text!r} contradicts stage {stage_text!r}")
        status = stage.kind
    return stage, status or "open"


def _reason(ctx: RowContext, text: str | None) -> tuple[str | None, str | None]:
    """A lost reason from the configured list; anything else is `other`, its words in the note."""
    if not text:
        return None, None
    wanted = re.sub(r"[\s_]+", "-", text.strip().lower())
    if wanted in ctx.lost_reasons:
        return wanted, None
    ctx.lost_as_other += 1
    return ("other" if "other" in ctx.lost_reasons else None), text


def _product(ctx: RowContext, text: str | None) -> int | None:
    if not text:
        return None
    if ctx._products is None:
        from sqlmodel import select

        from salesflow.models import Product
        from salesflow.services.imports.mapping import norm

        ctx._products = {}
        for pid, sku, name in ctx.session.exec(select(Product.id, Product.sku, Product.name)):
            ctx._products.setdefault(norm(sku), pid)  # type: ignore[arg-type]
            ctx._products.setdefault(norm(name), pid)  # type: ignore[arg-type]
    from salesflow.services.imports.mapping import norm

    found = ctx._products.get(norm(text))
    if found is None:
        raise RowRejected(f"product {text!r} is not in the catalogue")
    return found


def _count(text: str | None) -> int | None:
    if text is None:
        return None
    digits = text.replace(",", "").replace("_", "").replace(" ", "")
    if not digits.isascii() or not digits.isdigit():
        raise RowRejected(f"employees {text!r} is not a whole number")
    return int(digits)


_CURRENCIES: dict[str, str] = {}


def _currency(text: str) -> str:
    found = _CURRENCIES.get(text)
    if found is None:
        found = _parse_currency(text)
        if len(_CURRENCIES) < 1000:
            _CURRENCIES[text] = found
    return found


def _parse_currency(text: str) -> str:
    from salesflow.parsing.money import check_currency

    raw = text.strip()
    bracketed = re.search(r"\(([A-Za-z]{3})\)", raw)  # "US Dollar (USD)"
    code = bracketed.group(1) if bracketed else _SYMBOLS.get(raw.upper(), raw)
    try:
        return check_currency(code)
    except InvalidInput:
        raise RowRejected(f"currency {text!r} is not an ISO 4217 code") from None


_PLAIN = re.compile(r"(\d{1,3}(?:,\d{3})+|\d{1,15})(?:\.(\d{1,4}))?")


_VALUES: dict[tuple[str, str | None, str], tuple[int, str | None]] = {}


def _value_minor(text: str, currency: str | None, default: str) -> tuple[int, str | None]:
    """The value in minor units, and the currency it names (the same few amounts recur down a
    file: remembered; a refused one is not, so each bad row gets its own reason)."""
    key = (text, currency, default)
    found = _VALUES.get(key)
    if found is None:
        found = _parse_value(text, currency, default)
        if len(_VALUES) < 10_000:
            _VALUES[key] = found
    return found


def _parse_value(text: str, currency: str | None, default: str) -> tuple[int, str | None]:
    """The value in minor units, and the currency it names; a fast path for plain numbers."""
    plain = _PLAIN.fullmatch(text)
    if plain:
        from salesflow.parsing.money import exponent

        places = exponent(currency or default)
        whole, fraction = plain.group(1).replace(",", ""), plain.group(2) or ""
        if len(fraction.rstrip("0")) <= places:
            return int(whole) * 10**places + int((fraction + "0" * places)[:places] or 0), None
    amount, value_currency = _amount(text)
    if value_currency and currency and value_currency != currency:
        raise RowRejected(f"value {text!r} is in {value_currency}, the row says {currency}")
    return _minor(amount, currency or value_currency or default, text), value_currency


def _amount(text: str) -> tuple[Decimal, str | None]:
    """An amount with an optional currency sign or code before or after it."""
    from salesflow.parsing.money import parse_amount

    raw = text.strip().replace("\u00a0", " ")
    currency = None
    match = _MONEY.fullmatch(raw)
    if match and (match.group(1) or match.group(3)):
        currency = _currency(match.group(1) or match.group(3))
        raw = match.group(2).strip()
    if re.fullmatch(r"\d{1,3}(\.\d{3})+,\d{1,2}", raw):
        raise RowRejected(f"value {text!r} uses a decimal comma: write 12000.50 or 12,000.50")
    try:
        return parse_amount(raw), currency
    except InvalidInput as exc:
        raise RowRejected(f"value {text!r}: {exc.message}") from None


def _minor(amount: Decimal, currency: str, text: str) -> int:
    from salesflow.parsing.money import to_minor

    try:
        return to_minor(amount, currency)
    except InvalidInput as exc:
        raise RowRejected(f"value {text!r}: {exc.message}") from None


_DATETIME = re.compile(
    r"^(\d{4}-\d{2}-\d{2})[T ](\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?$"
)


def _moment(ctx: RowContext, text: str | None, what: str) -> datetime | None:
    """A date or date-time cell as naive UTC (a bare date is local midnight); None when empty."""
    return _when(ctx, text, what) if text else None


def _when(ctx: RowContext, text: str, what: str) -> datetime:
    """A non-empty date or date-time cell as naive UTC (a bare date is local midnight)."""
    raw = text.strip()
    if _DATETIME.match(raw):
        try:
            moment = datetime.fromisoformat(raw)  # Python 3.11 reads a `Z` suffix
        except ValueError:
            raise RowRejected(f"{what} {text!r} is not a real date-time") from None
        if moment.tzinfo is not None:
            return to_utc(moment)
        return _local_to_utc(ctx, moment)
    day = _day(ctx, raw, what)
    assert day is not None
    return _local_to_utc(ctx, datetime(day.year, day.month, day.day))


def _local_to_utc(ctx: RowContext, moment: datetime) -> datetime:
    """`to_utc` of a naive local time, with the zone's offset looked up once per hour: the time
    zone rules are the slow part, and a file's rows share their hours. An hour with an offset
    change in it (its first and last instants differ) is not cached."""
    hour = moment.replace(minute=0, second=0, microsecond=0)
    offset = ctx._offsets.get(hour)
    if offset is None:
        offset = to_utc(hour) - hour
        end = hour + _LAST_OF_HOUR
        if to_utc(end) - end != offset:
            return to_utc(moment)
        if len(ctx._offsets) < 100_000:
            ctx._offsets[hour] = offset
    return moment + offset


_LAST_OF_HOUR = timedelta(minutes=59, seconds=59, microseconds=999_999)


def _day(ctx: RowContext, text: str | None, what: str) -> date | None:
    if not text:
        return None
    raw = text.strip()
    known = ctx._days.get(raw)
    if known is not None:
        return known
    if _DATETIME.match(raw):
        moment = _moment(ctx, raw, what)
        return to_local(moment).date() if moment else None
    day = _parse_day(ctx, raw, what)
    if len(ctx._days) < 100_000:  # the same few dates recur down a file
        ctx._days[raw] = day
    return day


def _parse_day(ctx: RowContext, raw: str, what: str) -> date:
    from salesflow.parsing.dates import _SLASHED, _iso, _slashed

    try:
        slashed = _SLASHED.match(raw)
        if slashed:
            return _slashed(raw, slashed, ctx.date_order)
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
            raise InvalidInput(f"cannot understand the date {raw!r} (use YYYY-MM-DD)")
        return _iso(raw)
    except InvalidInput as exc:
        raise RowRejected(f"{what}: {exc.message}") from None
