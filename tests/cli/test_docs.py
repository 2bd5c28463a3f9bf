"""Every command has help text and is in the README, so the docs never drift from the CLI."""

from __future__ import annotations

import typer
from conftest import REPO

from salesflow.cli.main import full_app

app = full_app()

README = (REPO / "README.md").read_text()


def _commands(group, prefix=()):
    from salesflow.cli.main import all_commands

    yield from sorted(all_commands(), key=lambda found: found[0])


def test_every_command_has_help_and_is_documented():
    root = typer.main.get_command(app)
    seen = []
    for path, command in _commands(root):
        name = " ".join(path)
        seen.append(name)
        assert (command.help or "").strip(), f"{name} has no help text"
        documented = f"salesflow {name}" in README or (
            len(path) == 2 and f"{path[0]} {path[1]}" in README
        )
        assert documented, f"`salesflow {name}` is not in the README"
    assert {"lead add", "advance", "due-today", "funnel", "demo", "db backup"} <= set(seen)


def test_every_option_has_help():
    root = typer.main.get_command(app)
    for path, command in _commands(root):
        for param in command.params:
            if param.param_type_name == "option":
                assert (param.help or "").strip(), f"{' '.join(path)} {param.opts[0]} has no help"
