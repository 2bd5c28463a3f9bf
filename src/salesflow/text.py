"""Text from the database made safe to show on a terminal or to write into a message.

Names, titles and notes come from people, imports and other tools. An escape sequence in one
would drive whatever shows it: a terminal obeys `ESC ]0;…BEL` (retitle), `ESC [2J` (clear) and
OSC 8 (a live link), a mail reader splits a header at U+2028. `printable` is the one sanitiser
for all of it, used by tables, lines, errors, CSV on a terminal and email drafts: control
characters are shown, never obeyed.

`control_char` is the matching check for input: the first character one line of text must not
hold (names and titles are refused with it rather than cleaned).
"""

from __future__ import annotations

LINE_BREAKS = "\r\n\u2028\u2029"  # what a mail reader or editor may break a line at
# C0 controls (but tab and line feed) become their visible symbols (ESC → ␛, BEL → ␇), DEL → ␡,
# C1 controls → �, the Unicode line and paragraph separators → a line feed (which a caller that
# needs one line then refuses or turns into a space). Direction overrides (U+202E …) are text
# and stay as typed: they reorder what a terminal shows, but drive nothing.
_VISIBLE: dict[int, int | str | None] = {
    **{code: 0x2400 + code for code in range(0x20) if chr(code) not in "\t\n"},
    0x7F: 0x2421,
    **dict.fromkeys(range(0x80, 0xA0), 0xFFFD),
    0x2028: "\n",
    0x2029: "\n",
}
# in a table cell, a CSV cell or a header, line breaks and tabs become spaces: one line
_VISIBLE_ONE_LINE = {**_VISIBLE, **dict.fromkeys(map(ord, "\t\n\u2028\u2029"), " "), 0x0D: None}


def printable(text: str, *, cell: bool = False) -> str:
    """`text` safe to show: control characters pictured, not obeyed. With `cell`, one line
    (for a table cell, a CSV cell on a terminal, an error line or an email header): tabs and
    line breaks become spaces."""
    if text.isprintable():  # the usual case, checked in C
        return text
    return text.translate(_VISIBLE_ONE_LINE if cell else _VISIBLE)


def control_char(text: str, *, allowed: str = "") -> str | None:
    """The first character that one line of text must not hold (a line break, a tab, a C0 or
    C1 control character, DEL), or None; characters in `allowed` pass."""
    if text.isprintable():
        return None
    for char in text:
        if char in allowed:
            continue
        if char in LINE_BREAKS or (ord(char) < 0xA0 and not char.isprintable()):
            return char
    return None
