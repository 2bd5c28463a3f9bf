"""`salesflow board` on the command line: refusals before the screen opens, and the real
thing in a real terminal (tmux): keys in, the screen and the database checked."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from checks import NOT_FOUND_OR_INVALID, USAGE, assert_one_error
from conftest import run_salesflow


def test_board_needs_a_terminal(isolated: Path) -> None:
    done = run_salesflow("board")
    assert done.returncode == 1
    assert done.stderr.startswith("Error: the board needs a terminal")
    assert "Traceback" not in done.stderr


def test_an_unknown_pipeline_is_refused_before_the_screen_opens(cli: Any) -> None:
    import gc

    result = cli("board", "--pipeline", "nope")
    assert_one_error(result, NOT_FOUND_OR_INVALID, error="no pipeline 'nope'")
    assert gc.isenabled()  # the collector, off while the board starts, is on again


def test_in_a_terminal_the_unknown_pipeline_is_still_the_first_error(isolated: Path) -> None:
    """The head is read beside Textual's import; its refusal still comes before any other (here
    an acting user that is not a rep's name), as outside a terminal."""
    import pty

    assert run_salesflow("init").returncode == 0
    main, side = pty.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "salesflow", "--as", "", "board", "--all", "--pipeline", "nope"],
            stdin=side, stdout=side, stderr=side, env=os.environ.copy(), timeout=60, check=False,
        )  # fmt: skip
        os.close(side)
        side = -1
        out = b""
        while True:
            try:
                chunk = os.read(main, 4096)
            except OSError:  # the terminal is closed: all was read
                break
            if not chunk:
                break
            out += chunk
    finally:
        os.close(main)
        if side >= 0:
            os.close(side)
    text = out.decode()
    assert done.returncode == NOT_FOUND_OR_INVALID, text
    assert text.startswith("Error: no pipeline 'nope'"), text
    assert "Traceback" not in text and "--as" not in text


def test_owner_and_all_exclude_each_other(cli: Any) -> None:
    result = cli("board", "--owner", "ana", "--all")
    assert_one_error(result, USAGE, error="--owner and --all exclude each other")


SOCKET = f"salesflow-test-{os.getpid()}"  # a tmux server of the test's own, not the user's


def _tmux(*args: str) -> str:
    return subprocess.run(["tmux", "-L", SOCKET, "-f", "/dev/null", *args], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip


def _wait_screen(session: str, wanted: str, within: float = 20.0) -> str:
    start = time.monotonic()
    screen = ""
    while time.monotonic() - start < within:
        screen = _tmux("capture-pane", "-p", "-t", session)
        if wanted in screen:
            return screen
        time.sleep(0.1)
    screen += _tmux("display", "-p", "-t", session, "(pane #{pane_width}x#{pane_height})")
    raise AssertionError(f"{wanted!r} not on screen within {within} s:\n{screen}")


@pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux (apt-get install tmux)")
def test_board_in_a_real_terminal(isolated: Path, tmp_path: Path) -> None:
    for title, company in [("Acme rollout", "Acme"), ("Globex pilot", "Globex")]:
        assert (
            run_salesflow("lead", "add", title, "--company", company, "--value", "9000").returncode
            == 0
        )
    session = f"board-{os.getpid()}"
    names = ("SALESFLOW_DB", "SALESFLOW_CONFIG", "SALESFLOW_NOW", "SALESFLOW_USER",
             "XDG_CACHE_HOME", "XDG_DATA_HOME", "PYTHONPATH")  # fmt: skip
    env = {k: os.environ[k] for k in names if k in os.environ}
    # COLUMNS/LINES from whoever started a tmux server would override the pane's real size
    command = " ".join(["env -u COLUMNS -u LINES", *(f"{k}={v!s}" for k, v in env.items()),
                        "TERM=xterm-256color", sys.executable, "-m", "salesflow", "board"])  # fmt: skip
    _tmux("new-session", "-d", "-s", session, "-x", "150", "-y", "40", "sh")
    _tmux("send-keys", "-t", session, command + "; echo board exited $?", "Enter")
    try:
        screen = _wait_screen(session, "#1 Acme rollout")
        assert "Research" in screen and "Connected" in screen and "2 deals" in screen
        _tmux("send-keys", "-t", session, ">")
        screen = _wait_screen(session, "1 deal ")  # Research is down to one
        lines = [line for line in screen.splitlines() if "#1 Acme rollout" in line]
        assert lines and lines[0].index("#1 Acme") > lines[0].index("▕")  # now in Connected
        conn = sqlite3.connect(isolated)
        stage = conn.execute("SELECT s.key FROM deals d JOIN stages s ON s.id = d.stage_id"
                             " WHERE d.id = 1").fetchone()[0]  # fmt: skip
        conn.close()
        assert stage == "contacted"
        _tmux("send-keys", "-t", session, "q")
        _wait_screen(session, "board exited 0")
        # again, and quit with Ctrl+C: the shell's prompt comes back, the terminal restored
        _tmux("send-keys", "-t", session, "clear; " + command + "; echo board exited $?", "Enter")
        _wait_screen(session, "#2 Globex pilot")
        _tmux("send-keys", "-t", session, "C-c")
        screen = _wait_screen(session, "board exited 0")
        assert "Traceback" not in screen
    finally:
        subprocess.run(["tmux", "-L", SOCKET, "kill-server"], capture_output=True)
    # the terminal is left usable and no lock is held: a write goes through at once
    assert run_salesflow("advance", "2", env={"SALESFLOW_BUSY_TIMEOUT_MS": "100"}).returncode == 0
