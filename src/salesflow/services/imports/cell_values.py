"""Reading one cell of an imported row: a head count, a currency, an amount of money in minor
units, a day or a moment (naive UTC, a bare date being local midnight). Each refuses a value it
cannot read with `RowRejected`, and remembers the values that recur down a file."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from salesflow.clock import to_local, to_utc
from salesflow.errors import InvalidInput
from salesflow.services.imports.records import RowRejected

if TYPE_CHECKING:
    from salesflow.services.imports.rows import RowContext

_SYMBOLS = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "CHF": "CHF"}
_MONEY = re.compile(  # a currency sign or code before or after the amount: $12k, 1,200 EUR
    r"([A-Z]{3}|US\$|[$€£¥₹])?\s*([0-9][0-9,. _]*[kKmM]?)\s*([A-Z]{3}|[$€£¥₹])?"
)


def cell_count(text: str | None) -> int | None:
    if text is None:
        return None
    digits = text.replace(",", "").replace("_", "").replace(" ", "")
    if not digits.isascii() or not digits.isdigit():
        raise RowRejected(f"employees {text!r} is not a whole number")
    return int(digits)


_CURRENCIES: dict[str, str] = {}


def cell_currency(text: str) -> str:
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


def cell_value_minor(text: str, currency: str | None, default: str) -> tuple[int, str | None]:
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
        currency = cell_currency(match.group(1) or match.group(3))
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


def cell_moment(ctx: RowContext, text: str | None, what: str) -> datetime | None:
    """A date or date-time cell as naive UTC (a bare date is local midnight); None when empty."""
    return cell_when(ctx, text, what) if text else None


def cell_when(ctx: RowContext, text: str, what: str) -> datetime:
    """A non-empty date or date-time cell as naive UTC (a bare date is local midnight)."""
    raw = text.strip()
    if _DATETIME.match(raw):
        try:
            moment = datetime.fromisoformat(raw)  # Python 3.11 reads a `Z` suffix
        except ValueError:
            raise RowRejected(f"{what} {text!r} is not a real date-time") from None
        if moment.tzinfo is not None:
            return to_utc(moment)
        return local_to_utc(ctx, moment)
    day = cell_day(ctx, raw, what)
    assert day is not None
    return local_to_utc(ctx, datetime(day.year, day.month, day.day))


def local_to_utc(ctx: RowContext, moment: datetime) -> datetime:
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


def cell_day(ctx: RowContext, text: str | None, what: str) -> date | None:
    if not text:
        return None
    raw = text.strip()
    known = ctx._days.get(raw)
    if known is not None:
        return known
    if _DATETIME.match(raw):
        moment = cell_moment(ctx, raw, what)
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
