"""Words next to counts, for every message that prints one: "1 company", "2 companies"."""

from __future__ import annotations


def noun(count: int, one: str, many: str | None = None) -> str:
    """The noun that goes with `count`: `one` for 1, else `many` (default: `one` + "s")."""
    return one if count == 1 else many or one + "s"


def plural(count: int, one: str, many: str | None = None) -> str:
    """`count` (with thousands separators) and its noun: `plural(1, "company", "companies")` is
    "1 company", `plural(1200, "deal")` is "1,200 deals"."""
    return f"{count:,} {noun(count, one, many)}"
