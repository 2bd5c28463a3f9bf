"""salesflow's speed targets (issue 8), each measured beside its peer in the same run.

    .venv/bin/python bench/run.py                 # every row (`make bench`); ~15 min, more when
                                                  # the demo databases must be (re)built
    .venv/bin/python bench/run.py --quick         # small sizes, 3 runs: checks the bench itself
    .venv/bin/python bench/run.py --only due10k   # one row (repeat --only for more)

Builds what it needs under build/bench/ and keeps it as a cache: demo databases keyed by size,
seed, schema head revision (src/salesflow/db/schema.py) and the frozen clock, and taskwarrior
data keyed by size, counts and date. Times are hyperfine medians (--export-json); peak memory
is /usr/bin/time's maximum resident set size. Prints a markdown table with the machine, the
ratios, PASS/MISS against the targets and the exact commands, and writes it to
build/bench/results.md (results-quick.md with --quick). See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import shlex
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "build" / "bench"
WORK = OUT / "work"
sys.path.insert(0, str(Path(__file__).resolve().parent))

import taskwarrior_data  # noqa: E402

NOW = "2026-11-27T09:00"  # SALESFLOW_NOW when building the demo databases and measuring
SEED = 1
TZ = "UTC"  # both tools' time zone, so "today" does not depend on the machine's setting
DUE_LIMIT = 1000
FUNNEL_SQL = (
    "SELECT stage_id, count(*), sum(value_minor) FROM deals WHERE pipeline_id = {p} "
    "GROUP BY stage_id"
)
INSTALL_HINT = "apt-get install hyperfine taskwarrior sqlite3 time"


@dataclass
class Sizes:
    due_big: int
    due_small: int
    funnel: int
    leads: int


FULL = Sizes(due_big=100_000, due_small=10_000, funnel=1_000_000, leads=100_000)
QUICK = Sizes(due_big=5_000, due_small=2_000, funnel=20_000, leads=3_000)

# row key: (what it compares, target ratio, target peak MiB or None)
ROWS = {
    "help": ("`salesflow --help` vs `task --version`", 20.0, None),
    "complete": ("shell completion of `salesflow adv` vs `task --version`", 20.0, None),
    "due100k": (
        "`salesflow due-today` on {due_big:,} deals vs `task +DUETODAY list` on {due_big:,} tasks",
        0.35,
        None,
    ),
    "due10k": (
        "`salesflow due-today` on {due_small:,} deals vs `task +DUETODAY list` on "
        "{due_small:,} tasks",
        1.5,
        None,
    ),
    "funnel": ("`salesflow funnel` vs sqlite3 GROUP BY, {funnel:,} deals", 4.0, 80.0),
    "import": ("`salesflow import` vs sqlite3 `.import`, {leads:,} leads", 8.0, 150.0),
    "show": (
        "`salesflow show ID` on {due_small:,} deals vs `task ID information` on {due_small:,} "
        "tasks (no target: shown for reference)",
        None,
        None,
    ),
    "add": ('`salesflow lead add` vs `python -c "import sqlmodel"`', 1.3, None),
    "advance": ('`salesflow advance` vs `python -c "import sqlmodel"`', 1.3, None),
}
# issue 21's rows (bench/scale.py): reads at scale and on PostgreSQL, and the demo generator
import scale  # noqa: E402

ROWS |= dict.fromkeys(scale.SCALE_ROWS, ("", None, None))
ROWS |= dict.fromkeys(scale.PG_ROWS, ("", 3.0, None))
ROWS["demo1m"] = ("", None, None)


@dataclass
class Result:
    key: str
    what: str
    ours: float | None = None  # median seconds
    theirs: float | None = None
    target: float | None = 0.0  # None: measured for reference, no target
    target_seconds: float | None = None  # a target in seconds of salesflow's median instead
    mem: float | None = None  # salesflow's peak MiB
    mem_peer: float | None = None
    mem_target: float | None = None
    runs: tuple[int, int] = (0, 0)
    commands: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def ratio(self) -> float | None:
        return self.ours / self.theirs if self.ours and self.theirs else None

    @property
    def verdict(self) -> str:
        if self.error or self.ratio is None:
            return "ERROR"
        if self.target_seconds is not None:
            ok = self.ours is not None and self.ours <= self.target_seconds
        elif self.target is None:
            return "–"
        else:
            ok = self.ratio <= self.target
        if self.mem_target is not None:
            ok = ok and self.mem is not None and self.mem <= self.mem_target
        return "PASS" if ok else "MISS"


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.quick = args.quick
        self.sizes = QUICK if args.quick else FULL
        self.runs_override: int | None = args.runs
        self.rounds = 1 if args.quick else 2
        self.salesflow = find_salesflow()
        self.python = self.salesflow.parent / "python"
        self.rev = head_revision()
        self.env = bench_env()
        # bytecode for every source as it is now: with PYTHONDONTWRITEBYTECODE set (as on some
        # machines), a module edited since the venv was made would be compiled on every launch
        subprocess.run([str(self.python), "-m", "compileall", "-q", str(ROOT / "src")], check=True)

    # --- plumbing ---------------------------------------------------------------------------

    def runs(self, full: int) -> int:
        if self.runs_override:
            return self.runs_override
        return 3 if self.quick else full

    def say(self, text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    def hyperfine(
        self,
        commands: list[list[str]],
        runs: int,
        warmup: int = 1,
        prepare: list[list[str] | None] | None = None,
        env: dict[str, str] | None = None,
        rounds: int | None = None,
    ) -> list[list[float]]:
        """Every run's seconds per command. The runs are split into rounds, the order of the
        commands reversed each round, so a burst of load on this shared machine hits both."""
        rounds = max(1, min(rounds or self.rounds, runs // 3))
        per_round = math.ceil(runs / rounds)
        times: list[list[float]] = [[] for _ in commands]
        export = WORK / "hyperfine.json"
        for number in range(rounds):
            order = list(range(len(commands)))
            if number % 2:
                order.reverse()
            argv = [
                "hyperfine",
                "--shell=none",
                "--output=pipe",
                "--style=basic",
                f"--warmup={warmup}",
                f"--runs={per_round}",
                f"--export-json={export}",
            ]
            for i in order:
                if prepare:
                    argv += ["--prepare", shlex.join(prepare[i] or ["true"])]
            argv += [shlex.join(commands[i]) for i in order]
            done = subprocess.run(
                argv, cwd=ROOT, env=env or self.env, capture_output=True, text=True, check=False
            )
            if done.returncode != 0:
                raise RuntimeError(f"hyperfine failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
            data = json.loads(export.read_text(encoding="utf-8"))["results"]
            for i, result in zip(order, data, strict=True):
                if any(code != 0 for code in result.get("exit_codes", [])):
                    raise RuntimeError(f"{result['command']} exited non-zero")
                times[i] += result["times"]
        return times

    def once(self, argv: list[str], env: dict[str, str] | None = None) -> str:
        """Run a command once as the benchmark would (checking it works); its stdout."""
        done = subprocess.run(
            argv, cwd=ROOT, env=env or self.env, capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(
                f"{shlex.join(argv)} exited {done.returncode}:\n"
                f"{done.stdout[-2000:]}{done.stderr[-2000:]}"
            )
        return done.stdout

    def sf(self, *args: str) -> list[str]:
        return [rel(self.salesflow), *args]

    # --- data -------------------------------------------------------------------------------

    def demo_db(self, size: int) -> Path:
        """The cached demo database of `size` deals, built when missing or of an old schema."""
        stem = f"demo-{size}-seed{SEED}-rev{self.rev}-now{NOW.replace(':', '')}"
        path = OUT / f"{stem}.db"
        if path.exists() and db_ok(path, size, self.rev):
            return path
        for old in OUT.glob(f"demo-{size}-*"):
            old.unlink()
        tmp = OUT / f"{stem}.building.db"
        self.say(f"building the {size:,}-deal demo database {rel(path)} (schema {self.rev}) …")
        start = time.monotonic()
        with (OUT / f"{stem}.log").open("w", encoding="utf-8") as log:
            subprocess.run(
                self.sf("--db", str(tmp), "demo", "--size", str(size), "--seed", str(SEED)),
                cwd=ROOT,
                env=self.env,
                check=True,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        with sqlite3.connect(tmp) as conn:  # fold any write-ahead log into the file
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        for suffix in ("-wal", "-shm"):
            Path(f"{tmp}{suffix}").unlink(missing_ok=True)
        tmp.rename(path)
        self.say(f"  built in {time.monotonic() - start:.0f} s")
        if not db_ok(path, size, self.rev):
            raise RuntimeError(f"{path} is not a {size}-deal database at revision {self.rev}")
        return path

    def taskdata(self, size: int, due_today: int, overdue: int) -> dict[str, str]:
        today = datetime.now(taskwarrior_data.zone_of(self.env)).date().isoformat()
        name = f"taskwarrior-{size}-today{due_today}-overdue{overdue}-{today}"
        folder = OUT / name
        if not (folder / "complete").exists():
            for old in OUT.glob(f"taskwarrior-{size}-*"):
                shutil.rmtree(old)
            self.say(f"importing {size:,} tasks into taskwarrior ({rel(folder)}) …")
        env = taskwarrior_data.build(folder, size, due_today, overdue, base_env=self.env)
        return env

    # --- rows -------------------------------------------------------------------------------

    def startup(self, keys: list[str]) -> list[Result]:
        script = self.once(self.sf("--show-completion", "bash"))
        match = re.search(r"(_SALESFLOW_COMPLETE)=(\w+)", script)
        if not match or "COMP_WORDS" not in script or "COMP_CWORD" not in script:
            raise RuntimeError(f"unexpected bash completion script:\n{script}")
        var, mode = match.groups()
        completion = [
            "env",
            "COMP_WORDS=salesflow adv",
            "COMP_CWORD=1",
            f"{var}={mode}",
            *self.sf(),
        ]
        task_version = ["task", "--version"]
        env = self.env_with(self.taskdata_env_small())
        ours = {"help": self.sf("--help"), "complete": completion}
        checks = {"help": "Usage:", "complete": "advance"}
        chosen = [k for k in ("help", "complete") if k in keys]
        for key in chosen:
            out = self.once(ours[key], env)
            if checks[key] not in out:
                raise RuntimeError(f"{shlex.join(ours[key])} printed {out!r}")
        version = self.once(task_version, env).strip()
        runs = self.runs(10)
        self.say(f"measuring {', '.join(chosen)} vs task --version ({runs} runs each) …")
        times = self.hyperfine([*(ours[k] for k in chosen), task_version], runs, warmup=2, env=env)
        results = []
        for key, ours_times in zip(chosen, times, strict=False):
            result = self.result(key)
            result.ours, result.theirs = median(ours_times), median(times[-1])
            result.runs = (len(ours_times), len(times[-1]))
            result.commands = [shlex.join(ours[key]), shlex.join(task_version)]
            result.notes.append(
                f"task --version prints {version}; the bash completion script "
                f"(`salesflow --show-completion bash`) runs salesflow with "
                f"{var}={mode}, COMP_WORDS and COMP_CWORD"
            )
            results.append(result)
        return results

    def taskdata_env_small(self) -> dict[str, str]:
        """Taskwarrior env for `task --version`: an empty throwaway rc (never ~/.taskrc)."""
        folder = WORK / "taskwarrior-empty"
        (folder / "data").mkdir(parents=True, exist_ok=True)
        rc = folder / "taskrc"
        rc.write_text(f"data.location={folder / 'data'}\nnews.version=2.6.0\n", encoding="utf-8")
        return taskwarrior_data.task_env(folder, self.env)

    def env_with(self, extra: dict[str, str]) -> dict[str, str]:
        return {**self.env, **{k: extra[k] for k in ("TASKRC", "TASKDATA") if k in extra}}

    def due_lists(self, size: int) -> tuple[Path, list[str], str, int, int, dict[str, str]]:
        """The demo database of `size` deals, the due-today command and what it printed (the
        summary line, rows, overdue count), and the environment of the matching taskwarrior
        data (as many tasks due today as rows printed, as many late as overdue)."""
        db = self.demo_db(size)
        ours = self.sf("--db", rel(db), "due-today", "--all", "--limit", str(DUE_LIMIT))
        out = self.once(ours)
        rows = sum(1 for line in out.splitlines() if DUE_ROW.match(line))
        summary = next((line for line in out.splitlines() if "due by end of" in line), "")
        m = re.search(r"(\d+) overdue, (\d+) due today", summary)
        if not rows or not m:
            raise RuntimeError(f"{shlex.join(ours)} printed no rows:\n{out[-1500:]}")
        overdue = int(m.group(1))
        tenv = self.env_with(self.taskdata(size, due_today=rows, overdue=overdue))
        return db, ours, summary, rows, overdue, tenv

    def show(self) -> list[Result]:
        result = self.result("show")
        db, _, _, _, _, tenv = self.due_lists(self.sizes.due_small)
        ours = self.sf("--db", rel(db), "show", "95")
        theirs = ["task", "1", "information"]
        card, info = self.once(ours), self.once(theirs, tenv)
        if not card.startswith("#95 ") or "Stage history" not in card or "UUID" not in info:
            raise RuntimeError(f"unexpected output:\n{card[-800:]}\n{info[-800:]}")
        warm(db)
        self.measure(result, ours, theirs, tenv, "the deal card vs task information")
        result.notes.append(
            f"salesflow prints the whole card ({len(card.splitlines())} lines: people, stage, "
            "score, follow-ups, history, activities, quotes); task prints one task's "
            f"{len(info.splitlines())} lines of information."
        )
        return [result]

    def measure(
        self, result: Result, ours: list[str], theirs: list[str], env: dict[str, str], what: str
    ) -> None:
        """Both commands of a row, 10 runs each (hyperfine, in rounds), into `result`."""
        runs = self.runs(10)
        self.say(f"measuring {result.key}: {what} ({runs} runs) …")
        times = self.hyperfine([ours, theirs], runs, env=env)
        result.ours, result.theirs = median(times[0]), median(times[1])
        result.runs = (len(times[0]), len(times[1]))
        result.commands = [shlex.join(ours), shlex.join(theirs)]

    def due(self, key: str, size: int) -> list[Result]:
        result = self.result(key)
        db, ours, summary, rows, overdue, tenv = self.due_lists(size)
        theirs = ["task", "+DUETODAY", "list"]
        listed = self.once(theirs, tenv)
        task_rows = sum(1 for line in listed.splitlines() if is_task_row(line))
        counted = int(self.once(["task", "rc.verbose=nothing", "+DUETODAY", "count"], tenv))
        late = int(self.once(["task", "rc.verbose=nothing", "+OVERDUE", "count"], tenv))
        if task_rows != counted or not counted:
            raise RuntimeError(
                f"task +DUETODAY list printed {task_rows} rows, count says {counted}"
            )
        warm(db)
        self.measure(result, ours, theirs, tenv, f"due-today on {size:,} deals vs taskwarrior")
        result.notes += [
            f"salesflow printed {rows} rows (of {summary.strip()!r}); task printed {task_rows} "
            f"rows (+DUETODAY; taskwarrior's own clock, TZ={TZ}).",
            f"taskwarrior data: {size:,} pending tasks, {counted} due today (= rows salesflow "
            f"prints), {overdue} more 1-12 days late (= the demo's overdue count; `+OVERDUE` "
            f"counts {late}, as it also takes today's tasks whose hour has passed), the rest due "
            "in the next 3 weeks.",
        ]
        return [result]

    def funnel(self) -> list[Result]:
        result = self.result("funnel")
        size = self.sizes.funnel
        db = self.demo_db(size)
        with sqlite3.connect(db) as conn:
            columns = {row[1] for row in conn.execute("PRAGMA table_info(deals)")}
            missing = {"stage_id", "value_minor", "pipeline_id"} - columns
            if missing:
                raise RuntimeError(f"deals has no column {', '.join(sorted(missing))}")
            pipeline = conn.execute("SELECT id FROM pipelines WHERE is_default").fetchone()[0]
        conn.close()
        sql = FUNNEL_SQL.format(p=pipeline)
        ours = self.sf("--db", rel(db), "funnel")
        theirs = ["sqlite3", rel(db), sql]
        self.once(ours)
        groups = len(self.once(theirs).splitlines())
        rss = {name: WORK / f"funnel-rss-{name}.txt" for name in ("ours", "theirs")}
        for path in rss.values():
            path.unlink(missing_ok=True)

        def timed(name: str, argv: list[str]) -> list[str]:
            return ["/usr/bin/time", "-a", "-o", rel(rss[name]), "-f", "%M", *argv]

        warm(db)
        runs = self.runs(5)
        self.say(
            f"measuring funnel on {size:,} deals vs sqlite3 ({runs} runs; salesflow's can "
            "take a minute each) …"
        )
        times = self.hyperfine(
            [timed("ours", ours), timed("theirs", theirs)], runs, warmup=0, rounds=1
        )
        result.ours, result.theirs = median(times[0]), median(times[1])
        result.runs = (len(times[0]), len(times[1]))
        result.mem, result.mem_peer = (median_rss(rss["ours"]), median_rss(rss["theirs"]))
        result.commands = [shlex.join(ours), shlex.join(theirs)]
        result.notes += [
            f"both run under `/usr/bin/time -a -o FILE -f %M` inside hyperfine: peak memory is "
            f"the median of the {len(times[0])} runs' max RSS; the page cache was warmed by "
            "reading the file once, so no warm-up runs.",
            f"sqlite3 printed {groups} groups; salesflow's funnel also works out entered, "
            "converted and median days per stage from the stage history.",
        ]
        return [result]

    def import_(self) -> list[Result]:
        result = self.result("import")
        rows, runs = self.sizes.leads, self.runs(5)
        argv = [
            rel(self.python),
            "bench/import_vs_sqlite3.py",
            "--rows",
            str(rows),
            "--runs",
            str(runs),
        ]
        self.say(f"measuring import: {shlex.join(argv)} …")
        out = self.once(argv)
        print(out.rstrip(), file=sys.stderr)
        ours, theirs = import_line(out, "salesflow import"), import_line(out, "sqlite3 .import")
        if not ours or not theirs:
            raise RuntimeError(f"cannot read bench/import_vs_sqlite3.py's report:\n{out}")
        result.ours, result.mem, ours_cpu, ours_runs = ours
        result.theirs, result.mem_peer, theirs_cpu, theirs_runs = theirs
        result.runs = (ours_runs, theirs_runs)
        if ours_cpu and theirs_cpu:
            result.notes.append(
                f"CPU time (user + system, median): salesflow {fmt_time(ours_cpu)}, sqlite3 "
                f"{fmt_time(theirs_cpu)}, ratio {fmt_ratio(ours_cpu / theirs_cpu)}"
            )
        result.commands = [
            shlex.join(argv) + "  # per run, on a fresh file each: salesflow --db DB import "
            "leads.csv (after an untimed `salesflow init`) and sqlite3 DB '.import --csv "
            "leads.csv leads', both under /usr/bin/time -v"
        ]
        result.notes.append(
            "times: the script's medians of /usr/bin/time wall clock (not "
            "hyperfine); peak memory: its maximum over the runs"
        )
        return [result]

    def add(self) -> list[Result]:
        result = self.result("add")
        base = self.demo_db(self.sizes.due_small)
        db = WORK / "lead-add.db"
        copy_db(base, db)
        ours = self.sf(
            "--db",
            rel(db),
            "lead",
            "add",
            "Bench lead",
            "--company",
            "Bench Co",
            "--contact",
            "Bea Bench",
            "--value",
            "12000",
        )
        baseline = [rel(self.python), "-c", "import sqlmodel"]
        self.once(ours)
        self.once(baseline)
        runs = self.runs(10)
        self.say(f"measuring lead add vs import sqlmodel ({runs} runs) …")
        times = self.hyperfine([ours, baseline], runs)
        result.ours, result.theirs = median(times[0]), median(times[1])
        result.runs = (len(times[0]), len(times[1]))
        result.commands = [shlex.join(ours), shlex.join(baseline)]
        result.notes.append(
            f"on a copy of the {self.sizes.due_small:,}-deal demo database; "
            "every run adds one more deal (company and contact reused)"
        )
        return [result]

    def advance(self) -> list[Result]:
        result = self.result("advance")
        base = self.demo_db(self.sizes.due_small)
        pristine, db = WORK / "advance-base.db", WORK / "advance.db"
        copy_db(base, pristine)
        with sqlite3.connect(pristine) as conn:
            row = conn.execute(
                "SELECT d.id, s.name FROM deals d JOIN stages s ON s.id = d.stage_id "
                "JOIN pipelines p ON p.id = d.pipeline_id WHERE p.is_default "
                "AND d.status = 'open' AND s.position = 0 ORDER BY d.id LIMIT 1"
            ).fetchone()
        conn.close()
        if row is None:
            raise RuntimeError("no open deal in the first stage to advance")
        deal, stage = row
        ours = self.sf("--db", rel(db), "advance", str(deal))
        reset = [
            "sh",
            "-c",
            f"cp {shlex.quote(rel(pristine))} {shlex.quote(rel(db))} && "
            f"rm -f {shlex.quote(rel(db))}-wal {shlex.quote(rel(db))}-shm",
        ]
        baseline = [rel(self.python), "-c", "import sqlmodel"]
        self.once(reset)
        moved = self.once(ours).strip()
        self.once(baseline)
        runs = self.runs(10)
        self.say(f"measuring advance vs import sqlmodel ({runs} runs) …")
        times = self.hyperfine([ours, baseline], runs, prepare=[reset, reset])
        result.ours, result.theirs = median(times[0]), median(times[1])
        result.runs = (len(times[0]), len(times[1]))
        result.commands = [
            shlex.join(ours),
            shlex.join(baseline),
            f"before every run of both (hyperfine --prepare): {shlex.join(reset)}",
        ]
        result.notes.append(
            f"deal #{deal} moves out of {stage} in every run (`{moved}`), on a "
            f"fresh copy of the {self.sizes.due_small:,}-deal demo database"
        )
        return [result]

    def result(self, key: str) -> Result:
        what, target, mem_target = ROWS[key]
        what = what or scale.describe(key, self.sizes)
        return Result(
            key=key, what=what.format(**vars(self.sizes)), target=target, mem_target=mem_target
        )


DUE_ROW = re.compile(r"^\s*\d+\s+\d{4}-\d{2}-\d{2}\s")


def is_task_row(line: str) -> bool:
    """A row of `task list`: it starts with an id (the footer "N tasks" does not count)."""
    return bool(re.match(r"^\s*\d+\s+\S", line)) and not re.match(r"^\s*\d+ tasks?$", line)


def import_line(report: str, name: str) -> tuple[float, float, float | None, int] | None:
    """(median wall s, peak MiB, median CPU s or None, runs) from a line of
    bench/import_vs_sqlite3.py's report, e.g. `salesflow import  11.70 s  113.5 MiB  runs: …` or
    `salesflow import  11.70 s  5.10 s  113.5 MiB  wall times: …`."""
    line = next((ln for ln in report.splitlines() if ln.strip().startswith(name)), None)
    if line is None:
        return None
    rest = line.strip()[len(name) :]
    seconds = re.findall(r"([\d.]+) s\b", rest.split(":")[0])
    mib = re.search(r"([\d.]+) MiB", rest)
    runs = re.search(r"(?:runs|times):\s*([\d., ]+)$", rest)
    if not seconds or not mib:
        return None
    cpu = float(seconds[1]) if len(seconds) > 1 else None
    count = len(runs.group(1).split(",")) if runs else 0
    return float(seconds[0]), float(mib.group(1)), cpu, count


def median(values: list[float]) -> float:
    return statistics.median(values)


def median_rss(path: Path) -> float:
    """Median of the KiB values /usr/bin/time appended, in MiB."""
    values = [int(line) for line in path.read_text(encoding="utf-8").split() if line.isdigit()]
    if not values:
        raise RuntimeError(f"no max RSS in {path}")
    return statistics.median(values) / 1024


def warm(path: Path) -> None:
    """Read a file once so both tools start with it in the page cache."""
    with path.open("rb") as handle:
        while handle.read(1 << 24):
            pass


def copy_db(source: Path, target: Path) -> None:
    """Copy a database file, with whatever a write-ahead log still held folded in first."""
    conn = sqlite3.connect(source)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(source, target)


def db_ok(path: Path, size: int, rev: str) -> bool:
    try:
        with sqlite3.connect(path) as conn:
            version = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            deals = conn.execute("SELECT count(*) FROM deals").fetchone()
        conn.close()
    except sqlite3.Error:
        return False
    return bool(version and version[0] == rev and deals and deals[0] == size)


def rel(path: Path | str) -> str:
    """A path as short as it can be written from the repository root (where commands run)."""
    path = Path(os.path.abspath(path))  # not resolve(): .venv/bin/python must stay itself
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def find_salesflow() -> Path:
    for candidate in (
        Path(sys.executable).parent / "salesflow",
        ROOT / ".venv" / "bin" / "salesflow",
    ):
        if candidate.exists():
            return candidate.absolute()
    sys.exit("no salesflow executable beside this python or in .venv: run `make venv` first")


def head_revision() -> str:
    text = (ROOT / "src" / "salesflow" / "db" / "schema.py").read_text(encoding="utf-8")
    match = re.search(r'^HEAD_REVISION\s*=\s*["\']([^"\']+)["\']', text, re.MULTILINE)
    if not match:
        sys.exit("cannot find HEAD_REVISION in src/salesflow/db/schema.py")
    return match.group(1)


def bench_env() -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SALESFLOW_", "_SALESFLOW_", "TASK", "COMP_"))
        and k not in ("COLUMNS", "LINES", "NO_COLOR", "FORCE_COLOR", "PAGER")
    }
    env.update(
        TZ=TZ,
        SALESFLOW_NOW=NOW,
        SALESFLOW_CONFIG=str(OUT / "no-config.toml"),  # never created: salesflow's defaults
        SALESFLOW_USER="ana",  # a demo rep
        SALESFLOW_PAGER="0",
        TASKRC=str(OUT / "no-taskrc"),  # replaced per row; never the user's ~/.taskrc
        TASKDATA=str(OUT / "no-taskdata"),
    )
    return env


def check_tools() -> None:
    missing = [t for t in ("hyperfine", "task", "sqlite3") if not shutil.which(t)]
    if not Path("/usr/bin/time").exists():
        missing.append("/usr/bin/time")
    if missing:
        sys.exit(f"missing: {', '.join(missing)}. On Debian/Ubuntu: {INSTALL_HINT}")


def tool_version(argv: list[str]) -> str:
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    return (done.stdout or done.stderr).strip().splitlines()[0] if done.returncode == 0 else "?"


def machine(env: dict[str, str], python: Path) -> list[str]:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    py = subprocess.run(
        [str(python), "-c", "import sys; print(sys.version.split()[0])"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    git = ["git", "--no-optional-locks", "-C", str(ROOT)]  # read-only: no index refresh
    commit = (
        subprocess.run(
            [*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
        ).stdout.strip()
        or "?"
    )
    dirty = subprocess.run(
        [*git, "status", "--porcelain", "--", "src"], capture_output=True, text=True, check=False
    ).stdout.split("\n")
    changed = [line[3:] for line in dirty if line.strip()]
    if changed:
        commit += (
            f" + uncommitted changes in {len(changed)} file(s) under src/: "
            + ", ".join(changed[:8])
            + (" …" if len(changed) > 8 else "")
        )
    return [
        f"- CPU: {cpu}, {os.cpu_count()} cores ({platform.machine()}, Linux {platform.release()})",
        f"- Python {py}; salesflow commit {commit}; schema head {head_revision()}",
        f"- {tool_version(['hyperfine', '--version'])}; taskwarrior "
        f"{tool_version(['task', '--version'])}; sqlite3 "
        f"{tool_version(['sqlite3', '--version']).split(' ')[0]}",
    ]


def fmt_time(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    if seconds < 0.01:
        return f"{seconds * 1000:.1f} ms"
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    return f"{seconds:.2f} s"


def fmt_ratio(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.2f}×" if value < 10 else f"{value:.1f}×"


def report(results: list[Result], head: list[str], load: tuple[str, str], quick: bool) -> str:
    lines = [f"# salesflow speed targets (issues 8 and 21), {datetime.now():%Y-%m-%d %H:%M}", ""]
    if quick:
        lines += [
            "**--quick: reduced sizes and runs, for checking the bench; the verdicts do "
            "not judge the targets.**",
            "",
        ]
    lines += [*head, f"- load average (1, 5, 15 min): {load[0]} at start, {load[1]} at end", ""]
    lines += [
        "| row | what | salesflow | peer | ratio | target | peak memory (salesflow / peer) "
        "| result |",
        "|---|---|---:|---:|---:|---|---|---|",
    ]
    for r in results:
        target = "–" if r.target is None else f"≤ {r.target:g}×"
        if r.target_seconds is not None:
            target = f"≤ {fmt_time(r.target_seconds)}"
        target += f", ≤ {r.mem_target:g} MiB" if r.mem_target else ""
        mem = f"{r.mem:.1f} / {r.mem_peer:.1f} MiB" if r.mem is not None and r.mem_peer else "–"
        lines.append(
            f"| {r.key} | {r.what} | {fmt_time(r.ours)} | {fmt_time(r.theirs)} | "
            f"{fmt_ratio(r.ratio)} | {target} | {mem} | {r.verdict} |"
        )
    lines += [
        "",
        "Times are medians of every measured run (runs: salesflow / peer); ratio = "
        "salesflow / peer. Both sides of a row are measured in the same run, by hyperfine "
        "`--shell=none --output=pipe` (output piped, so no pager and no colour), in rounds "
        "with the order reversed each round.",
        "",
        "## Commands and notes",
        "",
        "Run from the repository root with TZ=UTC, SALESFLOW_NOW="
        + NOW
        + ", SALESFLOW_CONFIG pointing at a file that does not exist (defaults), "
        "SALESFLOW_USER=ana, SALESFLOW_PAGER=0; TASKRC and TASKDATA point into build/bench/ "
        "(never ~/.taskrc). `due-today` is run with `--all` (everyone's follow-ups), "
        "because taskwarrior's list has no owner: both list every due item.",
        "",
    ]
    for r in results:
        lines.append(f"**{r.key}** ({r.runs[0]} / {r.runs[1]} runs)")
        lines += [f"    {command}" for command in r.commands] or []
        lines += [f"- {note}" for note in r.notes]
        if r.error:
            lines.append(f"- ERROR: {r.error.strip()}")
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes and 3 runs")
    parser.add_argument(
        "--only",
        action="append",
        metavar="ROW",
        help=f"run only this row (repeatable): {', '.join(ROWS)}",
    )
    parser.add_argument(
        "--runs",
        type=int,
        help="runs per command for every row (default 10, funnel and import 5; --quick 3)",
    )
    args = parser.parse_args()
    chosen = [k for item in (args.only or list(ROWS)) for k in item.split(",") if k]
    unknown = [k for k in chosen if k not in ROWS]
    if unknown:
        parser.error(f"unknown row {', '.join(unknown)}; rows: {', '.join(ROWS)}")
    check_tools()
    OUT.mkdir(parents=True, exist_ok=True)
    WORK.mkdir(parents=True, exist_ok=True)
    bench = Bench(args)
    load_start = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    head = machine(bench.env, bench.python)
    for line in head:
        bench.say(line)
    steps: list[tuple[list[str], Callable[[], list[Result]]]] = [
        (["help", "complete"], lambda: bench.startup(chosen)),
        (["due10k"], lambda: bench.due("due10k", bench.sizes.due_small)),
        (["due100k"], lambda: bench.due("due100k", bench.sizes.due_big)),
        (["show"], bench.show),
        (["add"], bench.add),
        (["advance"], bench.advance),
        (["import"], bench.import_),
        (["funnel"], bench.funnel),
        *scale.steps(bench, chosen),
    ]
    results: list[Result] = []
    for keys, step in steps:
        wanted = [k for k in keys if k in chosen]
        if not wanted:
            continue
        try:
            results += step()
        except (RuntimeError, subprocess.CalledProcessError, OSError, SystemExit) as exc:
            bench.say(f"{'/'.join(wanted)} failed: {exc}")
            results += [bench.result(k) for k in wanted]
            for r in results[-len(wanted) :]:
                r.error = str(exc)
    results.sort(key=lambda r: list(ROWS).index(r.key))
    load_end = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    text = report(results, head, (load_start, load_end), args.quick)
    print(text)
    name = "results" + ("-" + "-".join(chosen) if args.only else "")
    target = OUT / (name + ("-quick" if args.quick else "") + ".md")
    target.write_text(text + "\n", encoding="utf-8")
    bench.say(f"written to {rel(target)}")
    sys.exit(1 if any(r.error for r in results) else 0)


if __name__ == "__main__":
    main()
