"""Four salesflow processes writing to one database at once lose nothing and overwrite nothing.

Each worker is a thread that runs its commands one after the other, every command a separate
`salesflow` process, forked from a server that has imported salesflow once (`forkserver.py`: the
soak tests what processes do to one database, not Python's start-up): `advance`, `log`, `task add`, `task done`
and `edit --value` (half of those with `--if-version`), all aimed at the same few deals. Then the
database must hold every change that was reported done, exactly once, and none that was refused:

- every stage move (by its unique note), in a history where each move starts where the one
  before ended; the deal's `version` counts every move and edit exactly once;
- every activity and every follow-up added, and every follow-up finished, exactly once (a shared
  follow-up two workers try to finish is done by one, the other is told it is done already);
- every `edit --value` in the change log, each one recording as its old value the value the edit
  before it wrote (no silent overwrite); an `--if-version` edit of a deal that moved on in the
  meantime is refused with exit 1 and leaves no trace.

No command may fail any other way: no "database is locked", no traceback, no exit 4 (the writes
wait for each other within the busy timeout). Counts: 4 × 100 commands on SQLite, 4 × 100 on
PostgreSQL (SALESFLOW_STRESS_COMMANDS changes both), so `make test` stays within minutes on two
cores. Marked `slow`: `pytest -m "not slow"` leaves them out.
"""

from __future__ import annotations

import json
import os
import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from forkserver import ForkServer
from pg import pg_database, pg_server  # noqa: F401  (fixtures, requested by name below)

WORKERS = 4
DEALS = 4
OPEN_STAGES = ["prospect", "contacted", "qualified", "demo", "proposal"]
# one round of ten commands; the order spreads the kinds over the run
ROUND = ["task add", "advance", "log", "edit", "task done own",
         "task add", "advance", "log", "edit if-version", "task done shared"]  # fmt: skip

pytestmark = pytest.mark.slow


@dataclass
class Outcome:
    """What one command did."""

    worker: int
    kind: str
    args: list[str]
    code: int
    stdout: str
    stderr: str
    key: Any = None  # what identifies the change: note, summary, task text, value…
    deal: int = 0


@dataclass
class Worker:
    """One process-spawning loop: its own random choices and the tasks it added."""

    number: int
    commands: int
    env: dict[str, str]
    server: ForkServer
    outcomes: list[Outcome] = field(default_factory=list)
    own_tasks: list[int] = field(default_factory=list)
    seen_version: dict[int, int] = field(default_factory=dict)

    def run(self, kind: str, args: list[str], *, key: Any = None, deal: int = 0) -> Outcome:
        done = self.server.run(args, self.env)
        outcome = Outcome(self.number, kind, args, done.returncode, done.stdout, done.stderr,
                          key, deal)  # fmt: skip
        self.outcomes.append(outcome)
        return outcome

    def remember_version(self, outcome: Outcome) -> None:
        if outcome.code == 0 and outcome.stdout.startswith("{"):
            card = json.loads(outcome.stdout)
            self.seen_version[card["id"]] = card["version"]

    def work(self, shared_tasks: list[int]) -> None:
        rng = random.Random(self.number)
        w = self.number
        # each worker walks the shared follow-ups from its own starting point, half a stretch
        # after the previous worker's, so each one is tried by two workers at different moments
        offset = w * len(shared_tasks) // WORKERS
        shared = shared_tasks[offset:] + shared_tasks[:offset]
        for i in range(self.commands):
            kind = ROUND[i % len(ROUND)]
            deal = rng.randint(1, DEALS)
            tag = f"w{w}-{i}"
            if kind == "task add":
                ran = self.run(kind, ["task", "add", str(deal), f"task {tag}", "--due", "+3d",
                                      "--json"], key=f"task {tag}", deal=deal)  # fmt: skip
                if ran.code == 0:
                    self.own_tasks.append(json.loads(ran.stdout)["id"])
            elif kind == "advance":
                stage = rng.choice(OPEN_STAGES)
                ran = self.run(kind, ["advance", str(deal), "--to", stage, "--force", "--note",
                                      f"move {tag}", "--json"], key=f"move {tag}", deal=deal)  # fmt: skip
                self.remember_version(ran)
            elif kind == "log":
                self.run(kind, ["log", str(deal), rng.choice(["call", "email", "meeting"]),
                                f"activity {tag}"], key=f"activity {tag}", deal=deal)  # fmt: skip
            elif kind.startswith("edit"):
                value = f"{(w + 1) * 100000 + i + 1}.00"  # unique to this command
                args = ["edit", str(deal), "--value", value, "--json"]
                if kind == "edit if-version" and deal in self.seen_version:
                    args[-1:-1] = ["--if-version", str(self.seen_version[deal])]
                ran = self.run(kind, args, key=value, deal=deal)
                self.remember_version(ran)
            elif kind == "task done own" and self.own_tasks:
                task = self.own_tasks.pop(0)
                self.run(kind, ["task", "done", str(task)], key=task)
            elif kind == "task done shared" or kind == "task done own":
                task = shared.pop(0) if shared else shared_tasks[0]
                self.run("task done shared", ["task", "done", str(task)], key=task)


def check_outcomes(outcomes: list[Outcome]) -> None:
    """Every command either succeeded or was refused for one of the expected domain reasons."""
    for o in outcomes:
        where = f"worker {o.worker}: salesflow {' '.join(o.args)} → {o.code}\n{o.stderr}"
        assert "locked" not in o.stderr.lower(), where
        assert "Traceback" not in o.stderr, where
        assert o.code in (0, 1), where
        if o.code == 1:
            (line, *_) = o.stderr.splitlines()
            expected = {
                "advance": "is already in",
                "task done shared": "is already done",
                "edit if-version": "changed since version",
            }
            assert o.kind in expected and expected[o.kind] in line, where


def run_workers(env: dict[str, str], commands: int, shared_tasks: list[int]) -> list[Outcome]:
    servers = [ForkServer() for _ in range(WORKERS)]
    try:
        workers = [Worker(n, commands, env, servers[n]) for n in range(WORKERS)]
        threads = [threading.Thread(target=w.work, args=(shared_tasks,)) for w in workers]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        for server in servers:
            server.close()
    return [o for w in workers for o in w.outcomes]


def stress(sf: Callable[..., Any], env: dict[str, str], commands: int) -> dict[str, Any]:
    """Seed the deals and shared follow-ups, run the workers, check everything landed."""
    for n in range(1, DEALS + 1):
        sf("lead", "add", f"Contended deal {n}", "--company", f"Co {n}", "--value", "1000")
    rounds = commands // len(ROUND)
    shared_tasks = []
    for n in range(max(1, WORKERS * rounds // 2)):
        added = sf("task", "add", str(n % DEALS + 1), f"shared {n}", "--due", "today", "--json")
        shared_tasks.append(added.json()["id"])
    started = time.monotonic()
    outcomes = run_workers(env, commands, shared_tasks)
    elapsed = time.monotonic() - started
    assert len(outcomes) == WORKERS * commands
    check_outcomes(outcomes)
    ok = [o for o in outcomes if o.code == 0]

    cards = {n: sf("show", str(n), "--json").json() for n in range(1, DEALS + 1)}
    trails = {n: sf("history", str(n), "--json").json()["events"] for n in range(1, DEALS + 1)}
    tasks = {t["text"]: t for c in cards.values() for t in c["tasks"]}
    task_by_id = {t["id"]: t for c in cards.values() for t in c["tasks"]}

    for n, card in cards.items():
        moves = [m for m in card["history"] if m["from"] is not None]
        # every successful advance of this deal is in its history once; no refused one is
        wanted = Counter(o.key for o in ok if o.kind == "advance" and o.deal == n)
        assert Counter(m["note"] for m in moves) == wanted, f"deal {n}"
        for before, after in zip(card["history"], card["history"][1:], strict=False):
            assert after["from"] == before["to"], f"deal {n}: a move started from a stale stage"
        # the change log of the value is one unbroken chain ending in the deal's value
        values = [e for e in trails[n] if e["kind"] == "field" and e["field"] == "value"]
        edits = [o for o in ok if o.kind.startswith("edit") and o.deal == n]
        assert Counter(e["to"] for e in values) == Counter(o.key for o in edits), f"deal {n}"
        previous = "1000.00"
        for e in values:
            assert e["from"] == previous, f"deal {n}: an edit overwrote {previous} unseen"
            previous = e["to"]
        assert card["value"] == previous
        # the version counts every move and every edit exactly once
        assert card["version"] == 1 + len(moves) + len(edits), f"deal {n}"
        # every logged activity is there once
        logged = Counter(o.key for o in ok if o.kind == "log" and o.deal == n)
        assert Counter(a["summary"] for a in card["activities"]) == logged, f"deal {n}"

    refused_values = {o.key for o in outcomes if o.kind.startswith("edit") and o.code == 1}
    assert not refused_values & {e["to"] for t in trails.values() for e in t}
    added = [o.key for o in ok if o.kind == "task add"]
    assert all(text in tasks for text in added)
    assert sum(1 for t in tasks if t.startswith("task w")) == len(added)
    # own follow-ups: done once each; shared ones: one success per follow-up, and it is done
    finished_own = [o.key for o in ok if o.kind == "task done own"]
    assert len(finished_own) == len(set(finished_own))
    assert all(task_by_id[t]["done_at"] is not None for t in finished_own)
    shared_ok = Counter(o.key for o in ok if o.kind == "task done shared")
    tried = {o.key for o in outcomes if o.kind == "task done shared"}
    assert set(shared_ok) == tried and set(shared_ok.values()) == {1}
    assert all(task_by_id[t]["done_at"] is not None for t in tried)
    open_untried = [t for t in shared_tasks if t not in tried]
    assert all(task_by_id[t]["done_at"] is None for t in open_untried)
    figures = Counter((o.kind, o.code) for o in outcomes)
    print(f"\n{WORKERS} processes × {commands} commands in {elapsed:.0f} s: {dict(figures)}")
    return {"elapsed": elapsed, "figures": figures}


def _commands(default: int) -> int:
    return int(os.environ.get("SALESFLOW_STRESS_COMMANDS", default))


def _env(**extra: str) -> dict[str, str]:
    env = {**os.environ, **extra}
    env.pop("SALESFLOW_DEBUG", None)
    return env


def _checked(cli: Callable[..., Any], env: dict[str, str] | None = None) -> Callable[..., Any]:
    def run(*args: str) -> Any:
        result = cli(*args, env=env)
        assert result.exit_code == 0, (args, result.stdout, result.stderr)
        return result

    return run


def test_four_processes_on_sqlite_lose_and_overwrite_nothing(cli, isolated):
    result = stress(_checked(cli), _env(), _commands(100))
    # something really was contended: refused --if-version edits and shared follow-ups
    assert result["figures"][("task done shared", 1)] > 0


@pytest.mark.postgres
def test_four_processes_on_postgresql_lose_and_overwrite_nothing(cli, request):
    url = request.getfixturevalue("pg_database")  # tests/pg.py: a fresh database
    result = stress(
        _checked(cli, {"SALESFLOW_DB": url}),
        _env(SALESFLOW_DB=url),
        _commands(100),
    )
    assert result["figures"][("task done shared", 1)] > 0
