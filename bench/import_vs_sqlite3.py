"""Import 100,000 generated leads with `salesflow import`, beside the sqlite3 CLI's `.import`.

    .venv/bin/python bench/import_vs_sqlite3.py [--rows 100000] [--runs 5] [--keep DIR]

It writes one CSV of leads (title, company, contact, email, phone, value, currency, stage,
owner, source, created, close_by: 12 columns, ~1 in 3 companies repeated, every email unique),
then runs each tool under `/usr/bin/time -v` on a fresh database file, the two alternating, and
prints for each the median wall time, the median CPU time (user + system: steadier than wall
time on a busy machine) and the peak memory (max RSS), then the ratios. The load average is
printed too: on a machine busy with other work, wall times mean little.

sqlite3's `.import` puts the rows into one table as text, unchecked; salesflow validates every
cell, resolves companies and contacts, writes companies, contacts, deals and the first stage move
of each deal, in one transaction.
Needs /usr/bin/time (Debian: `time`) and sqlite3 (Debian: `sqlite3`).
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import NamedTuple

NOW = "2026-11-27T09:00"
HEADER = ["title", "company", "contact", "email", "phone", "value", "currency", "stage", "owner",
          "source", "created", "close_by"]  # fmt: skip
STAGES = ["Research", "Connected", "Qualified", "Demo", "Proposal"]
WORDS = ["North", "Blue", "Silver", "Oak", "River", "Summit", "Harbor", "Cedar", "Nova", "Apex",
         "Atlas", "Orbit", "Polar", "Coral", "Amber", "Granite", "Willow", "Falcon"]  # fmt: skip
KINDS = ["Labs", "Systems", "Logistics", "Health", "Foods", "Capital", "Media", "Works"]
FIRST = ["Ana", "Ben", "Chloe", "Dev", "Eli", "Fay", "Jo", "Kim", "Lars", "Mia", "Noah", "Omar"]
LAST = ["Smith", "Lopez", "Chen", "Patel", "Novak", "Murphy", "Sato", "Weber", "Rossi", "Khan"]


def write_leads(path: Path, rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    companies = [f"{rng.choice(WORDS)}{rng.choice(WORDS).lower()} {rng.choice(KINDS)} {i}"
                 for i in range(rows // 3)]  # fmt: skip
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for i in range(rows):
            company = rng.choice(companies)
            first, last = rng.choice(FIRST), rng.choice(LAST)
            day = 1 + i % 28
            writer.writerow([
                f"{company} rollout {i}", company, f"{first} {last}",
                f"{first}.{last}.{i}@example.com".lower(), f"+1 555 {i:07d}",
                f"{rng.randint(5, 900) * 100:,}", rng.choice(["USD", "USD", "EUR"]),
                rng.choice(STAGES), rng.choice(["ana", "ben", "chloe", "dev"]),
                rng.choice(["referral", "inbound", "outbound"]),
                f"2026-{1 + i % 10:02d}-{day:02d} 10:{i % 60:02d}:00", f"2027-01-{day:02d}",
            ])  # fmt: skip


class Run(NamedTuple):
    wall: float  # seconds
    cpu: float  # user + system seconds
    rss: int  # KiB


def timed(command: list[str], env: dict[str, str] | None = None) -> Run:
    """Wall time, CPU time and max RSS of one run under /usr/bin/time -v."""
    done = subprocess.run(["/usr/bin/time", "-v", *command], capture_output=True, text=True,
                          env=env, check=False)  # fmt: skip
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr[-2000:]}")
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", done.stderr)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    user = re.search(r"User time \(seconds\): ([\d.]+)", done.stderr)
    system = re.search(r"System time \(seconds\): ([\d.]+)", done.stderr)
    if not wall or not rss or not user or not system:
        sys.exit(f"cannot read /usr/bin/time's report:\n{done.stderr[-2000:]}")
    hours, minutes, seconds = wall.groups()
    return Run(int(hours or 0) * 3600 + int(minutes) * 60 + float(seconds),
               float(user.group(1)) + float(system.group(1)), int(rss.group(1)))  # fmt: skip


def _line(name: str, runs: list[Run]) -> str:
    wall = statistics.median(r.wall for r in runs)
    cpu = statistics.median(r.cpu for r in runs)
    rss = max(r.rss for r in runs) / 1024
    every = ", ".join(f"{r.wall:.2f}" for r in runs)
    return f"  {name:<18} {wall:6.2f} s  {cpu:6.2f} s  {rss:7.1f} MiB   wall times: {every}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="leave the CSV and databases in this folder")
    args = parser.parse_args()
    for tool in ("/usr/bin/time", "sqlite3"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is missing (Debian: apt-get install time sqlite3)")
    salesflow = shutil.which("salesflow", path=str(Path(sys.executable).parent)) or "salesflow"
    folder = args.keep or Path(tempfile.mkdtemp(prefix="salesflow-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    leads = folder / "leads.csv"
    write_leads(leads, args.rows)
    size_mb = leads.stat().st_size / 1e6
    env = {**os.environ, "SALESFLOW_NOW": NOW, "SALESFLOW_USER": "bench"}
    ours: list[Run] = []
    theirs: list[Run] = []
    load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    for run in range(args.runs):
        db = folder / f"salesflow-{run}.db"
        subprocess.run(
            [salesflow, "--db", str(db), "init"], env=env, check=True, capture_output=True
        )  # fmt: skip  (schema and pipeline: not the import)
        ours.append(timed([salesflow, "--db", str(db), "import", str(leads)], env))
        plain = folder / f"sqlite3-{run}.db"
        theirs.append(timed(["sqlite3", str(plain), ".import --csv " + str(leads) + " leads"]))
    median = statistics.median
    load_after = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"{args.rows:,} leads, {size_mb:.1f} MB CSV, {args.runs} runs each; load average "
          f"{load_before} before, {load_after} after")  # fmt: skip
    print(f"  {'':<18} {'wall':>6}    {'CPU':>6}    {'peak RSS':>7}      (medians; peak of runs)")
    print(_line("salesflow import", ours))
    print(_line("sqlite3 .import", theirs))
    print(f"  {'ratio':<18} {median(r.wall for r in ours) / median(r.wall for r in theirs):6.1f}x "
          f"  {median(r.cpu for r in ours) / median(r.cpu for r in theirs):6.1f}x "
          f"  {max(r.rss for r in ours) / max(r.rss for r in theirs):6.1f}x")  # fmt: skip
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
