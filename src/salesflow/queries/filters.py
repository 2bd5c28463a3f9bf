"""Filters every read applies the same way. Each returns the SQL parameter value."""

from __future__ import annotations


def owner_key(owner: str | None) -> str | None:
    """The `--owner` filter as compared with `lower(owner)`: rep names are stored trimmed, so
    `' Ana '` finds ana's deals in every command; an empty or blank filter means no filter."""
    if owner is None:
        return None
    key = owner.strip().lower()
    return key or None
