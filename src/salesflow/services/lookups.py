"""Finding a pipeline by name with plain SQL, so the light read path and the ORM share one rule:
a pipeline is named by its key, case-insensitively; no name means the default pipeline."""

from __future__ import annotations

from salesflow.db.reader import Reader
from salesflow.errors import NotFound


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
