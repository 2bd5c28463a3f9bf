"""The one loader of the TOML files users write (pipelines, cadences, scoring rules).

A file that is not TOML fails with `<source>: <the parser's message>`; a file whose fields are
wrong fails with `<source>: line N, field a.b: <what is wrong>`, the line found by the caller's
`line_of` (each kind of file has its own tables). pydantic and tomllib are imported only when a
file is read, so a read command that merely imports a service stays light.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from salesflow.errors import InvalidInput

if TYPE_CHECKING:
    from pydantic import BaseModel

Spec = TypeVar("Spec", bound="BaseModel")
LineOf = Callable[[str, tuple[Any, ...]], int | None]


def toml_data(text: str, source: str) -> dict[str, Any]:
    """The tables of a TOML file, or InvalidInput naming `source` and what the parser said."""
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput(f"{source}: {exc}") from None


def load_spec(text: str, model: type[Spec], source: str, line_of: LineOf) -> Spec:
    """A TOML file validated as `model`; its first error names the line and the field."""
    from pydantic import ValidationError

    data = toml_data(text, source)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        from salesflow.models.schemas import SpecError

        first = exc.errors()[0]
        error = (first.get("ctx") or {}).get("error")
        loc = error.loc if isinstance(error, SpecError) else tuple(first["loc"])
        field = ".".join(str(p) for p in loc) or "(file)"
        line = line_of(text, loc)
        where = f"line {line}, " if line else ""
        message = first["msg"].removeprefix("Value error, ")
        raise InvalidInput(f"{source}: {where}field {field}: {message}") from None


def key_line(lines: list[str], parts: list[Any], start: int, end: int) -> int | None:
    """The last step of a `line_of`: the 1-based line of `parts[0] =` among `lines[start:end]`
    (the table the caller found), else the table's own line (`start`), else None."""
    if parts and isinstance(parts[0], str):
        key = re.compile(rf"^\s*{re.escape(parts[0])}\s*=")
        for i in range(start, end):
            if key.match(lines[i]):
                return i + 1
    return start + 1 if start else None
