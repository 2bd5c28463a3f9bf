"""The one clock: every notion of "now" and "today" comes from here.

`SALESFLOW_NOW` (ISO 8601) freezes now for tests, demos and reproducible reports. A value without
an offset is read in the user's time zone. Storage is naive UTC; the screen is local time.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import cache


@cache
def local_zone() -> tzinfo:
    """The user's time zone: config `timezone`, else `TZ`, else the system's."""
    from salesflow.config import load_config

    name = load_config().timezone
    if name:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            from salesflow.errors import InvalidInput

            raise InvalidInput(
                f"unknown time zone {name!r} in config", hint="use an IANA name like Europe/Paris"
            ) from None
    zone = datetime.now().astimezone().tzinfo
    assert zone is not None
    return zone


def now_utc() -> datetime:
    """Now, as a naive UTC datetime (the storage form)."""
    frozen = os.environ.get("SALESFLOW_NOW")
    if frozen:
        return _parse_frozen(frozen)
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


@cache
def _parse_frozen(text: str) -> datetime:
    from salesflow.errors import InvalidInput

    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(
            f"SALESFLOW_NOW={text!r} is not an ISO 8601 date-time", hint="e.g. 2026-11-27T09:00"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=local_zone())
    return moment.astimezone(UTC).replace(tzinfo=None)


def now_local() -> datetime:
    """Now, as an aware datetime in the user's zone."""
    return to_local(now_utc())


def today() -> date:
    """Today's date where the user is."""
    return now_local().date()


def to_local(moment: datetime) -> datetime:
    """A stored naive-UTC datetime as an aware local datetime."""
    return moment.replace(tzinfo=UTC).astimezone(local_zone())


def to_utc(moment: datetime) -> datetime:
    """An aware (or naive local) datetime as naive UTC, the storage form."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=local_zone())
    return moment.astimezone(UTC).replace(tzinfo=None)


def start_of_day_utc(day: date) -> datetime:
    """Local midnight of `day`, as naive UTC."""
    return to_utc(datetime(day.year, day.month, day.day))


def end_of_day_utc(day: date) -> datetime:
    """The first instant after `day` ends locally, as naive UTC (an exclusive bound)."""
    return start_of_day_utc(day + timedelta(days=1))
