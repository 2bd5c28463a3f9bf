"""Filters every read applies the same way: one helper per filter, each giving the SQL fragment
(`AND …`, or nothing when the filter is off) and the parameter it binds.

A filter that is off adds no SQL at all instead of `:x IS NULL OR …`, so no parameter is ever
untyped (PostgreSQL binds server-side and cannot type a bare `:x IS NULL`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, LiteralString

from salesflow.clock import end_of_day_utc, start_of_day_utc, today


def owner_key(owner: str | None) -> str | None:
    """The `--owner` filter as compared with `lower(owner)`: rep names are stored trimmed, so
    `' Ana '` finds ana's deals in every command; an empty or blank filter means no filter."""
    if owner is None:
        return None
    key = owner.strip().lower()
    return key or None


@dataclass(frozen=True)
class Where:
    """The shared filters of a report read: one pipeline (id), the report currency, an owner
    (already `owner_key`-normalised) and a window of local days, both ends inclusive and
    optional."""

    pipeline: int
    currency: str
    owner: str | None = None
    since: date | None = None
    until: date | None = None

    def params(self) -> dict[str, Any]:
        """Every parameter the fragments below may bind (unused ones are ignored)."""
        params: dict[str, Any] = {"pipeline": self.pipeline, "currency": self.currency}
        if self.owner is not None:
            params["owner"] = self.owner
        if self.since is not None:
            params["since_day"] = self.since
            params["since"] = start_of_day_utc(self.since)
        if self.until is not None:
            params["until_day"] = self.until
        # a moment window always ends: the end of `until`, else of today
        params["until"] = end_of_day_utc(self.until or today())
        return params


def owner(where: Where, column: LiteralString = "d.owner") -> LiteralString:
    """`AND lower(<column>) = :owner` when a rep is asked for."""
    return "" if where.owner is None else " AND lower(" + column + ") = :owner"


def pipeline(alias: LiteralString = "d") -> LiteralString:
    """`AND <alias>.pipeline_id = :pipeline`."""
    return " AND " + alias + ".pipeline_id = :pipeline"


def currency(column: LiteralString = "d.currency") -> LiteralString:
    """`AND <column> = :currency`: the report currency only."""
    return " AND " + column + " = :currency"


def closed_window(where: Where, column: LiteralString = "c.closed_on") -> LiteralString:
    """A close date (a local day) inside the window, each end only when given."""
    since = "" if where.since is None else " AND " + column + " >= :since_day"
    until = "" if where.until is None else " AND " + column + " <= :until_day"
    return since + until


def moment_window(where: Where, column: LiteralString = "d.created_at") -> LiteralString:
    """A UTC timestamp inside the window's local days (to today's end when open-ended)."""
    since = "" if where.since is None else " AND " + column + " >= :since"
    return since + " AND " + column + " < :until"
