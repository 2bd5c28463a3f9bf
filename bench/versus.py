"""Is this checkout slower than another commit? The daily commands, old and new, side by side.

    .venv/bin/python bench/versus.py --base a21b8f3 [--runs 20]

Checks out BASE into build/versus/BASE (a detached git worktree, kept for the next run), then
has hyperfine run each command from both source trees in the same call (`--shell=none`, output
piped), alternating, so that load from elsewhere hits both. Both sides run with the same venv
python (`python -m salesflow`, the base through PYTHONPATH), on the 10,000-deal demo database
`make bench` builds (build it first: `bench/run.py --only due10k`). Writes go to a fresh copy
of that database before every run. Prints a markdown table: the medians and new / base.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import NOW, OUT, TZ, head_revision  # noqa: E402  (bench/run.py: one environment)

COMMANDS = {  # what a rep runs all day; {db} is the database the command
    # runs on, {copy} a fresh copy of it (made before every run) for a write
    "--help": ["--help"],
    "due-today": ["--db", "{db}", "due-today", "--all", "--limit", "1000"],
    "show 95": ["--db", "{db}", "show", "95"],
    "lead list": ["--db", "{db}", "lead", "list", "--limit", "50"],
    "funnel": ["--db", "{db}", "funnel"],
    "report kpis": ["--db", "{db}", "report", "kpis"],
    "advance 95": ["--db", "{copy}", "advance", "95"],
    "lead add": ["--db", "{copy}", "lead", "add", "Bench deal", "--company", "Bench Co"],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="the commit to compare with")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--only", help="commands to run, comma-separated (e.g. 'advance 95')")
    options = parser.parse_args()
    if not shutil.which("hyperfine"):
        sys.exit("needs hyperfine (apt-get install hyperfine)")
    db = OUT / f"demo-10000-seed1-rev{head_revision()}-now{NOW.replace(':', '')}.db"
    if not db.exists():
        sys.exit(f"{db} is missing: run `.venv/bin/python bench/run.py --only due10k` first")
    base = ROOT / "build" / "versus" / options.base
    if not base.exists():
        subprocess.run(["git", "worktree", "add", "--detach", str(base), options.base],
                       cwd=ROOT, check=True, capture_output=True)  # fmt: skip
    python = str(ROOT / ".venv" / "bin" / "python")
    scratch = Path(tempfile.mkdtemp(prefix="versus-"))
    copy = scratch / "copy.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SALESFLOW_")}
    env.update(TZ=TZ, SALESFLOW_NOW=NOW, SALESFLOW_USER="ana", SALESFLOW_PAGER="0",
               SALESFLOW_CONFIG=str(scratch / "no-config.toml"))  # fmt: skip
    sides = {"base": str(base / "src"), "new": str(ROOT / "src")}
    print(f"| command | base {options.base} | new | new / base |\n| --- | ---: | ---: | ---: |")
    chosen = options.only.split(",") if options.only else list(COMMANDS)
    for name in chosen:
        args = COMMANDS[name]
        argv = [a.format(db=db, copy=copy) for a in args]
        writes = "{copy}" in args
        commands = [
            f"env PYTHONPATH={src} {python} -m salesflow " + " ".join(_quoted(a) for a in argv)
            for src in sides.values()
        ]
        report = scratch / "hyperfine.json"
        hyperfine = ["hyperfine", "--shell=none", "--output=pipe", "--runs", str(options.runs),
                     "--warmup", "2", "--export-json", str(report)]  # fmt: skip
        if writes:
            hyperfine += ["--prepare", f"sh -c 'cp {db} {copy} && rm -f {copy}-wal {copy}-shm'"]
        subprocess.run([*hyperfine, *commands], env=env, check=True, capture_output=True)
        medians = [r["median"] for r in json.loads(report.read_text())["results"]]
        print(f"| `{name}` | {medians[0] * 1000:.0f} ms | {medians[1] * 1000:.0f} ms "
              f"| {medians[1] / medians[0]:.2f}× |")  # fmt: skip
    shutil.rmtree(scratch)


def _quoted(arg: str) -> str:
    return f"'{arg}'" if " " in arg else arg


if __name__ == "__main__":
    main()
