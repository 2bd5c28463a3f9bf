"""Company identity: when two spellings name one company. Every writer (`lead add`, the CSV and
JSON imports, the demo) stores `companies.name_key = company_key(name)` and reuses a company whose
key matches, so `Acme`, `ACME, Inc.` and `Acme Inc` are one company however they come in."""

from __future__ import annotations

import re
import unicodedata
from typing import Protocol

_LEGAL_FORMS = {
    "inc", "incorporated", "ltd", "limited", "llc", "llp", "lp", "gmbh", "corp", "corporation",
    "co", "company", "plc", "sa", "sas", "sarl", "srl", "spa", "bv", "nv", "ag", "oy", "ab", "as",
    "pty", "pvt", "kk", "kg",
}  # fmt: skip
_WORD = re.compile(r"[0-9a-z]+")


def company_key(name: str) -> str:
    """A company name for matching: accents, case, punctuation and a trailing legal form dropped."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    words = _WORD.findall(text)
    while len(words) > 1 and words[-1] in _LEGAL_FORMS:
        words.pop()
    return " ".join(words) or name.strip().lower()


class Taken(Protocol):
    """The keys already stored: a set of them, or anything that answers `in` and `add` (the
    demo keeps digests)."""

    def __contains__(self, key: object, /) -> bool: ...

    def add(self, key: str, /) -> None: ...


def unique_key(key: str, taken: Taken) -> str:
    """The key to store for a company that must stay apart from one whose key it shares (an
    existing pair of duplicates): `name_key` is unique, so it is padded, and lookups by the plain
    key keep finding the first."""
    while key in taken:
        key += " "
    taken.add(key)
    return key
