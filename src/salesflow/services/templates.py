"""Email templates: `NAME.eml.j2` files rendered in a Jinja2 sandbox with deal merge fields.

A template starts with its headers, `Subject:` first (and optionally `Cc:`, `Bcc:`,
`Reply-To:`), then a blank line, then the body:

    Subject: {{ company.name }} and the pilot
    Reply-To: sales@example.com

    Hi {{ contact.first_name }},
    …

Templates run in `SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)`: a field
that does not exist is an error naming it (never an empty hole in a sent email), and a template
cannot reach Python internals (`{{ deal.__class__ }}` is refused), nor run away: rendering has a
time, size and depth limit (`template_limits`). Every `{{ … }}` value goes
through `text.printable` (control characters shown, not obeyed). Headers are rendered one by
one so a merge field that holds a line break cannot smuggle in another header.
"""

from __future__ import annotations

import re
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import StrictUndefined
from jinja2.exceptions import SecurityError, TemplateError, TemplateSyntaxError, UndefinedError

from salesflow.errors import InvalidInput, NotFound
from salesflow.models.cadence import TEMPLATE_NAME
from salesflow.services.template_limits import LimitedEnvironment, TemplateLimit

SUFFIX = ".eml.j2"
HEADERS = ("Subject", "Cc", "Bcc", "Reply-To")  # what a template may set; To/From are ours
_HEADER_LINE = re.compile(r"^([A-Za-z][A-Za-z-]*):[ \t]?(.*)$")
_SOURCE = "<template>"


class Fields(dict[str, Any]):
    """One group of merge fields (`deal`, `contact` …) that knows its own name for errors."""

    def __init__(self, label: str, values: dict[str, Any]) -> None:
        super().__init__(values)
        self._label = label  # underscore: the sandbox refuses it to templates


class _Undefined(StrictUndefined):
    """StrictUndefined whose message names the merge field as the template wrote it."""

    @property
    def _undefined_message(self) -> str:
        if self._undefined_hint:
            return self._undefined_hint
        owner = self._undefined_obj
        if isinstance(owner, Fields):
            return f"unknown merge field {owner._label}.{self._undefined_name}"
        return f"unknown merge field {self._undefined_name}"


@dataclass(frozen=True)
class RenderedEmail:
    """A template rendered for one deal: its headers and body."""

    subject: str
    headers: dict[str, str]  # Cc, Bcc, Reply-To as the template set them
    body: str


def templates_folder() -> Path:
    """The folder templates are read from."""
    from salesflow.config import templates_dir

    return templates_dir()


def list_templates() -> list[str]:
    """Template names in the templates folder, sorted."""
    folder = templates_folder()
    if not folder.is_dir():
        return []
    return sorted(p.name[: -len(SUFFIX)] for p in folder.glob(f"*{SUFFIX}") if p.is_file())


def template_path(name: str) -> Path:
    """The file of template `name`, or NotFound listing the templates there are."""
    if not re.match(TEMPLATE_NAME, name):
        raise InvalidInput(f"{name!r} is not a template name", hint="letters, digits, - _ .")
    folder = templates_folder()
    path = folder / f"{name}{SUFFIX}"
    if not path.is_file():
        known = list_templates()
        hint = (
            f"templates: {', '.join(known)}"
            if known
            else f"put {name}{SUFFIX} in {folder} (examples/templates/ has some to copy)"
        )
        raise NotFound(f"no email template {name!r} in {folder}", hint=hint)
    return path


def _environment() -> LimitedEnvironment:
    return LimitedEnvironment(
        undefined=_Undefined,
        autoescape=False,
        keep_trailing_newline=True,
        finalize=_merged,
    )


def _merged(value: Any) -> str:
    """What a `{{ … }}` puts into the email: an empty field is empty text, and control
    characters in a field (an escape sequence, a bell, a C1 control, U+2028) are shown, not
    passed on to the reader's terminal or mail client (`text.printable`)."""
    from salesflow.text import printable

    return "" if value is None else printable(str(value))


def render_template(name: str, fields: dict[str, Any]) -> RenderedEmail:
    """Render template `name` with the merge fields; errors name the template and line."""
    path = template_path(name)
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"cannot read template {path}: {exc}") from None
    where = f"template {name}"
    header_lines, body, body_line = _split(source, where)
    env = _environment()
    headers: dict[str, str] = {}
    for line_no, key, value in header_lines:
        text = _render(env, value, fields, where, line_no).strip()
        if "\r" in text or "\n" in text:
            raise InvalidInput(
                f"{where}: line {line_no}: the {key} header would contain a line break "
                "(header injection)",
                hint="check the merge fields used in that header",
            )
        headers[key] = text
    subject = headers.pop("Subject", "")
    if not subject:
        raise InvalidInput(f"{where}: the subject is empty")
    return RenderedEmail(
        subject=subject, headers=headers, body=_render(env, body, fields, where, body_line)
    )


def _split(source: str, where: str) -> tuple[list[tuple[int, str, str]], str, int]:
    """Header lines (line number, name, value template), the body and the body's first line."""
    lines = source.splitlines(keepends=True)
    headers: list[tuple[int, str, str]] = []
    for index, raw in enumerate(lines):
        line = raw.rstrip("\r\n")
        if not line.strip():
            body_start = index + 1
            break
        match = _HEADER_LINE.match(line)
        if not match:
            raise InvalidInput(
                f"{where}: line {index + 1}: expected a header like `Subject: …` "
                "and a blank line before the body"
            )
        key = next((h for h in HEADERS if h.lower() == match.group(1).lower()), None)
        if key is None:
            raise InvalidInput(
                f"{where}: line {index + 1}: unknown header {match.group(1)!r}",
                hint=f"a template may set {', '.join(HEADERS)}",
            )
        headers.append((index + 1, key, match.group(2)))
    else:
        raise InvalidInput(f"{where}: no blank line between the headers and the body")
    if not any(key == "Subject" for _, key, _ in headers):
        raise InvalidInput(f"{where}: no `Subject:` line", hint="start the file with `Subject: …`")
    return headers, "".join(lines[body_start:]), body_start + 1


def _render(
    env: LimitedEnvironment, text: str, fields: dict[str, Any], where: str, first_line: int
) -> str:
    try:
        template = env.from_string(text)
    except TemplateSyntaxError as exc:
        line = first_line + (exc.lineno or 1) - 1
        raise InvalidInput(f"{where}: line {line}: {exc.message}") from None
    try:
        return env.render_limited(template, fields)
    except TemplateLimit as exc:
        line = first_line + _template_line(exc) - 1
        raise InvalidInput(
            f"{where}: line {line}: {exc}", hint="templates are limited in time, size and depth"
        ) from None
    except RecursionError:
        raise InvalidInput(
            f"{where}: recursion too deep (a macro that calls itself without end?)"
        ) from None
    except MemoryError:
        raise InvalidInput(f"{where}: rendering needs more memory than there is") from None
    except SecurityError as exc:
        line = first_line + _template_line(exc) - 1
        raise InvalidInput(
            f"{where}: line {line}: not allowed in a template: {exc}",
            hint="templates may use merge fields, filters and loops, not Python internals",
        ) from None
    except UndefinedError as exc:
        line = first_line + _template_line(exc) - 1
        raise InvalidInput(
            f"{where}: line {line}: {exc.message}", hint=f"fields: {field_names(fields)}"
        ) from None
    except TemplateError as exc:
        line = first_line + _template_line(exc) - 1
        raise InvalidInput(f"{where}: line {line}: {exc}") from None
    except (TypeError, ValueError, ArithmeticError) as exc:  # e.g. a filter given the wrong type
        line = first_line + _template_line(exc) - 1
        raise InvalidInput(f"{where}: line {line}: {exc}") from None


def _template_line(exc: BaseException) -> int:
    """The template line an error was raised on (Jinja rewrites frames to template lines)."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == _SOURCE]
    return frames[-1].lineno or 1 if frames else 1


def field_names(fields: dict[str, Any]) -> str:
    """`deal.title, deal.value, …, contact.first_name, …` for hints."""
    names: list[str] = []
    for group, values in fields.items():
        if isinstance(values, dict):
            names.extend(f"{group}.{key}" for key in values)
        else:
            names.append(group)
    return ", ".join(names)
