"""Time the demo generator (`salesflow demo`) at a few sizes: the benchmark data set's cost.

    .venv/bin/python bench/demo_size.py --sizes 1000 10000 100000 --runs 3

For each size it builds a fresh SQLite file `runs` times and prints the median and all runs of
`build_demo` alone (generation + inserts + commit) and of the whole `salesflow demo` command
(also opening/migrating the file, the funnel and the due list). The clock is frozen so every run
writes the same rows.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

NOW = "2026-11-27T09:00"


def time_service(size: int, seed: int, folder: Path) -> float:
    """Seconds for build_demo on a new file, commit included (database creation excluded)."""
    from salesflow.services.demo import build_demo
    from salesflow.services.workspace import open_workspace

    db = open_workspace(str(folder / f"svc-{size}-{time.monotonic_ns()}.db"))
    try:
        start = time.perf_counter()
        with db.write() as session:
            build_demo(size=size, seed=seed, session=session)
        return time.perf_counter() - start
    finally:
        db.dispose()


def time_command(size: int, seed: int, folder: Path) -> float:
    """Seconds for the whole `salesflow demo` process, start-up included."""
    target = folder / f"cli-{size}-{time.monotonic_ns()}.db"
    exe = Path(sys.executable).with_name("salesflow")
    start = time.perf_counter()
    command = [str(exe), "--db", str(target), "demo", "--size", str(size), "--seed", str(seed)]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-cli", action="store_true", help="time build_demo only")
    args = parser.parse_args()
    os.environ["SALESFLOW_NOW"] = NOW
    os.environ.setdefault("SALESFLOW_CONFIG", os.devnull + ".toml")  # a missing file: defaults
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for size in args.sizes:
            rows = [("build_demo", time_service)]
            if not args.no_cli:
                rows.append(("salesflow demo", time_command))
            for label, fn in rows:
                runs = [fn(size, args.seed, folder) for _ in range(args.runs)]
                shown = " ".join(f"{r:.2f}" for r in runs)
                median = statistics.median(runs)
                print(f"{label:15} size {size:>8,}  median {median:6.2f}s  runs {shown}")
                for leftover in folder.iterdir():
                    leftover.unlink()


if __name__ == "__main__":
    main()
