"""Long lists on a terminal go through the pager, as git does; piped output never does."""

from __future__ import annotations

import os
import pty
import subprocess
import sys

import pytest


def run_on_a_terminal(args, env, rows=10):
    main, secondary = pty.openpty()
    os.set_blocking(main, False)
    env = {**env, "LINES": str(rows), "COLUMNS": "120", "TERM": "xterm"}
    proc = subprocess.run([sys.executable, "-m", "salesflow", *args], stdin=secondary, stdout=secondary,
                          stderr=subprocess.PIPE, env=env, timeout=120)  # fmt: skip
    os.close(secondary)
    os.close(main)
    return proc


def test_a_long_list_is_paged_on_a_terminal_and_not_when_piped(cli, tmp_path):
    for i in range(30):
        assert cli("lead", "add", f"Lead {i:02}").exit_code == 0
    paged = tmp_path / "paged.txt"
    env = {**os.environ, "PAGER": f"cat > {paged}"}
    proc = run_on_a_terminal(["lead", "list"], env)
    assert proc.returncode == 0, proc.stderr
    text = paged.read_text()
    assert "Lead 00" in text and "Lead 29" in text
    paged.unlink()
    proc = run_on_a_terminal(["lead", "list"], {**env, "SALESFLOW_PAGER": "0"})
    assert proc.returncode == 0 and not paged.exists()
    piped = subprocess.run([sys.executable, "-m", "salesflow", "lead", "list"], env=env,
                           capture_output=True, text=True, timeout=120)  # fmt: skip
    assert "Lead 29" in piped.stdout and not paged.exists()


@pytest.mark.parametrize("command", [["show", "1"], ["show", "1", "--json"], ["lead", "list"]])
def test_a_reader_that_closes_the_pipe_early_is_not_an_error(cli, command):
    """`salesflow show 1 | head -1`: the closed pipe ends the command quietly with exit 0
    (Typer on its own exits 1, which the contract keeps for domain errors)."""
    assert cli("lead", "add", "Acme renewal", "--company", "Acme").exit_code == 0
    process = subprocess.Popen(
        [sys.executable, "-m", "salesflow", *command],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=os.environ.copy(),
    )  # fmt: skip
    assert process.stdout is not None
    process.stdout.close()  # before it writes a byte: every write meets a closed pipe
    _, err = process.communicate(timeout=60)
    assert (process.returncode, err) == (0, b"")


def test_the_pager_gets_less_r_unless_the_user_set_less(cli, tmp_path):
    """Without LESS, less shows Rich's colours as raw `ESC[1m`: salesflow sets LESS=FRX for its
    pager as git does, and keeps a LESS the user set."""
    for i in range(30):
        assert cli("lead", "add", f"Lead {i:02}").exit_code == 0
    seen = tmp_path / "less.txt"
    env = {k: v for k, v in os.environ.items() if k not in ("LESS", "LV")}
    env["PAGER"] = f'echo "LESS=$LESS LV=$LV" > {seen}; cat > /dev/null'
    assert run_on_a_terminal(["lead", "list"], env).returncode == 0
    assert seen.read_text() == "LESS=FRX LV=-c\n"
    assert run_on_a_terminal(["lead", "list"], {**env, "LESS": "-S"}).returncode == 0
    assert seen.read_text() == "LESS=-S LV=-c\n"
