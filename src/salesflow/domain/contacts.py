"""Contact identity: when a contact coming in is a person already known. Every writer (`lead add`,
the CSV and JSON imports) asks `People.find`, so the command line and an import agree on who is
the same person however the name is typed.

The rule: an email address names one person (an address not known yet is a new person, whatever
the name); without an address, the same name at the same company is the same person, the name
compared by `person_key` (Unicode case folding, spaces trimmed and collapsed).
"""

from __future__ import annotations

import unicodedata


def person_key(name: str) -> str:
    """A person's name for matching: NFKC-normalised, case-folded (`Strauß` is `STRAUSS`), with
    surrounding spaces dropped and inner runs of white space made one space."""
    if name.isascii():  # the common case, once per row of a large import: NFKC changes nothing
        return " ".join(name.lower().split())
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def email_key(email: str) -> str:
    """An email address for matching: trimmed and lower-cased (as `domain.inputs.email` keeps
    it)."""
    return email.strip().lower()


class People:
    """The contacts known so far, indexed the way `find` matches them."""

    def __init__(self) -> None:
        self.by_email: dict[str, int] = {}
        self.by_name: dict[tuple[int | None, str], int] = {}

    def add(self, contact_id: int, name: str, email: str | None, company_id: int | None) -> None:
        """Know one more contact (the first one of a name at a company stays the one found)."""
        if email:
            self.by_email.setdefault(email_key(email), contact_id)
        self.by_name.setdefault((company_id, person_key(name)), contact_id)

    def find(self, name: str, email: str | None, company_id: int | None) -> int | None:
        """The known contact this one is, or None for a new person."""
        if email:
            return self.by_email.get(email_key(email))
        return self.by_name.get((company_id, person_key(name)))

    def ids(self) -> set[int]:
        return set(self.by_email.values()) | set(self.by_name.values())
