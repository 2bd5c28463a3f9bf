"""Plain conversion of the command line's text, whole-number and list-of-text values.

Typer (0.29) converts every parameter value through a pydantic `TypeAdapter` that it builds the
first time the parameter is used. For the values salesflow takes that is a lot of machinery for
`str(value)` and `int(value)`: importing pydantic and building the adapters is about 90 ms, which
is most of what `due-today` costs on a 10,000-deal database and more than its query. So before a
command line is parsed, `install` gives each plain `str`, `int`, `bool` and `list[str]` parameter a
converter of its own; everything else (paths, ranged numbers, tuples) keeps Typer's.

This leans on how Typer 0.29 finds a parameter's converter (`typer.core.build_runtime_param`,
`typer._coercion.RuntimeParam`). If a Typer release changes that, `install` changes nothing and
Typer converts as before — slower, never wrong; `tests/test_startup.py` notices the slowness.
"""

from __future__ import annotations

import re
from typing import Any

try:
    from typer._click.exceptions import BadParameter
    from typer._coercion import RuntimeParam
except ImportError:  # a Typer without this layer: nothing to lighten
    RuntimeParam = None  # type: ignore[assignment,misc]

_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")
_YES_NO = {  # what Typer (through pydantic) takes for a boolean given as text, e.g. from an env var
    **dict.fromkeys(("1", "on", "t", "true", "y", "yes"), True),
    **dict.fromkeys(("", "0", "off", "f", "false", "n", "no"), False),
}


def _text(value: Any) -> str:
    if isinstance(value, bytes):  # click hands over bytes only where argv was not decodable
        return value.decode("utf-8", "replace")
    return str(value)


def _whole_number(value: Any, param: Any, ctx: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = _text(value).strip()
    if not _WHOLE_NUMBER.fullmatch(text):
        raise BadParameter(f"{_text(value)!r} is not a whole number", ctx=ctx, param=param)
    return int(text)


def _yes_no(value: Any, param: Any, ctx: Any) -> bool:
    if isinstance(value, bool):
        return value
    answer = _YES_NO.get(_text(value).strip().lower())
    if answer is None:
        raise BadParameter(f"{_text(value)!r} is not yes or no", ctx=ctx, param=param)
    return answer


if RuntimeParam is not None:
    # Subclasses without fields of their own: they inherit the frozen dataclass's __init__
    # (making them dataclasses again would cost a few ms of generated code per command).

    class PlainText(RuntimeParam):
        """A `str` parameter: the text as typed."""

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            return _text(value)

    class PlainTexts(RuntimeParam):
        """A repeatable `list[str]` option: each text as typed, in order."""

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            return [_text(item) for item in value]

    class YesNo(RuntimeParam):
        """A `bool` flag (Typer asks for a converter even when a flag is absent)."""

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            return _yes_no(value, param, ctx)

    class WholeNumber(RuntimeParam):
        """An `int` parameter without bounds: ASCII digits with an optional sign."""

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            return _whole_number(value, param, ctx)


def _plain_converter(descriptor: Any) -> Any:
    """The plain converter for this parameter's type, or None for Typer's own."""
    info = descriptor.parameter_info
    if info.parser is not None or descriptor.is_file or descriptor.is_path:
        return None
    if descriptor.is_choice or descriptor.is_ranged:
        return None
    annotation = descriptor.annotation
    if annotation is str:
        return PlainText
    if annotation is int:
        return WholeNumber
    if annotation is bool:
        return YesNo
    if annotation == list[str]:
        return PlainTexts
    return None


def install() -> bool:
    """Have Typer use the plain converters for plain parameters from now on.

    Typer asks `typer.core.build_runtime_param(descriptor)` for a parameter's converter the first
    time it converts a value; this answers for the plain types and passes the rest on. Returns
    False (and changes nothing) when this Typer does not work that way.
    """
    import typer.core

    typers_own = getattr(typer.core, "build_runtime_param", None)
    if RuntimeParam is None or typers_own is None:
        return False
    if getattr(typers_own, "salesflow_plain", False):
        return True  # already installed

    def build_runtime_param(descriptor: Any) -> Any:
        converter = _plain_converter(descriptor)
        if converter is None:
            return typers_own(descriptor)
        return converter(parameter_info=descriptor.parameter_info, annotation=descriptor.annotation)

    build_runtime_param.salesflow_plain = True  # type: ignore[attr-defined]
    setattr(typer.core, "build_runtime_param", build_runtime_param)  # noqa: B010 (not exported)
    return True
