"""Every report reads through the light Reader: none of them imports SQLAlchemy or SQLModel."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import run_salesflow

_PROBE = """
import sys
sys.argv = ["salesflow", *sys.argv[1:]]
from salesflow.cli.main import main
try:
    main()
except SystemExit as exc:
    assert not exc.code, exc.code
orm = sorted(m for m in sys.modules if m.split(".")[0] in ("sqlalchemy", "sqlmodel"))
print("ORM:" + ",".join(orm[:5]), file=sys.stderr)
"""


@pytest.fixture
def demo_db(tmp_path):
    db = tmp_path / "demo.db"
    done = run_salesflow("--db", str(db), "demo", "--size", "60", "--seed", "7")
    assert done.returncode == 0, done.stderr
    return db


@pytest.mark.parametrize(
    "command",
    [
        ["funnel"],
        ["report", "kpis"],
        ["report", "forecast"],
        ["report", "reps"],
        ["report", "products"],
        ["report", "lost"],
        ["report", "stages"],
        ["report", "html", "--out", "{out}"],
    ],  # fmt: skip
)
def test_a_report_imports_no_orm(demo_db, tmp_path, command):
    args = [a.format(out=tmp_path / "dash.html") for a in command]
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, "--db", str(demo_db), *args, "--json"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "ORM:\n" in done.stderr, done.stderr
