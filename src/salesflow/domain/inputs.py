"""What a value must be to come in: one function per kind of value, each returning the clean
value or raising `Refused` with the message the command line shows.

These run once per cell of imports of 100,000 rows and more, so the common case is decided by
one C-level string method (`isprintable`, `isascii`) before any loop in Python.
"""

from __future__ import annotations

import re

from salesflow.errors import InvalidInput

MAX_TEXT = 500  # names, titles, one-line fields
MAX_REP = 100  # a rep's name (an owner, `--as`, who did something)
MAX_EMAIL = 254  # the longest address SMTP carries (RFC 5321)

ACTIVITY_TYPES = ("call", "email", "meeting", "demo", "note", "support")
ENGAGEMENT_TYPES = (
    "email_opened",
    "link_clicked",
    "site_visit",
    "form_submitted",
    "demo_requested",
    "replied",
)
ALL_ACTIVITY_TYPES = ACTIVITY_TYPES + ENGAGEMENT_TYPES
REPEATS = ("daily", "weekly", "2w", "monthly")

# Characters that show nothing: zero-width ones, the byte-order mark, bidi controls (embeddings,
# overrides, isolates, marks) and the blank letters and fillers some scripts have. Text made of
# nothing else (and spaces) looks empty in every table and cannot be told apart from another.
_INVISIBLE = (
    "\u200b\u200c\u200d\u2060\ufeff"  # zero-width space, non-joiner, joiner; word joiner; BOM
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"  # bidi controls
    "\u00ad\u034f\u180e\u2061\u2062\u2063\u2064"  # soft hyphen, grapheme joiner, invisible ops
    "\u115f\u1160\u3164\uffa0\u2800"  # Hangul fillers, the blank Braille pattern
    " \t\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u202f\u205f\u3000"  # spaces
)
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class Refused(InvalidInput, ValueError):
    """A value the domain does not let in. An `InvalidInput` for the command line's error
    boundary, and a `ValueError`, so that a pydantic validator raising it reports a field."""


def control_character(value: str, *, allowed: str = "") -> str | None:
    """What in `value` is not one line of printable text ("a line break", "a tab", "the
    control character U+001B"), or None. Characters in `allowed` are let through. Format
    characters (a zero-width joiner inside an emoji, a bidi mark inside Arabic) are text.
    The check itself is `text.control_char`, the one the terminal sanitiser matches."""
    from salesflow.text import LINE_BREAKS, control_char

    char = control_char(value, allowed=allowed)
    if char is None:
        return None
    if char in LINE_BREAKS:
        return "a line break"
    return "a tab" if char == "\t" else f"the control character U+{ord(char):04X}"


def invisible(value: str) -> bool:
    """Whether `value` shows nothing at all: only spaces and invisible characters."""
    return not value.isascii() and not value.strip(_INVISIBLE)


def text(value: str, *, max_length: int = MAX_TEXT) -> str:
    """A name, title or other one-line field: trimmed, not empty, at most `max_length`
    characters, one line without control characters, and something visible in it."""
    clean = value.strip()
    if not clean:
        raise Refused("must not be empty")
    if len(clean) > max_length:
        raise Refused(f"must be at most {max_length} characters, not {len(clean):,}")
    problem = control_character(clean)
    if problem:
        raise Refused(f"must be one line of text, and {clean!a} contains {problem}")
    if invisible(clean):
        raise Refused(f"must show something, and {clean!a} holds only invisible characters")
    return clean


def rep_name(value: str) -> str:
    """A rep's name (an owner, the acting user, who logged a call): a short one-line name."""
    return text(value, max_length=MAX_REP)


def free_text(value: str) -> str:
    """A note or summary: any length and line breaks, but no other control character (an
    escape sequence would rewrite the terminal of whoever reads it)."""
    problem = control_character(value, allowed="\n\t\u2028\u2029")
    if problem:
        raise Refused(f"{value[:40]!a} contains {problem}")
    return value


def email(value: str) -> str:
    """An email address, trimmed and lower-cased: something@domain.tld, printable throughout
    (a right-to-left override or a zero-width space would make it read as another address)."""
    clean = value.strip().lower()
    if len(clean) > MAX_EMAIL or not _EMAIL.fullmatch(clean):
        raise Refused(f"{clean!r} is not an email address")
    if not clean.isprintable():
        odd = next(c for c in clean if not c.isprintable())
        raise Refused(
            f"{clean!r} is not an email address: it holds the invisible character U+{ord(odd):04X}"
        )
    return clean


def currency(code: str) -> str:
    """An ISO 4217 currency code, upper-cased (the rule is `parsing.money.check_currency`)."""
    from salesflow.parsing.money import check_currency

    try:
        return check_currency(code)
    except InvalidInput as exc:
        raise Refused(exc.message, exc.hint) from None


def activity_type(kind: str) -> str:
    """A logged touch (call, email, …) or an engagement event (email_opened, …), lower-cased."""
    wanted = kind.strip().lower()
    if wanted not in ALL_ACTIVITY_TYPES:
        raise Refused(
            f"unknown activity type {kind!r}", hint=f"types: {', '.join(ALL_ACTIVITY_TYPES)}"
        )
    return wanted


def repeat(value: str) -> str:
    """How a follow-up repeats: daily, weekly, 2w or monthly."""
    if value not in REPEATS:
        raise Refused(f"repeat must be one of {', '.join(REPEATS)}")
    return value
