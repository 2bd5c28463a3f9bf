"""`salesflow board`'s speed targets: first paint and a move key, on the 100,000-deal demo database.

    .venv/bin/python bench/board.py               # 7 runs of each side, 20 move presses
    .venv/bin/python bench/board.py --runs 5
    .venv/bin/python bench/board.py --size 2000 --runs 3 --presses 5   # checks the bench itself

Rows (see bench/README.md):

- paint: the whole `salesflow --db DB --as ana board --all` process in a 160×45 tmux pane, from
  launch until the board's head line (" salesflow · …") and a card (a line with "#") are on
  screen, polled with `tmux capture-pane -p` every ~5 ms; beside the same launch-and-poll of
  `python -c "import textual.app; print('ready')"` until "ready" shows. The two alternate, the
  medians and new / peer are printed. Targets: ≤ 0.8 s, and ≤ 2× the peer.
- paint-mem: the board process's peak RSS (VmHWM in /proc/PID/status, read at first paint,
  just before `q` is sent). Target ≤ 150 MiB.
- move: `>` (advance the selected deal, 'prospect' → 'contacted': no gate) with Textual's pilot
  (`App.run_test(size=(160, 45))`), from the board's `>` action until the next column draws
  its lines with the moved card in them (both stamped inside the app); median over the
  presses. Target ≤ 50 ms. It runs in a child process on a fresh copy of the database.
- move-pilot: the same presses timed around the pilot (press, the write's worker, `pause()`),
  and move-floor: an unbound key timed so (the pilot's own waits). For reference.
- move-mem: that child process's peak RSS (getrusage). Target ≤ 150 MiB.

The demo database is run.py's cached build/bench/demo-SIZE-seed1-revREV-nowNOW.db (built when
missing). The table also goes to build/bench/results-board.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run

ROOT = run.ROOT
OUT = run.OUT
SOCKET = f"salesflow-bench-{os.getpid()}"  # a tmux server of our own: no one else's sessions
SIZE = (160, 45)
POLL = 0.005
TIMEOUT = 30.0
PAINT_TARGET_S = 0.8
PAINT_TARGET_RATIO = 2.0
MOVE_TARGET_MS = 50.0
MEM_TARGET_MIB = 150.0
HEAD = " salesflow · "
FLOOR_KEY = "z"  # bound to nothing on the board


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# --- tmux ------------------------------------------------------------------------------------


class Tmux:
    """A private tmux server (its own socket); panes stay after their process ends, so a fast
    process's last screen can still be read and its exit seen."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.n = 0
        self.cmd("new-session", "-d", "-s", "keep", "-x", "20", "-y", "5", "sleep", "86400")
        self.cmd("set-option", "-g", "remain-on-exit", "on")

    def cmd(self, *args: str, check: bool = True) -> str:
        done = subprocess.run(["tmux", "-L", SOCKET, *args], env=self.env, capture_output=True,
                              text=True, check=False)  # fmt: skip
        if check and done.returncode != 0:
            raise RuntimeError(f"tmux {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout

    def launch(self, argv: list[str]) -> tuple[str, float]:
        """A new detached session running argv; returns its name and the launch time."""
        self.n += 1
        name = f"s{self.n}"
        start = time.perf_counter()
        self.cmd("new-session", "-d", "-s", name, "-x", str(SIZE[0]), "-y", str(SIZE[1]),
                 "--", *argv)  # fmt: skip
        return name, start

    def screen(self, name: str) -> list[str]:
        return self.cmd("capture-pane", "-p", "-t", name).splitlines()

    def pane(self, name: str, fmt: str) -> str:
        return self.cmd("display-message", "-p", "-t", name, fmt).strip()

    def close(self) -> None:
        self.cmd("kill-server", check=False)


def wait_for(tmux: Tmux, name: str, start: float, seen: object) -> tuple[float, list[str]]:
    """Poll the pane every ~5 ms until `seen(lines)`; seconds since `start` and the screen."""
    while True:
        lines = tmux.screen(name)
        now = time.perf_counter()
        if seen(lines):  # type: ignore[operator]
            return now - start, lines
        if now - start > TIMEOUT:
            raise RuntimeError(f"nothing after {TIMEOUT:.0f} s; the pane shows:\n" + "\n".join(lines))
        if tmux.pane(name, "#{pane_dead}") == "1":
            lines = tmux.screen(name)
            if seen(lines):
                return time.perf_counter() - start, lines
            raise RuntimeError("the process ended first; the pane shows:\n" + "\n".join(lines))
        time.sleep(POLL)


def board_painted(lines: list[str]) -> bool:
    return any(line.startswith(HEAD) for line in lines) and any(
        "#" in line for line in lines if not line.startswith(HEAD)
    )


def peer_ready(lines: list[str]) -> bool:
    return any(line.strip() == "ready" for line in lines)


def python_under(pid: int) -> int:
    """The salesflow python process: the pane's process itself (env and the console script exec
    it) or one of its descendants (found with pgrep -P)."""
    todo, seen = [pid], []
    while todo:
        p = todo.pop(0)
        seen.append(p)
        kids = subprocess.run(["pgrep", "-P", str(p)], capture_output=True, text=True, check=False)
        todo.extend(int(k) for k in kids.stdout.split())
    for p in seen:
        try:
            cmdline = Path(f"/proc/{p}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if cmdline and b"python" in Path(cmdline[0].decode()).name.encode() and any(
            b"salesflow" in part for part in cmdline
        ):
            return p
    raise RuntimeError(f"no salesflow python process under pane pid {pid} (saw {seen})")


def vm_hwm_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text(encoding="utf-8").splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM in /proc/{pid}/status")


def exited(pid: int) -> bool:
    """The process is gone or a zombie (it ended; tmux may not have reaped it yet)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except OSError:
        return True
    return any(line.startswith("State:") and "Z" in line.split()[1:2] for line in status.splitlines())


def ended(tmux: Tmux, name: str, pid: int, within: float = 5.0) -> tuple[int | None, int]:
    """Send `q` and wait for the pane's process to end (the pane stays: remain-on-exit); `q`
    is sent again every second while it runs. The exit status (None when tmux has not reaped
    the process yet: it has ended, it is a zombie) and how many `q`s it took."""
    limit = time.monotonic() + within
    sent, last = 0, 0.0
    while time.monotonic() < limit:
        if exited(pid) and tmux.pane(name, "#{pane_dead}") == "1":
            status = tmux.pane(name, "#{pane_dead_status}")
            return (int(status) if status.lstrip("-").isdigit() else None), sent
        elif time.monotonic() - last >= 1.0:
            tmux.cmd("send-keys", "-t", name, "q")
            sent, last = sent + 1, time.monotonic()
        time.sleep(0.02)
    raise RuntimeError(f"the process {pid} in tmux session {name} did not end after {sent} `q` "
                       f"(exited {exited(pid)}, pane {tmux.pane(name, '#{pane_dead} #{pane_dead_status} #{pane_pid}')!r}); "
                       "the pane shows:\n" + "\n".join(tmux.screen(name)))


@dataclass
class Paint:
    board: list[float] = field(default_factory=list)
    peer: list[float] = field(default_factory=list)
    hwm: list[float] = field(default_factory=list)
    screen: list[str] = field(default_factory=list)


def one_board(tmux: Tmux, argv: list[str]) -> tuple[float, float, list[str]]:
    name, start = tmux.launch(argv)
    try:
        took, lines = wait_for(tmux, name, start, board_painted)
        pid = python_under(int(tmux.pane(name, "#{pane_pid}")))
        hwm = vm_hwm_mib(pid)
        status, sent = ended(tmux, name, pid)
        if status not in (0, None):
            raise RuntimeError(f"the board exited {status} after `q`")
        if sent > 1:
            say(f"  (the board needed {sent} `q`s to quit)")
        return took, hwm, lines
    finally:
        tmux.cmd("kill-session", "-t", name, check=False)


def one_peer(tmux: Tmux, argv: list[str]) -> float:
    name, start = tmux.launch(argv)
    try:
        took, _ = wait_for(tmux, name, start, peer_ready)
        return took
    finally:
        tmux.cmd("kill-session", "-t", name, check=False)


def first_paint(env: dict[str, str], board: list[str], peer: list[str], runs: int) -> Paint:
    tmux = Tmux(env)
    result = Paint()
    try:
        say("first paint: one warm-up run of each (not counted) …")
        one_board(tmux, board)
        one_peer(tmux, peer)
        for n in range(runs):
            order = ("board", "peer") if n % 2 == 0 else ("peer", "board")
            for side in order:
                if side == "board":
                    took, hwm, lines = one_board(tmux, board)
                    result.board.append(took)
                    result.hwm.append(hwm)
                    result.screen = lines
                else:
                    result.peer.append(one_peer(tmux, peer))
            say(f"  run {n + 1}/{runs}: board {result.board[-1] * 1000:.0f} ms "
                f"(VmHWM {result.hwm[-1]:.0f} MiB), peer {result.peer[-1] * 1000:.0f} ms")  # fmt: skip
    finally:
        tmux.close()
    return result


# --- the move key, with the pilot (a child process: its own peak RSS) -------------------------


async def pilot_moves(db: str, presses: int) -> dict[str, object]:
    from salesflow.db.engine import Database
    from salesflow.render.board.app import BoardApp
    from salesflow.render.board.board_screen import BoardScreen
    from salesflow.services.board.actions import BoardActions
    from salesflow.services.board.source import BoardSource
    from salesflow.services.board.view import BoardScope

    database = Database(db)
    source = BoardSource(target=db, scope=BoardScope(owner=None),
                         actions=BoardActions(lambda: database, "ana"), live=False)  # fmt: skip
    app = BoardApp(source)
    times: list[float] = []
    drawn: list[float] = []  # key pressed → the next column drawn holding the moved card
    floor: list[float] = []
    notes: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        board = app.board
        for _ in range(200):  # the pages load after the first refresh
            if board.columns and board.columns[0].cards:
                break
            await pilot.pause(0.01)
        first_key = board.head.columns[0].key
        second_key = board.head.columns[1].key
        target = board.columns[1]
        watched: list[int] = []
        stamps: list[float] = []
        draw = target._draw

        def drawing(base: object) -> object:  # the column drawing its lines (once per change of
            out = draw(base)  # what it shows), stamped when the moved card is in them
            if watched and not stamps and any(c.deal_id == watched[0] for c in target.cards):
                stamps.append(time.perf_counter())
            return out

        target._draw = drawing  # type: ignore[method-assign]
        keyed: list[float] = []  # when the board's `>` action ran (the key reached the app)
        advance = board.action_advance

        def action_advance() -> None:
            keyed.append(time.perf_counter())
            advance()

        board.action_advance = action_advance  # type: ignore[method-assign]
        for n in range(presses):
            while board.at > 0:
                await pilot.press("left")
            await pilot.pause()
            card = board.selected
            if card is None:
                raise RuntimeError("no deal selected in the first column")
            before = board.columns[0].column.deals
            watched[:], stamps[:], keyed[:] = [card.deal_id], [], []
            start = time.perf_counter()
            await pilot.press("greater_than_sign")
            await app.workers.wait_for_complete()
            await pilot.pause()
            times.append(time.perf_counter() - start)
            if stamps and keyed:
                drawn.append(stamps[0] - keyed[0])
            if not isinstance(app.screen, BoardScreen):  # a gate's question: not a plain move
                notes.append(f"press {n + 1}: {type(app.screen).__name__} opened")
                await pilot.press("escape")
                await pilot.pause()
                continue
            moved = board.selected
            if (board.at != 1 or moved is None or moved.deal_id != card.deal_id
                    or board.columns[0].column.deals != before - 1):  # fmt: skip
                notes.append(f"press {n + 1}: #{card.deal_id} not shown moved to the next column")
            if n == 0:  # once, outside the timing: the redrawn screen has the deal in column 2
                shot = app.export_screenshot()
                if f"#{card.deal_id}" not in shot:
                    notes.append(f"press 1: #{card.deal_id} not on the screenshot")
        # the pilot's own floor: an unbound key, timed the same way (press and pause each wait
        # for "idle" in steps of 20 ms: textual._wait.wait_for_idle)
        for _ in range(presses):
            start = time.perf_counter()
            await pilot.press(FLOOR_KEY)
            await app.workers.wait_for_complete()
            await pilot.pause()
            floor.append(time.perf_counter() - start)
    database.dispose()
    import resource

    return {
        "times": times,
        "drawn": drawn,
        "floor": floor,
        "maxrss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "stages": f"{first_key} → {second_key}",
        "notes": notes,
    }


def fresh_copy(db: Path, folder: Path) -> Path:
    """A copy of the database with its write-ahead log folded in, for the writes."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "board-move.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(db, target)
    if Path(f"{db}-wal").exists():
        shutil.copyfile(f"{db}-wal", f"{target}-wal")
    conn = sqlite3.connect(target)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return target


def move_key(python: Path, env: dict[str, str], db: Path, presses: int) -> dict[str, object]:
    copy = fresh_copy(db, run.WORK)
    say(f"move key: {presses} presses of `>` with the pilot on {run.rel(copy)} …")
    done = subprocess.run(
        [str(python), __file__, "--pilot-child", str(copy), "--presses", str(presses)],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"the pilot child failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- the table -------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def table(size: int, paint: Paint, move: dict[str, object], runs: int) -> list[str]:
    sf, peer = statistics.median(paint.board), statistics.median(paint.peer)
    ratio = sf / peer
    hwm = max(paint.hwm)
    times = [t * 1000 for t in move["times"]]  # type: ignore[union-attr]
    med = statistics.median(times)
    rss = float(move["maxrss_mib"])  # type: ignore[arg-type]
    floor = statistics.median(t * 1000 for t in move["floor"])  # type: ignore[union-attr]
    drawn = [t * 1000 for t in move["drawn"]]  # type: ignore[union-attr]
    drawn_med = statistics.median(drawn) if drawn else float("nan")
    paint_ok = sf <= PAINT_TARGET_S and ratio <= PAINT_TARGET_RATIO
    return [
        "| row | salesflow median | peer median | ratio | target | PASS/MISS |",
        "|---|---|---|---|---|---|",
        f"| paint: first paint of `board --all`, {size:,} deals, whole process in tmux "
        f"(vs `python -c \"import textual.app\"`), {runs} runs each "
        f"| {sf * 1000:.0f} ms | {peer * 1000:.0f} ms | {ratio:.2f}× "
        f"| ≤ {PAINT_TARGET_S * 1000:.0f} ms and ≤ {PAINT_TARGET_RATIO:g}× | {verdict(paint_ok)} "
        f"({verdict(sf <= PAINT_TARGET_S)} time, {verdict(ratio <= PAINT_TARGET_RATIO)} ratio) |",
        f"| paint-mem: the board process's peak RSS (VmHWM at first paint, max of {runs}) "
        f"| {hwm:.0f} MiB | – | – | ≤ {MEM_TARGET_MIB:g} MiB | {verdict(hwm <= MEM_TARGET_MIB)} |",
        f"| move: `>` ({move['stages']}) pressed to the next column drawn with the moved card "
        f"(from the board's `>` action to the column drawing its lines, both stamped inside the app), median of {len(drawn)} "
        f"| {drawn_med:.1f} ms | – | – | ≤ {MOVE_TARGET_MS:g} ms "
        f"| {verdict(drawn_med <= MOVE_TARGET_MS)} |",
        f"| move-pilot: the same press timed around the pilot (press, workers, pause), median of "
        f"{len(times)} | {med:.1f} ms | – | – | none (reference) | – |",
        f"| move-floor: an unbound key (`{FLOOR_KEY}`) timed the same way: the pilot's own waits; "
        f"move minus this: {med - floor:.1f} ms | {floor:.1f} ms | – | – | none (reference) | – |",
        f"| move-mem: the pilot process's peak RSS, {size:,} deals | {rss:.0f} MiB | – | – "
        f"| ≤ {MEM_TARGET_MIB:g} MiB | {verdict(rss <= MEM_TARGET_MIB)} |",
    ]


def machine(python: Path) -> list[str]:
    """run.py's machine lines without its tool versions (this bench needs tmux, not hyperfine)."""
    real = run.tool_version
    run.tool_version = lambda argv: "?"  # type: ignore[assignment]
    try:
        lines = run.machine({}, python)[:2]
    finally:
        run.tool_version = real
    version = subprocess.run(["tmux", "-V"], capture_output=True, text=True, check=False)
    return [*lines, f"- {version.stdout.strip()}"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="first-paint runs of each side")
    parser.add_argument("--presses", type=int, default=20, help="move-key presses")
    parser.add_argument("--size", type=int, default=100_000, help="demo database deals")
    parser.add_argument("--pilot-child", metavar="DB", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.pilot_child:
        print(json.dumps(asyncio.run(pilot_moves(args.pilot_child, args.presses))))
        return
    if not shutil.which("tmux"):
        sys.exit("needs tmux: apt-get install tmux")
    load_start = os.getloadavg()
    OUT.mkdir(parents=True, exist_ok=True)
    bench = run.Bench(argparse.Namespace(quick=False, runs=None))
    db = bench.demo_db(args.size)
    env = dict(bench.env)
    # this checkout's code, whatever the venv's editable install points at (another worktree)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")]))
    where = subprocess.run([str(bench.python), "-c", "import salesflow; print(salesflow.__file__)"],
                           env=env, capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    with sqlite3.connect(db) as conn:
        open_deals = conn.execute("SELECT count(*) FROM deals WHERE status = 'open'").fetchone()[0]
    conn.close()
    board = [str(bench.salesflow), "--db", str(db), "--as", "ana", "board", "--all"]
    peer = [str(bench.python), "-c", "import textual.app; print('ready')"]
    paint = first_paint(env, board, peer, args.runs)
    move = move_key(bench.python, env, db, args.presses)
    load_end = os.getloadavg()
    times = [t * 1000 for t in move["times"]]  # type: ignore[union-attr]
    lines = [
        f"# salesflow board: {args.size:,} deals ({open_deals:,} open)",
        "",
        *machine(bench.python),
        f"- salesflow imported from {run.rel(Path(where).parent.parent)} (PYTHONPATH)",
        f"- load average (1, 5, 15 min) at start {' '.join(f'{x:.2f}' for x in load_start)}, "
        f"at end {' '.join(f'{x:.2f}' for x in load_end)}",
        "",
        *table(args.size, paint, move, args.runs),
        "",
        "Runs (ms): board " + " ".join(f"{t * 1000:.0f}" for t in paint.board)
        + "; peer " + " ".join(f"{t * 1000:.0f}" for t in paint.peer),
        "VmHWM (MiB): " + " ".join(f"{m:.0f}" for m in paint.hwm),
        "Move presses (ms): " + " ".join(f"{t:.1f}" for t in times)
        + f" (first {times[0]:.1f}, min {min(times):.1f}, max {max(times):.1f})",
        *(f"Note: {n}" for n in move["notes"]),  # type: ignore[union-attr]
        "",
        "Commands (cwd: the repository; env: TZ=UTC SALESFLOW_NOW=" + run.NOW
        + " SALESFLOW_USER=ana SALESFLOW_PAGER=0 SALESFLOW_CONFIG=<missing file> PYTHONPATH=src):",
        "",
        f"    tmux new-session -d -x {SIZE[0]} -y {SIZE[1]} -- {' '.join(map(run.rel, board))}",
        f"    tmux new-session -d -x {SIZE[0]} -y {SIZE[1]} -- {run.rel(peer[0])} -c "
        f"\"{peer[2]}\"",
        f"    {run.rel(bench.python)} bench/board.py --pilot-child COPY --presses {args.presses}",
    ]
    text = "\n".join(lines) + "\n"
    (OUT / "results-board.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
