"""Words next to counts, for every message that prints one: "1 company", "2 companies"."""

from __future__ import annotations


def plural(count: int, one: str, many: str | None = None) -> str:
    """`count` and the noun that goes with it, with thousands separators: `plural(1, "company",
    "companies")` is "1 company", `plural(1200, "deal")` is "1,200 deals"."""
    return f"{count:,} {one if count == 1 else many or one + 's'}"
