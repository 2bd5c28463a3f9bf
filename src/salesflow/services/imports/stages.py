"""`import --new-pipeline NAME`: a pipeline made from the stages a file uses.

The file's stage names become open stages, in the order the system they come from uses when it
is known (Pipedrive's and HubSpot's default pipelines), else in the order they first appear;
won and lost stages (`Won`, `Closed Won`, …) become the outcomes. Probabilities rise evenly from
the first stage to the last (edit the pipeline file later to refine them).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from salesflow.errors import InvalidInput
from salesflow.services.imports.csvfile import BadRecord, CsvFile
from salesflow.services.imports.mapping import KNOWN_STAGE_ORDER, plan_columns

if TYPE_CHECKING:
    from sqlmodel import Session

OUTCOMES = {"won": "won", "closed won": "won", "closedwon": "won", "lost": "lost",
            "closed lost": "lost", "closedlost": "lost"}  # fmt: skip
MAX_STAGES = 30


def _key(name: str, used: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:56] or "stage"
    if not base[0].isalnum():
        base = "s" + base
    key, n = base, 2
    while key in used:
        key, n = f"{base}-{n}", n + 1
    used.add(key)
    return key


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def file_stages(
    files: list[Path], *, preset: str, maps: dict[str, str], encoding: str | None
) -> tuple[list[str], dict[str, str]]:
    """The open stage names the files use (in pipeline order) and their outcome names."""
    seen: list[str] = []
    outcomes: dict[str, str] = {}
    for path in files:
        with CsvFile(path, encoding=encoding) as handle:
            index = plan_columns(handle.header, preset, maps).fields.get("stage")
            if index is None:
                raise InvalidInput(f"{path.name} has no stage column to make a pipeline from",
                                   hint="map one with --map COLUMN=stage")  # fmt: skip
            for record in handle.records():
                if isinstance(record, BadRecord):
                    continue
                name = " ".join(record.cells[index].split())
                kind = OUTCOMES.get(name.lower())
                if kind:
                    outcomes.setdefault(kind, name)
                elif name and name.lower() not in (s.lower() for s in seen):
                    seen.append(name)
    if not seen:
        raise InvalidInput("the files name no open stages to make a pipeline from")
    if len(seen) > MAX_STAGES:
        raise InvalidInput(f"the files name {len(seen)} stages; a pipeline takes {MAX_STAGES}",
                           hint="map them onto fewer with --stage FILE_STAGE=STAGE")  # fmt: skip
    known = [s.lower() for s in KNOWN_STAGE_ORDER.get(preset, [])]
    seen.sort(key=lambda s: known.index(s.lower()) if s.lower() in known else len(known))
    return seen, outcomes


def pipeline_toml(name: str, stages: list[str], outcomes: dict[str, str]) -> str:
    """The pipeline file for the stages, probabilities rising evenly."""
    used: set[str] = set()
    lines = [f"# made by `salesflow import --new-pipeline {name}` from the file's stages",
             f"name = {_quote(name)}"]  # fmt: skip
    for position, stage in enumerate(stages, start=1):
        probability = round(position / (len(stages) + 1), 2)
        lines += ["", "[[stages]]", f"key = {_quote(_key(stage, used))}",
                  f"name = {_quote(stage)}", f"probability = {probability}"]  # fmt: skip
    for kind in ("won", "lost"):
        title = outcomes.get(kind, kind.capitalize())
        key = kind if kind not in used else _key(kind, used)
        lines += ["", f"[{kind}]", f"key = {_quote(key)}", f"name = {_quote(title)}"]
    return "\n".join(lines) + "\n"


def make_pipeline(
    name: str,
    files: list[Path],
    *,
    preset: str,
    maps: dict[str, str],
    encoding: str | None,
    session: Session,
) -> str:
    """Create the pipeline from the files' stages; returns its key."""
    from sqlmodel import select

    from salesflow.models import Pipeline
    from salesflow.services.deals.pipelines import add_pipeline, parse_pipeline

    key = name.strip().lower()
    if session.exec(select(Pipeline).where(Pipeline.key == key)).first() is not None:
        raise InvalidInput(f"pipeline {key!r} exists already",
                           hint=f"import into it with --pipeline {key}")  # fmt: skip
    stages, outcomes = file_stages(files, preset=preset, maps=maps, encoding=encoding)
    text = pipeline_toml(key, stages, outcomes)
    add_pipeline(parse_pipeline(text, f"--new-pipeline {name}"), text, session=session)
    return key
