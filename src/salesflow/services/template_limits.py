"""Limits for rendering an email template: time, size and depth.

A template is code its author runs on every draft: `{% for i in range(100000) %}{% for j in
range(100000) %}…` or `{{ 'x' * 10**9 }}` would run for ever or take all memory, and a macro
that calls itself ends in Python's RecursionError. The Jinja2 sandbox stops templates reaching
Python; `LimitedEnvironment` also stops them running away, without threads or signals:

- time: a deadline (`SECONDS`) checked on every loop pass (each `for` iterates through
  `guard_loop`), every call, attribute and item lookup, and every piece of output;
- size: the rendered text (`CHARACTERS`), and `*`, `**` and `%` refused before they build text,
  lists or numbers past that size (the sandbox intercepts the operators);
- depth: macro calls nested deeper than `DEPTH`.

Going past a limit raises `TemplateLimit`, which the caller turns into one error line.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Iterator
from typing import Any

from jinja2 import nodes
from jinja2.runtime import Macro
from jinja2.sandbox import SandboxedEnvironment

SECONDS = 2.0
CHARACTERS = 1_000_000
DEPTH = 50
_POWER_BITS = 4096  # `**` on whole numbers: results up to ~1,200 digits
_STRETCHING = {"center", "ljust", "rjust", "zfill", "expandtabs"}  # str methods that pad
_WIDTH = re.compile(r"%[-+ #0]*(\d*)(?:\.(\d+))?")  # `%08.2f`: the width and precision


class TemplateLimit(Exception):
    """A template went past a rendering limit; the message says which."""


class LimitedEnvironment(SandboxedEnvironment):
    """The sandbox with a deadline, a size budget and a macro depth (see the module doc).

    One environment renders one email (its headers and body): the limits cover the whole of it.
    """

    intercepted_binops = frozenset({"*", "**", "%"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.deadline = time.monotonic() + SECONDS
        self.written = 0
        self.depth = 0

    # -- the checks --------------------------------------------------------------------------

    def check_time(self) -> None:
        """Stop a template that has run past the deadline."""
        if time.monotonic() > self.deadline:
            raise TemplateLimit(
                f"rendering took longer than {SECONDS:g} s (a loop that runs too long?)"
            )

    def _check_size(self, size: int, what: str) -> None:
        if size > CHARACTERS:
            raise TemplateLimit(
                f"{what} would be {size:,} characters, more than the {CHARACTERS:,} "
                "an email may have"
            )

    # -- hooks the sandbox calls -------------------------------------------------------------

    def _parse(self, source: str, name: str | None, filename: str | None) -> Any:
        """The template's syntax tree, each `for` iterating through `guard_loop` (Jinja's
        `compile` parses through this method, `from_string` included)."""
        tree = super()._parse(source, name, filename)
        for loop in tree.find_all(nodes.For):
            loop.iter = nodes.Call(
                nodes.EnvironmentAttribute("guard_loop"), [loop.iter], [], None, None,
                lineno=loop.iter.lineno,
            )  # fmt: skip
        return tree

    def guard_loop(self, iterable: Iterable[Any]) -> Iterator[Any]:
        """A loop's items, with the deadline checked as it goes."""
        for count, item in enumerate(iterable):
            if not count & 255:
                self.check_time()
            yield item

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        """Every call in a template: timed, macro depth counted, padding sizes checked."""
        __self.check_time()
        if getattr(__obj, "__name__", None) in _STRETCHING and isinstance(
            getattr(__obj, "__self__", None), str
        ):
            for arg in (*args, *kwargs.values()):
                if isinstance(arg, int):
                    __self._check_size(arg, "the text")
        if not isinstance(__obj, Macro):
            return super().call(__context, __obj, *args, **kwargs)
        __self.depth += 1
        try:
            if __self.depth > DEPTH:
                raise TemplateLimit(
                    f"recursion too deep: macros nested more than {DEPTH} calls deep "
                    "(a macro that calls itself without end?)"
                )
            return super().call(__context, __obj, *args, **kwargs)
        finally:
            __self.depth -= 1

    def getattr(self, obj: Any, attribute: str) -> Any:
        self.check_time()
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        self.check_time()
        return super().getitem(obj, argument)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        """`*`, `**` and `%`, refused before they build something too large."""
        self.check_time()
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, str | list | tuple) and isinstance(times, int):
                    self._check_size(len(seq) * max(times, 0), "the text or list")
        elif operator == "**" and isinstance(left, int) and isinstance(right, int):
            if abs(left) > 1 and right * abs(left).bit_length() > _POWER_BITS:
                raise TemplateLimit(f"the number {left} ** {right} is too large")
        elif operator == "%" and isinstance(left, str):
            for numbers in _WIDTH.findall(left):
                for number in filter(None, numbers):
                    self._check_size(int(number), "a formatted field")
        return super().call_binop(context, operator, left, right)

    # -- rendering ---------------------------------------------------------------------------

    def render_limited(self, template: Any, fields: dict[str, Any]) -> str:
        """Render `template`, stopping when the text outgrows the size budget or the time."""
        parts: list[str] = []
        for part in template.generate(**fields):
            self.written += len(part)
            if self.written > CHARACTERS:
                raise TemplateLimit(f"the email is longer than {CHARACTERS:,} characters")
            self.check_time()
            parts.append(part)
        return "".join(parts)
