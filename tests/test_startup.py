"""Start-up stays light: the command index is right, and the daily read commands never import
the ORM on a database that is ready (they read through the light `Reader`)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from salesflow.cli.main import COMMAND_MODULES, command_module, full_app


def test_command_index_matches_what_the_modules_register() -> None:
    app = full_app()
    registered: dict[str, str] = {}
    for info in app.registered_commands:
        assert info.callback is not None
        name = info.name or info.callback.__name__.replace("_", "-")
        registered[name] = info.callback.__module__.rsplit(".", 1)[1]
    for group in app.registered_groups:
        first = group.typer_instance.registered_commands[0].callback
        assert group.name is not None and first is not None
        registered[group.name] = first.__module__.rsplit(".", 1)[1]
    assert registered == COMMAND_MODULES


@pytest.mark.parametrize(
    ("words", "module"),
    [
        (["due-today"], "tasks"),
        (["--db", "x.db", "--as", "ben", "advance", "3"], "deals"),
        (["--db=x.db", "--debug", "lead", "add", "X"], "leads"),
        (["--help"], None),
        (["adv"], None),
        ([], None),
    ],
)
def test_the_command_word_picks_the_module(words: list[str], module: str | None) -> None:
    assert command_module(words) == module


def _imported(args: list[str], env: dict[str, str]) -> str:
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "salesflow", *args],
        capture_output=True, text=True, env=env, check=True,
    )  # fmt: skip
    return run.stderr


@pytest.mark.parametrize(
    "command", [["due-today", "--all", "--limit", "5"], ["stale"], ["agenda"], ["task", "list"]]
)
def test_daily_reads_do_not_import_the_orm(command: list[str], cli, tmp_path) -> None:
    assert cli("lead", "add", "Acme renewal", "--value", "1000").exit_code == 0  # creates the db
    env = {**os.environ, "SALESFLOW_PAGER": "0"}
    imported = _imported(command, env)
    assert "sqlalchemy" not in imported
    assert "sqlmodel" not in imported


def test_a_new_database_is_still_created_by_a_read_command(tmp_path) -> None:
    env = {**os.environ, "SALESFLOW_DB": str(tmp_path / "new.db"), "SALESFLOW_PAGER": "0"}
    run = subprocess.run(
        [sys.executable, "-m", "salesflow", "due-today"], capture_output=True, text=True, env=env
    )
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "new.db").stat().st_size > 0
    assert "Nothing due today" in run.stdout
