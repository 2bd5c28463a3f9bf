"""`--show-completion` and `--install-completion` from a parent shell Typer has no script for
(`sh`, as under make or a script): the login shell `$SHELL` decides, and `--show-completion` falls
back to bash's script with a note; `--install-completion` refuses rather than guess. Real
processes under a real `sh`, since the shell is read off the parent process."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SALESFLOW = Path(sys.executable).parent / "salesflow"
pytestmark = pytest.mark.skipif(not SALESFLOW.exists() or shutil.which("sh") is None,
                                reason="needs the console script and sh")  # fmt: skip


def _under_sh(option: str, login_shell: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SHELL": login_shell, "HOME": str(home)}
    return subprocess.run(["sh", "-c", f'"{SALESFLOW}" {option}'], capture_output=True,
                          text=True, env=env, stdin=subprocess.DEVNULL, check=False)  # fmt: skip


def test_show_completion_under_sh_prints_the_login_shells_script(tmp_path) -> None:
    run = _under_sh("--show-completion", "/usr/bin/zsh", tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("#compdef salesflow")
    assert run.stderr == ""


def test_show_completion_under_sh_with_sh_as_login_shell_prints_bashs_with_a_note(tmp_path):
    run = _under_sh("--show-completion", "/bin/sh", tmp_path)
    assert run.returncode == 0, run.stderr
    assert "complete -o default -F _salesflow_completion salesflow" in run.stdout
    assert run.stderr == "note: no completion for sh or $SHELL; printing bash's script\n"


def test_install_completion_does_not_guess_a_shell(tmp_path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    run = _under_sh("--install-completion", "/bin/sh", home)
    assert run.returncode == 1
    assert run.stderr.startswith("Error: no completion for sh: salesflow completes bash, zsh")
    assert len(run.stderr.splitlines()) == 1
    assert list(home.iterdir()) == []  # no start-up file written


def test_install_completion_under_sh_installs_for_the_login_shell(tmp_path) -> None:
    run = _under_sh("--install-completion", "/bin/bash", tmp_path)
    assert run.returncode == 0, run.stderr
    script = tmp_path / ".bash_completions" / "salesflow.sh"
    assert "_SALESFLOW_COMPLETE=complete_bash" in script.read_text()
    assert f"source '{script}'" in (tmp_path / ".bashrc").read_text()


def test_a_shell_named_after_the_option_wins(tmp_path) -> None:
    run = _under_sh("--show-completion fish", "/usr/bin/zsh", tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("complete --command salesflow")


def test_install_completion_where_the_start_up_file_cannot_be_written(tmp_path) -> None:
    home = tmp_path / "not-a-folder"
    home.write_text("")
    run = _under_sh("--install-completion", "/bin/bash", home)
    assert run.returncode == 1
    assert run.stderr == f"Error: cannot write {home}: File exists\n"
    assert home.read_text() == ""
