"""Dates as people type them: ISO 8601, `today`, `+3d`, `fri`, `next monday`, `eow`, `eom`.

Relative forms count from the clock's today, so `SALESFLOW_NOW` makes them reproducible.
Ambiguous slashed dates (`03/04/2026`) are refused unless the config sets `date_order`.
"""

from __future__ import annotations

import re
from calendar import monthrange
from datetime import date, datetime, timedelta

from salesflow.errors import InvalidInput

WEEKDAYS = {
    "mon": 0, "monday": 0, "tue": 1, "tues": 1, "tuesday": 1, "wed": 2, "wednesday": 2,
    "thu": 3, "thur": 3, "thurs": 3, "thursday": 3, "fri": 4, "friday": 4,
    "sat": 5, "saturday": 5, "sun": 6, "sunday": 6,
}  # fmt: skip

_OFFSET = re.compile(r"^([+-])(\d{1,4})([dwmy])$", re.ASCII)
_SLASHED = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$", re.ASCII)
HINT = "use YYYY-MM-DD, today, tomorrow, +3d, +2w, +1m, fri, next monday, eow or eom"


def parse_date(text: str, *, today: date, date_order: str | None = None) -> date:
    """One calendar date from what the user typed, or InvalidInput naming what is wrong."""
    raw = text.strip()
    word = raw.lower()
    if not word:
        raise InvalidInput("empty date", hint=HINT)
    simple = {"today": 0, "tomorrow": 1, "yesterday": -1}
    if word in simple:
        return today + timedelta(days=simple[word])
    offset = _OFFSET.match(word)
    if offset:
        return _shift(today, offset.group(1), int(offset.group(2)), offset.group(3))
    if word == "eow":
        return today + timedelta(days=6 - today.weekday())
    if word == "eom":
        return today.replace(day=monthrange(today.year, today.month)[1])
    if word.startswith("next "):
        day = WEEKDAYS.get(word[5:].strip())
        if day is not None:
            return today + timedelta(days=(day - today.weekday() - 1) % 7 + 1)
    if word in WEEKDAYS:
        return today + timedelta(days=(WEEKDAYS[word] - today.weekday()) % 7)
    slashed = _SLASHED.match(word)
    if slashed:
        return _slashed(raw, slashed, date_order)
    return _iso(raw)


def parse_datetime(text: str, *, today: date, date_order: str | None = None) -> datetime:
    """A date-time: ISO 8601 with a time, or any date form (meaning local midnight)."""
    raw = text.strip()
    if "T" in raw or (" " in raw and ":" in raw):
        try:
            return datetime.fromisoformat(raw)
        except ValueError:
            raise InvalidInput(f"{raw!r} is not a valid date-time", hint=HINT) from None
    day = parse_date(raw, today=today, date_order=date_order)
    return datetime(day.year, day.month, day.day)


def _shift(today: date, sign: str, amount: int, unit: str) -> date:
    from dateutil.relativedelta import relativedelta

    step = amount if sign == "+" else -amount
    delta = {
        "d": relativedelta(days=step),
        "w": relativedelta(weeks=step),
        "m": relativedelta(months=step),  # Jan 31 + 1m = Feb 28/29: month ends are clamped
        "y": relativedelta(years=step),
    }[unit]
    try:
        return today + delta
    except (OverflowError, ValueError):
        raise InvalidInput(f"{sign}{amount}{unit} is out of range") from None


def _slashed(raw: str, match: re.Match[str], order: str | None) -> date:
    if order == "YMD":  # the config allows it, but it says nothing about day and month here
        raise InvalidInput(
            f"{raw!r} does not match the configured date_order YMD",
            hint='write it as YYYY-MM-DD, or set date_order = "DMY" or "MDY" in the config',
        )
    if order not in ("DMY", "MDY"):
        raise InvalidInput(
            f"{raw!r} is ambiguous (day/month or month/day?)",
            hint='write it as YYYY-MM-DD, or set date_order = "DMY" or "MDY" in the config',
        )
    first, second, year = (int(g) for g in match.groups())
    day, month = (first, second) if order == "DMY" else (second, first)
    return _checked(raw, year, month, day)


def _iso(raw: str) -> date:
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", raw, re.ASCII)
    if match:
        return _checked(raw, *(int(g) for g in match.groups()))
    try:
        return datetime.fromisoformat(raw).date()
    except ValueError:
        raise InvalidInput(f"cannot understand the date {raw!r}", hint=HINT) from None


def _checked(raw: str, year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise InvalidInput(f"{raw!r} is not a real date ({exc})", hint=HINT) from None
