"""Every test gets a fresh SQLite file, a frozen clock, UTC, and a known acting user."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

NOW = "2026-11-27T09:00"
REPO = Path(__file__).resolve().parent.parent  # the checkout: tests sit in folders below tests/


def run_salesflow(
    *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """salesflow as a real process (`python -m salesflow`), with the test's environment (its
    clock, config and user) plus `env`; never raises on a non-zero exit."""
    return subprocess.run(
        [sys.executable, "-m", "salesflow", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=timeout,
        check=False,
    )


def maven_dir() -> Path:
    """The Maven CRM data set: SALESFLOW_MAVEN_DIR, else shared/ beside the checkout, else the
    workplace's /work/shared (CI clones elsewhere with a copy of shared/ beside the clone)."""
    import os

    candidates = [
        os.environ.get("SALESFLOW_MAVEN_DIR"),
        Path(__file__).resolve().parents[2] / "shared/data/maven-crm",
        "/work/shared/data/maven-crm",
    ]
    found = [Path(c) for c in candidates if c and (Path(c) / "sales_pipeline.csv").exists()]
    return found[0] if found else Path(candidates[1])


_REPLAYED: dict[str, Path] = {}  # replay key → the database file its steps made, this session
_TEMPLATES = tempfile.TemporaryDirectory(prefix="salesflow-replayed-")


def replay(key: str, steps: Callable[[], None]) -> None:
    """Build the test's SQLite database (SALESFLOW_DB, still empty) by running `steps`, a series
    of commands; or, when steps of the same `key` ran before in this test process with the same
    config and environment, copy the database they made then. Many report tests start from the
    same hand-built history of dozens of commands: it is played once, not once per test. The
    steps may only change the database (what else they write is not copied)."""
    db = Path(os.environ["SALESFLOW_DB"])
    config = Path(os.environ["SALESFLOW_CONFIG"])
    settings = sorted((k, v) for k, v in os.environ.items()
                      if (k.startswith("SALESFLOW_") or k in ("TZ", "USER", "LOGNAME"))
                      and k not in ("SALESFLOW_DB", "SALESFLOW_CONFIG"))  # fmt: skip
    full_key = json.dumps([key, config.read_text() if config.exists() else None, settings])
    template = _REPLAYED.get(full_key)
    if db.exists():  # not a database of these steps alone: played, never kept
        steps()
        return
    if template is not None:
        db.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        shutil.copyfile(template, db)
        db.chmod(0o600)
        return
    steps()
    conn = sqlite3.connect(db)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # everything in the file itself
    finally:
        conn.close()
    copy = Path(_TEMPLATES.name) / f"{len(_REPLAYED)}.db"
    shutil.copyfile(db, copy)
    _REPLAYED[full_key] = copy


def _clear_caches() -> None:
    from salesflow import clock, config

    config.load_config.cache_clear()
    clock.local_zone.cache_clear()
    clock._parse_frozen.cache_clear()


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A temp database, config (UTC), data dir and clock for each test."""
    db = tmp_path / "data" / "salesflow.db"
    cfg = tmp_path / "config.toml"
    cfg.write_text('timezone = "UTC"\ncurrency = "USD"\n')
    monkeypatch.setenv("SALESFLOW_DB", str(db))
    monkeypatch.setenv("SALESFLOW_CONFIG", str(cfg))
    monkeypatch.setenv("SALESFLOW_NOW", NOW)
    monkeypatch.setenv("SALESFLOW_USER", "ana")
    monkeypatch.delenv("SALESFLOW_DEBUG", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    _clear_caches()
    yield db
    _clear_caches()


@dataclass
class Run:
    """What a CLI invocation produced."""

    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


@pytest.fixture
def cli() -> Callable[..., Run]:
    """Run salesflow through CliRunner; returns exit code, stdout and stderr."""
    from salesflow.cli.main import full_app

    app = full_app()

    runner = CliRunner()

    def run(*args: str, env: dict[str, str] | None = None) -> Run:
        _clear_caches()
        result = runner.invoke(app, list(args), env=env, catch_exceptions=False)
        return Run(result.exit_code, result.stdout, result.stderr)

    return run


@pytest.fixture
def dump(isolated: Path) -> Callable[[], str]:
    """The whole SQLite database as SQL text, to prove a failed command changed nothing."""

    def take() -> str:
        conn = sqlite3.connect(isolated)
        try:
            return "\n".join(conn.iterdump())
        finally:
            conn.close()

    return take


@pytest.fixture
def set_now(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    """Move the frozen clock."""

    def move(moment: str) -> None:
        monkeypatch.setenv("SALESFLOW_NOW", moment)
        _clear_caches()

    return move
