"""A throwaway taskwarrior database to race `salesflow due-today` against `task +DUETODAY list`.

    .venv/bin/python bench/taskwarrior_data.py DIR --tasks 10000 --due-today 1000 --overdue 980

Writes DIR/taskrc and DIR/data/ (TASKRC and TASKDATA point there, so the user's ~/.taskrc and
~/.task are never read or written), generates the tasks as JSON and loads them with
`task import`. Every task is pending: `--due-today` of them are due today, `--overdue` are 1-12
days late, and the rest are due within the next three weeks, spread over six reps' projects,
with follow-up texts like the demo's. "Today" is taskwarrior's own (the real clock in the time
zone of TZ), since taskwarrior has no frozen clock like SALESFLOW_NOW.

`run.py` calls `build()` and keeps the folder as a cache (keyed by size, counts and date).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import uuid
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

REPS = ("ana", "ben", "chloe", "dev", "eli", "fay")
TEXTS = (
    "Find the decision maker",
    "Send intro email",
    "Call back after intro email",
    "Send a case study",
    "Confirm the budget owner",
    "Send discovery notes",
    "Loop in the technical buyer",
    "Answer the security questionnaire",
    "Set up a trial account",
    "Chase the signature",
    "Review redlines with legal",
    "Call procurement",
    "Onboarding kick-off call",
    "Ask for feedback after onboarding",
    "Follow up on proposal",
)
COMPANIES = (
    "Northwind",
    "Bluepath",
    "Silverbay",
    "Oakridge",
    "Riverline",
    "Summitcrest",
    "Harborview",
    "Cedarwood",
    "Novaport",
    "Apexlight",
    "Atlasgate",
    "Polarbrook",
)
KINDS = ("Labs", "Systems", "Logistics", "Health", "Capital", "Media", "Solar", "Freight")
OFFERS = ("rollout", "pilot", "annual plan", "expansion", "team licence", "enterprise plan")


def zone_of(env: dict[str, str]) -> tzinfo:
    """The time zone `task` will run in: the env's TZ, else this machine's."""
    name = env.get("TZ", "").lstrip(":")
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    zone = datetime.now().astimezone().tzinfo
    assert zone is not None
    return zone


def stamp(day: date, at: time, zone: tzinfo) -> str:
    """A wall-clock time in `zone`, in taskwarrior's JSON date form (UTC)."""
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def tasks_json(
    total: int, due_today: int, overdue: int, today: date, zone: tzinfo, seed: int = 1
) -> list[dict[str, str]]:
    rng = random.Random(seed)
    rows = []
    for i in range(total):
        if i < due_today:
            due = today
        elif i < due_today + overdue:
            due = today - timedelta(days=rng.randint(1, 12))
        else:
            due = today + timedelta(days=rng.randint(1, 21))
        entry = due - timedelta(days=rng.randint(1, 60))
        deal = f"{rng.choice(COMPANIES)} {rng.choice(KINDS)} {rng.choice(OFFERS)}"
        rows.append(
            {
                "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "status": "pending",
                "description": f"{rng.choice(TEXTS)}: #{i + 1} {deal}",
                "project": rng.choice(REPS),
                "entry": stamp(entry, time(9, 30), zone),
                "modified": stamp(entry, time(9, 30), zone),
                "due": stamp(due, time(rng.randint(9, 17), 0), zone),
            }
        )
    rng.shuffle(rows)  # due-today tasks spread through the file, not all first
    return rows


def task_env(folder: Path, base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment that points `task` at this folder only."""
    env = dict(os.environ if base is None else base)
    env["TASKRC"] = str(folder / "taskrc")
    env["TASKDATA"] = str(folder / "data")
    return env


def count(folder: Path, env: dict[str, str], *filters: str) -> int:
    done = subprocess.run(
        ["task", "rc.verbose=nothing", *filters, "count"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return int(done.stdout.strip())


def build(
    folder: Path, total: int, due_today: int, overdue: int, base_env: dict[str, str] | None = None
) -> dict[str, str]:
    """Create (or reuse, when complete) the taskwarrior data in `folder`; returns its env."""
    folder = folder.resolve()
    env = task_env(folder, base_env)
    marker = folder / "complete"
    if marker.exists():
        return env
    if folder.exists():
        for leftover in sorted(folder.rglob("*"), reverse=True):
            leftover.unlink() if leftover.is_file() else leftover.rmdir()
    (folder / "data").mkdir(parents=True)
    (folder / "taskrc").write_text(
        "# salesflow bench: a throwaway taskwarrior setup (TASKRC/TASKDATA point here)\n"
        f"data.location={folder / 'data'}\n"
        "confirmation=off\n"
        "news.version=2.6.0\n",  # no "run task news" nag after an upgrade
        encoding="utf-8",
    )
    zone = zone_of(env)
    today = datetime.now(zone).date()
    source = folder / "tasks.json"
    with source.open("w", encoding="utf-8") as handle:
        for row in tasks_json(total, due_today, overdue, today, zone):
            handle.write(json.dumps(row) + "\n")
    subprocess.run(
        ["task", "rc.verbose=nothing", "import", str(source)],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    source.unlink()
    have = count(folder, env, "status:pending")
    if have != total:
        sys.exit(f"taskwarrior holds {have} pending tasks in {folder}, not {total}")
    marker.write_text(today.isoformat() + "\n", encoding="utf-8")
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--due-today", type=int, default=1000)
    parser.add_argument("--overdue", type=int, default=1000)
    args = parser.parse_args()
    env = build(args.folder, args.tasks, args.due_today, args.overdue)
    print(
        f"{count(args.folder, env, 'status:pending')} tasks, "
        f"{count(args.folder, env, '+DUETODAY')} due today, "
        f"{count(args.folder, env, '+OVERDUE')} overdue; use: "
        f"TASKRC={env['TASKRC']} TASKDATA={env['TASKDATA']} task +DUETODAY list"
    )


if __name__ == "__main__":
    main()
