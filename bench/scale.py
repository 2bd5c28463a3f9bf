"""The rows of issue 21 that `bench/run.py` runs beside issue 8's: reads at scale and PostgreSQL.

Reads at scale (`report kpis`, `report forecast`, `lead list --sort score --limit 20`, `stale`)
on the cached demo databases of 10,000, 100,000 and 1,000,000 deals. The issue sets their targets
in seconds, so the verdict is salesflow's median against those seconds (and peak memory where
the issue sets one); the peer is the sqlite3 CLI reading the same table of the same file in one
aggregate query, measured in the same hyperfine call, and the ratio to it is printed beside.

PostgreSQL rows (`funnel`, `due-today` on 100,000 deals): a throwaway cluster (tests/pg.py's,
trust auth, a Unix socket only) holding the demo data, salesflow against psql running the main
query of the same command on the same database; the target is the ratio.

The demo row times `salesflow demo --size 1000000` into a new file (wall time and peak memory
under /usr/bin/time), against the issue's 3 minutes and 200 MiB; sqlite3 importing the same
number of rows from a CSV (`.import`) is its peer.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from run import Bench, Result

ROOT = Path(__file__).resolve().parent.parent

# what the sqlite3 peer reads: one pass over the deals table, grouped (as the reports do)
PEER_SQL = {
    "kpis": "SELECT status, count(*), sum(value_minor) FROM deals GROUP BY status",
    "forecast": "SELECT stage_id, strftime('%Y-%m', close_by), count(*), sum(value_minor) "
    "FROM deals WHERE status = 'open' GROUP BY 1, 2",
    "leads": "SELECT id, title, value_minor FROM deals WHERE status = 'open' "
    "ORDER BY value_minor DESC LIMIT 20",
    "stale": "SELECT stage_id, count(*) FROM deals WHERE status = 'open' GROUP BY stage_id",
}
COMMANDS = {
    "kpis": ["report", "kpis"],
    "forecast": ["report", "forecast"],
    "leads": ["lead", "list", "--all", "--sort", "score", "--limit", "20"],
    "stale": ["stale", "--limit", "20"],
}
# row key → (what, size attribute of Sizes, target seconds, target MiB)
SCALE_ROWS: dict[str, tuple[str, str, float | None, float | None]] = {
    "kpis10k": ("kpis", "due_small", 0.3, None),
    "kpis100k": ("kpis", "due_big", None, None),
    "kpis1m": ("kpis", "funnel", 2.0, None),
    "forecast10k": ("forecast", "due_small", 0.4, None),
    "forecast1m": ("forecast", "funnel", 3.0, None),
    "leads100k": ("leads", "due_big", 0.4, 100.0),
    "leads1m": ("leads", "funnel", 2.0, 100.0),
    "stale100k": ("stale", "due_big", 0.4, None),
    "stale1m": ("stale", "funnel", 2.0, None),
}
PG_ROWS = {
    "pgfunnel": (["funnel"], "SELECT stage_id, count(*), sum(value_minor) FROM deals "
                 "WHERE pipeline_id = {p} AND status = 'open' GROUP BY stage_id"),
    "pgdue": (["due-today", "--all", "--limit", "1000"],
              "SELECT f.id, f.due, d.title FROM follow_ups f JOIN deals d ON d.id = f.deal_id "
              "WHERE f.done_at IS NULL AND f.due < '{tomorrow}' ORDER BY f.due LIMIT 1000"),
}  # fmt: skip
PG_SIZE = 100_000


def describe(key: str, sizes: object) -> str:
    """The row's line in the table."""
    if key in SCALE_ROWS:
        what, size_attr, _, _ = SCALE_ROWS[key]
        size = getattr(sizes, size_attr)
        return f"`salesflow {' '.join(COMMANDS[what])}` on {size:,} deals vs sqlite3 aggregate"
    if key in PG_ROWS:
        return f"`salesflow {' '.join(PG_ROWS[key][0])}` on PostgreSQL, {PG_SIZE:,} deals, vs psql"
    return f"`salesflow demo --size {sizes.funnel:,}` vs sqlite3 `.import` of as many rows"


def timed(rss: Path, argv: list[str]) -> list[str]:
    return ["/usr/bin/time", "-a", "-o", str(rss), "-f", "%M", *argv]


def scale_row(bench: Bench, key: str) -> list[Result]:
    """One read at scale, beside sqlite3's aggregate over the same file."""
    from run import WORK, median, median_rss, rel, warm

    result = bench.result(key)
    what, size_attr, seconds, mib = SCALE_ROWS[key]
    result.target_seconds, result.mem_target = seconds, mib
    db = bench.demo_db(getattr(bench.sizes, size_attr))
    ours = bench.sf("--db", rel(db), *COMMANDS[what])
    theirs = ["sqlite3", rel(db), PEER_SQL[what]]
    bench.once(ours)
    bench.once(theirs)
    rss = {side: WORK / f"{key}-rss-{side}.txt" for side in ("ours", "theirs")}
    for path in rss.values():
        path.unlink(missing_ok=True)
    warm(db)
    runs = bench.runs(5 if size_attr == "funnel" else 10)
    bench.say(f"measuring {key} ({runs} runs) …")
    times = bench.hyperfine([timed(rss["ours"], ours), timed(rss["theirs"], theirs)], runs)
    result.ours, result.theirs = median(times[0]), median(times[1])
    result.runs = (len(times[0]), len(times[1]))
    result.mem, result.mem_peer = median_rss(rss["ours"]), median_rss(rss["theirs"])
    result.commands = [shlex.join(ours), shlex.join(theirs)]
    result.notes.append(
        "target in seconds (the issue's); the ratio is to sqlite3 reading the same table in "
        f"one query: `{PEER_SQL[what]}`; peak memory is the median max RSS (/usr/bin/time)"
    )
    return [result]


def postgres_rows(bench: Bench, keys: list[str]) -> list[Result]:
    """`funnel` and `due-today` on a PostgreSQL cluster holding the demo data, beside psql."""
    sys.path.insert(0, str(ROOT / "tests"))
    from pg import Cluster, find_pg_bin

    psql = shutil.which("psql")
    bin_dir = find_pg_bin()
    if bin_dir is None or psql is None:
        raise RuntimeError("needs initdb, pg_ctl and psql (apt-get install postgresql)")
    cluster = Cluster(bin_dir)
    results = []
    try:
        url = cluster.start()
        bench.say(f"building the {PG_SIZE:,}-deal demo on PostgreSQL …")
        started = time.monotonic()
        bench.once(bench.sf("--db", url, "demo", "--size", str(PG_SIZE), "--seed", "1"))
        bench.say(f"  built in {time.monotonic() - started:.0f} s")
        libpq = url.replace("postgresql+psycopg://", "postgresql://")
        pipeline = bench.once([psql, "-At", libpq, "-c",
                               "SELECT id FROM pipelines WHERE is_default"]).strip()  # fmt: skip
        for key in keys:
            result = bench.result(key)
            args, sql = PG_ROWS[key]
            query = sql.format(p=pipeline, tomorrow="2026-11-28")
            ours = bench.sf("--db", url, *args)
            theirs = [psql, "-At", libpq, "-c", query]
            bench.once(ours)
            bench.once(theirs)
            bench.measure(result, ours, theirs, bench.env, f"{key} on PostgreSQL vs psql")
            result.notes.append(f"a throwaway cluster ({bin_dir}), Unix socket, fsync off")
            results.append(result)
    finally:
        cluster.stop()
    return results


def demo_row(bench: Bench) -> list[Result]:
    """`salesflow demo` at the big size into a new file, beside sqlite3 importing as many rows."""
    from run import WORK, median_rss, rel

    sys.path.insert(0, str(ROOT / "bench"))
    import import_vs_sqlite3

    result = bench.result("demo1m")
    result.target_seconds, result.mem_target = 180.0, 200.0
    size = bench.sizes.funnel
    db, csv_file, peer_db = WORK / "demo-timed.db", WORK / "demo-peer.csv", WORK / "demo-peer.db"
    import_vs_sqlite3.write_leads(csv_file, size)
    rss = {side: WORK / f"demo-rss-{side}.txt" for side in ("ours", "theirs")}

    def fresh(*paths: Path) -> None:
        for path in paths:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)

    ours = bench.sf("--db", rel(db), "demo", "--size", str(size), "--seed", "1")
    theirs = ["sqlite3", rel(peer_db), f".import --csv {rel(csv_file)} leads"]
    runs = 1 if size >= 1_000_000 else bench.runs(3)
    took: dict[str, list[float]] = {"ours": [], "theirs": []}
    for side, argv, path in (("ours", ours, db), ("theirs", theirs, peer_db)):
        rss[side].unlink(missing_ok=True)
        for _ in range(runs):
            fresh(path)
            started = time.monotonic()
            subprocess.run(timed(rss[side], argv), cwd=ROOT, env=bench.env, check=True,
                           capture_output=True)  # fmt: skip
            took[side].append(time.monotonic() - started)
    fresh(db, peer_db)
    result.ours, result.theirs = sorted(took["ours"])[runs // 2], sorted(took["theirs"])[runs // 2]
    result.runs = (runs, runs)
    result.mem, result.mem_peer = median_rss(rss["ours"]), median_rss(rss["theirs"])
    result.commands = [shlex.join(ours), shlex.join(theirs)]
    result.notes.append("wall time of each run (not hyperfine: one run of minutes at 1,000,000)")
    return [result]


def steps(bench: Bench, chosen: list[str]) -> list[tuple[list[str], Callable[[], list[Result]]]]:
    """The (row keys, step) pairs run.py runs after its own."""
    out: list[tuple[list[str], Callable[[], list[Result]]]] = [
        ([key], lambda key=key: scale_row(bench, key)) for key in SCALE_ROWS  # type: ignore[misc]
    ]
    pg = [key for key in PG_ROWS if key in chosen]
    out.append((list(PG_ROWS), lambda: postgres_rows(bench, pg)))
    out.append((["demo1m"], lambda: demo_row(bench)))
    return out
