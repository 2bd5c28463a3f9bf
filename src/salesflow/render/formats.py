"""How values read on screen and in JSON: money, dates, times, rates."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from salesflow.parsing.money import from_minor, money_text


def money_json(minor: int, currency: str) -> str:
    """JSON money: a decimal string in major units."""
    return money_text(minor, currency)


def money_screen(minor: int, currency: str) -> str:
    """Money for people: thousands separators and the currency code."""
    amount = from_minor(minor, currency)
    return f"{amount:,} {currency}"


def money_short(minor: int, currency: str) -> str:
    """Money where space is short (the board's cards): as `money_screen`, without a zero
    fraction (`157,500 USD`, but `1,250.50 USD`)."""
    amount = from_minor(minor, currency)
    if amount == amount.to_integral_value():
        return f"{int(amount):,} {currency}"
    return f"{amount:,} {currency}"


def when_json(moment: datetime | None) -> str | None:
    """A stored UTC timestamp as ISO 8601 UTC."""
    return None if moment is None else moment.replace(microsecond=0).isoformat() + "Z"


def when_screen(moment: datetime | None) -> str:
    """A stored UTC timestamp in the user's local time."""
    from salesflow.clock import to_local

    return "" if moment is None else to_local(moment).strftime("%Y-%m-%d %H:%M")


def day_json(day: date | None) -> str | None:
    """A date as ISO 8601."""
    return None if day is None else day.isoformat()


def rate_json(rate: Decimal | None) -> float | None:
    """A ratio as a JSON number (four decimals), or null."""
    return None if rate is None else float(rate)


def percent(rate: Decimal | None) -> str:
    """A ratio as a percentage for people."""
    return "–" if rate is None else f"{rate * 100:.1f}%"
