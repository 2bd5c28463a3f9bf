"""Light commands: plain value conversion and metavars that say what to type.

Typer (0.29) converts every parameter value through a pydantic `TypeAdapter` that it builds the
first time the parameter is used: importing pydantic and building the adapters is about 90 ms,
more than most commands take. Its vendored click keeps only the abstract `Parameter`, so there
are no plain click types to declare instead. So once Typer has built a command (from its
public `typer.main.get_command_from_info`), `lighten` makes each parameter whose value is plain
text, a whole number, a flag, a path or a list of those a `LightOption` / `LightArgument`: a
subclass of Typer's own public `typer.core.TyperOption` / `TyperArgument` that converts in
`process_value` (click's documented per-parameter hook) with the small converters below, and
never asks Typer for an adapter. Any other parameter (choices, files, ranges with a maximum,
custom parsers) keeps Typer's conversion.

`lighten` also gives every parameter a metavar that says what to type (`METAVARS`): `DEAL`,
`DATE`, `AMOUNT`, `REP`, `--line SKU:QTY[:DISC%]` …; a metavar given in the signature wins.
Arguments show it in the usage line and the Arguments list, while errors keep naming them as
before (`Missing argument 'deal'`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from typer import _click as click
from typer._click.exceptions import BadParameter
from typer.core import TyperArgument, TyperOption

# what to type, by option flag or argument name (a metavar in the signature wins)
METAVARS: dict[str, str] = {
    "--owner": "REP",
    "--as": "REP",
    "--due": "DATE",
    "--on": "DATE",
    "--close-by": "DATE",
    "--created": "DATE",
    "--at": "DATE",
    "--value": "AMOUNT",
    "--amount": "AMOUNT",
    "--price": "AMOUNT",
    "--currency": "CODE",
    "--limit": "N",
    "--days": "N",
    "--size": "N",
    "--seed": "N",
    "--points": "N",
    "--max": "N",
    "--valid-days": "N",
    "--employees": "N",
    "--if-version": "N",
    "--within": "DAYS",
    "--since": "DATE",
    "--until": "DATE",
    "--repeat": "daily|weekly|2w|monthly",
    "--on-duplicate": "skip|update|fail",
    "--bundle": "SKU:QTY,…",
    "--stage": "STAGE",
    "--to": "STAGE",
    "--pipeline": "PIPELINE",
    "--deal": "DEAL",
    "--upsell-of": "DEAL",
    "--note": "TEXT",
    "--text": "TEXT",
    "--handoff": "TEXT",
    "--line": "SKU:QTY[:DISC%]",
    "--discount": "PERCENT",
    "--tax": "PERCENT",
    "--out": "FILE",
    "--errors": "FILE",
    "--email": "EMAIL",
    "--phone": "PHONE",
    "--contact": "NAME",
    "--company": "NAME",
    "--competitor": "NAME",
    "--name": "NAME",
    "--sort": "KEY",
    "--reason": "REASON",
    "deal": "DEAL",
    "file": "FILE",
    "files": "FILE",
    "contact": "CONTACT",
    "sku": "SKU",
}

_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")
_YES_NO = {  # what Typer (through pydantic) takes for a boolean given as text
    **dict.fromkeys(("1", "on", "t", "true", "y", "yes"), True),
    **dict.fromkeys(("", "0", "off", "f", "false", "n", "no"), False),
}
_NOT_INTEGER = "Input should be a valid integer, unable to parse string as an integer"


def _text(value: Any) -> str:
    if isinstance(value, bytes):  # click hands over bytes only where argv was not decodable
        return value.decode("utf-8", "replace")
    return str(value)


class Converter:
    """One value from the command line, converted the plain way."""

    def __init__(self, kind: Any, minimum: int | None = None, listed: bool = False) -> None:
        self.kind, self.minimum, self.listed = kind, minimum, listed

    def __call__(self, value: Any, param: Any, ctx: Any) -> Any:
        if self.kind is str:
            return _text(value)
        if self.kind is Path:  # the word as typed is kept: `nodir/` and `./-` mean something
            from salesflow.outfiles import given_path

            return value if isinstance(value, Path) else given_path(_text(value))
        if self.kind is bool:
            if isinstance(value, bool):
                return value
            answer = _YES_NO.get(_text(value).strip().lower())
            if answer is None:
                raise BadParameter(f"{_text(value)!r} is not yes or no", ctx=ctx, param=param)
            return answer
        return self._whole_number(value, param, ctx)

    def _whole_number(self, value: Any, param: Any, ctx: Any) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            text = _text(value).strip()
            if not _WHOLE_NUMBER.fullmatch(text):
                # ranged and listed numbers have always been worded as pydantic words them
                typed = self.minimum is None and not self.listed
                message = f"{_text(value)!r} is not a whole number" if typed else _NOT_INTEGER
                raise BadParameter(message, ctx=ctx, param=param)
            number = int(text)
        if self.minimum is not None and number < self.minimum:
            raise BadParameter(f"Input should be greater than or equal to {self.minimum}",
                               ctx=ctx, param=param)  # fmt: skip
        return number


def _converter(param: Any) -> Converter | None:
    """The plain converter for a Typer parameter, or None to keep Typer's."""
    descriptor = param.type_descriptor
    info = descriptor.parameter_info
    if info.parser is not None or descriptor.is_file or descriptor.is_choice:
        return None
    if info.max is not None or getattr(info, "clamp", False):
        return None
    annotation, listed = descriptor.annotation, False
    if descriptor.is_list:
        (annotation,) = annotation.__args__
        listed = True
    elif descriptor.is_tuple:
        items = set(annotation.__args__)
        if items != {str}:
            return None
        annotation = str
    if annotation is int:
        return Converter(int, minimum=int(info.min) if info.min is not None else None,
                         listed=listed)  # fmt: skip
    if annotation in (str, Path, bool):
        return Converter(annotation, listed=listed)
    return None


def _process(param: Any, ctx: click.Context, value: Any) -> Any:
    """What `_TyperParameter.process_value` does, with the plain converter."""
    convert: Converter = param.plain_convert
    multi = param.multiple or param.nargs == -1
    if value is None:
        value = () if multi else None
    elif multi and isinstance(value, str):
        raise BadParameter("Value must be an iterable.", ctx=ctx, param=param)
    elif multi or param.nargs > 1:
        value = type(value)(convert(item, param, ctx) for item in value)
        if multi and not isinstance(value, list):
            value = list(value)
    else:
        value = convert(value, param, ctx)
    if param.required and param.value_is_missing(value):
        raise click.exceptions.MissingParameter(ctx=ctx, param=param)
    if param.callback is not None:
        value = param.callback(ctx, param, value)
    return value


class LightOption(TyperOption):
    """A Typer option converted the plain way (see the module's docstring)."""

    plain_convert: Converter

    def process_value(self, ctx: click.Context, value: Any) -> Any:
        return _process(self, ctx, value)


class LightArgument(TyperArgument):
    """A Typer argument converted the plain way, shown by what to type (`DEAL`)."""

    plain_convert: Converter | None
    shown: str

    def process_value(self, ctx: click.Context, value: Any) -> Any:
        if self.plain_convert is None:
            return super().process_value(ctx, value)
        return _process(self, ctx, value)

    def _display(self) -> str:
        return self.shown + ("..." if self.nargs != 1 else "")

    def get_usage_pieces(self, ctx: click.Context) -> list[str]:
        return [self._display() if self.required else f"[{self._display()}]"]

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        record = super().get_help_record(ctx)
        return None if record is None else (self._display(), record[1])


def _shown(param: Any) -> str:
    if param.metavar is not None:
        return str(param.metavar)
    names = [o for o in param.opts if o.startswith("--")] or [param.name]
    known = METAVARS.get(names[0]) or METAVARS.get(param.name)
    if known is not None:
        return known
    annotation = param.type_descriptor.annotation
    if param.type_descriptor.is_list:
        (annotation,) = annotation.__args__
    if annotation is int:
        return "N"
    if annotation is Path:
        return "FILE"
    return str(names[0]).lstrip("-").replace("-", "_").upper()


def lighten_params(params: list[Any]) -> None:
    """Make the plain parameters of a command light, and give each a metavar."""
    for param in params:
        if isinstance(param, TyperArgument) and not isinstance(param, LightArgument):
            convert = _converter(param)
            param.__class__ = LightArgument
            param.plain_convert = convert  # type: ignore[attr-defined]
            param.shown = _shown(param)  # type: ignore[attr-defined]
        elif isinstance(param, TyperOption) and not isinstance(param, LightOption):
            if not param.is_flag and not param.count and param.metavar is None:
                param.metavar = _shown(param)
            convert = _converter(param)
            if convert is not None:
                param.__class__ = LightOption
                param.plain_convert = convert  # type: ignore[attr-defined]


def lighten(command: click.Command, help_names: list[str]) -> click.Command:
    """`command` (and, for a group, its commands) with light parameters, its help option
    (made by click for `help_names`, the root's `help_option_names`) included."""
    ctx = click.Context(command, help_option_names=help_names)
    lighten_params(command.get_params(ctx))
    for sub in getattr(command, "commands", {}).values():
        lighten(sub, help_names)
    return command
