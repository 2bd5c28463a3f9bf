"""How instant are the commands a rep runs twenty times a day?

Builds (or reuses) a demo database, then times each command as a whole process, beside the
sqlite3 CLI answering the same question with one SQL query on the same file, measured in the same
run. Prints medians and the ratio salesflow / sqlite3. Run:

    .venv/bin/python bench/daily_commands.py [--size 100000] [--runs 7] [--db /tmp/bench.db]

The sqlite3 CLI is Debian's `sqlite3` package; without it only salesflow's times are printed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

NOW = "2026-11-27T09:00"
PEERS = {
    "due-today --all --limit 20": (
        "SELECT f.id, f.due, f.text, d.title FROM follow_ups f JOIN deals d ON d.id = f.deal_id "
        "WHERE f.done_at IS NULL AND f.due <= '2026-11-27' AND d.status <> 'lost' "
        "ORDER BY f.due, d.value_minor DESC LIMIT 20;"
    ),
    "lead list --limit 20": (
        "SELECT d.id, d.title, c.name, s.name, d.value_minor FROM deals d "
        "JOIN stages s ON s.id = d.stage_id LEFT JOIN companies c ON c.id = d.company_id "
        "WHERE d.status = 'open' ORDER BY d.id LIMIT 20;"
    ),
    "show 500": (
        "SELECT * FROM deals WHERE id = 500; SELECT * FROM stage_moves WHERE deal_id = 500;"
    ),
    "funnel": (
        "SELECT to_stage_id, count(DISTINCT deal_id) FROM stage_moves GROUP BY to_stage_id;"
    ),
    "score --all --limit 10": None,
    "lead list --sort score --limit 10": None,
}


def timed(argv: list[str], env: dict[str, str], runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True
        )
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--db", default="/tmp/salesflow-bench.db")
    args = parser.parse_args()
    salesflow = str(Path(sys.executable).parent / "salesflow")
    env = {**os.environ, "SALESFLOW_NOW": NOW, "SALESFLOW_DB": args.db}
    if not Path(args.db).exists():
        print(f"building a {args.size:,}-deal demo in {args.db} …", flush=True)
        subprocess.run([salesflow, "demo", "--size", str(args.size)], env=env, check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
    sqlite3 = shutil.which("sqlite3")
    print(f"{'command':38} {'salesflow':>10} {'sqlite3':>9} {'ratio':>7}")
    for command, sql in PEERS.items():
        ours = timed([salesflow, *command.split()], env, args.runs)
        theirs = timed([sqlite3, args.db, sql], env, args.runs) if sqlite3 and sql else None
        ratio = f"{ours / theirs:6.1f}x" if theirs else "      –"
        peer = f"{theirs * 1000:7.0f}ms" if theirs else "        –"
        print(f"{command:38} {ours * 1000:8.0f}ms {peer} {ratio}")


if __name__ == "__main__":
    main()
