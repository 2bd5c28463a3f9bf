"""Finding what a user names, with plain SQL, so the light read path and the ORM share one rule:

- a pipeline is named by its key, case-insensitively; no name means the default pipeline;
- a stage by its key or name, case-insensitively, within its pipeline;
- a deal (`DEAL` in the contract) by its id (`42`, `#42`) or a case-insensitive piece of its
  title or company name that matches exactly one deal, open deals first.
"""

from __future__ import annotations

from typing import Protocol, TypeVar

from salesflow.db.reader import Reader, like_pattern
from salesflow.errors import AmbiguousReference, InvalidInput, NotFound


class _Named(Protocol):
    @property
    def key(self) -> str: ...

    @property
    def name(self) -> str: ...


StageT = TypeVar("StageT", bound=_Named)

MAX_ID = 2**63 - 1  # the largest id a database column holds; a larger number names nothing
_LISTED = 200  # deals a piece of text may match before we stop looking (it is ambiguous anyway)


def pipeline_id(name: str | None, *, reader: Reader) -> int:
    """The id of the pipeline called `name`, or of the default one."""
    if name:
        found = reader.scalar(
            "SELECT id FROM pipelines WHERE lower(key) = :key", key=name.strip().lower()
        )
        if found is None:
            known = ", ".join(k for (k,) in reader.rows("SELECT key FROM pipelines ORDER BY key"))
            raise NotFound(f"no pipeline {name!r}", hint=f"pipelines: {known}")
        return int(found)
    default = reader.scalar("SELECT id FROM pipelines WHERE is_default = :yes", yes=True)
    if default is None:
        raise NotFound("no default pipeline", hint="run `salesflow init`")
    return int(default)


def deal_id(ref: str, *, reader: Reader) -> int:
    """The id of the deal `ref` names (see the module docstring)."""
    text = ref.strip()
    if not text:
        raise InvalidInput("empty deal reference", hint="give an id like 42 or part of a title")
    number = text[1:] if text.startswith("#") else text
    if number.isascii() and number.isdigit():  # not "²" or "١٢": int() would refuse or surprise
        found = None
        if int(number) <= MAX_ID:
            found = reader.scalar("SELECT id FROM deals WHERE id = :id", id=int(number))
        if found is None:
            raise NotFound(f"no deal #{number}", hint="`salesflow lead list --all` lists deals")
        return int(found)
    rows = reader.rows(
        "SELECT d.id, d.title, d.status, c.name FROM deals d"
        " LEFT JOIN companies c ON c.id = d.company_id"
        " WHERE lower(d.title) LIKE :pattern ESCAPE '\\'"
        " OR lower(c.name) LIKE :pattern ESCAPE '\\'"
        " ORDER BY d.id LIMIT :listed",
        pattern=like_pattern(text.lower()),
        listed=_LISTED,
    )
    if not rows:
        raise NotFound(f"no deal matches {text!r}", hint="`salesflow lead list --all` lists deals")
    tier = [r for r in rows if r[2] == "open"] or rows
    if len(tier) > 1:
        exact = [r for r in tier if r[1].lower() == text.lower()]
        if len(exact) == 1:
            tier = exact
    if len(tier) > 1:
        listing = "; ".join(f"#{i} {title} ({c or 'no company'})" for i, title, _, c in tier[:10])
        more = f" and {len(tier) - 10} more" if len(tier) > 10 else ""
        raise AmbiguousReference(
            f"{text!r} matches {len(tier)} deals: {listing}{more}", hint="use the deal's id"
        )
    return int(tier[0][0])


def find_stage(stages: list[StageT], ref: str) -> StageT:
    """A stage (a table row, or anything with `key` and `name`) by key or name."""
    want = ref.strip().lower()
    for stage in stages:
        if want in (stage.key.lower(), stage.name.lower()):
            return stage
    names = ", ".join(s.key for s in stages)
    raise NotFound(f"no stage {ref!r} in this pipeline", hint=f"stages: {names}")
