"""Assertions and known-good inputs that tests in several folders share: the contract's error
shape (`assert_one_error`), its exit codes, a pipeline file every check accepts, and whether a
test can drop root (`can_run_as_nobody`)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

NOT_FOUND_OR_INVALID = 1
USAGE = 2


def assert_one_error(run, code, *, error=None, hint=None):
    """The contract's error shape: exit code, nothing on stdout, `Error:` then at most a `Hint:`."""
    assert run.exit_code == code, (run.exit_code, run.stderr)
    assert run.stdout == ""
    assert "Traceback" not in run.stderr
    lines = run.stderr.splitlines()
    assert 1 <= len(lines) <= 2, run.stderr
    assert lines[0].startswith("Error: "), run.stderr
    if len(lines) == 2:
        assert lines[1].startswith("Hint: "), run.stderr
    if error is not None:
        assert error in lines[0], run.stderr
    if hint is not None:
        assert len(lines) == 2, run.stderr
        assert hint in lines[1], run.stderr
    return lines


GOOD_PIPELINE = """\
name = "partners"

[[stages]]
key = "intro"
name = "Intro"
probability = 0.1
rot_days = 5

[[stages]]
key = "pilot"
name = "Pilot"
probability = 0.5

[won]
key = "won"
name = "Signed"

[lost]
key = "lost"
name = "Dropped"
"""


def can_run_as_nobody() -> bool:
    """Whether a test can run salesflow as the unprivileged user `nobody` (root and setpriv)."""
    if os.geteuid() != 0 or not Path("/usr/bin/setpriv").exists():
        return False
    probe = subprocess.run(
        ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-c", ""],
        capture_output=True, check=False,
    )  # fmt: skip
    return probe.returncode == 0
