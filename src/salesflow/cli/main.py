"""Entry point: runs the root app, whose group loads command modules on demand.

Each command module registers its commands on the root app when imported. Importing and
building all eighteen of them costs more than most commands take, so the root group
(`app.SalesflowGroup`, click's lazy-group pattern) imports a command's module only when click
asks for that command; `--help`, a word we don't know (so the error can suggest one) and
completing a command name list them all. `COMMAND_MODULES` is the index, and a test checks it
against what the modules register. Root help and bash completion of command names are answered
from a cache before Typer is even imported (`quick`).
"""

from __future__ import annotations

import sys
from importlib import import_module

TYPE_CHECKING = False  # not `typing.TYPE_CHECKING`: `--help` and completion must not import typing
if TYPE_CHECKING:
    from collections.abc import Iterator

    import typer
    from typer import _click

# top-level command or group → the module in salesflow.cli that registers it
COMMAND_MODULES: dict[str, str] = {
    "log": "activities",
    "board": "board",
    "agenda": "agenda",
    "stale": "agenda",
    "cadence": "cadences",
    "contact": "contacts",
    "customer": "customers",
    "feedback": "customers",
    "renewals": "customers",
    "db": "db",
    "show": "deals",
    "edit": "deals",
    "advance": "deals",
    "won": "deals",
    "lost": "deals",
    "reopen": "deals",
    "email": "emails",
    "export": "export",
    "history": "history",
    "import": "imports",
    "lead": "leads",
    "pipeline": "pipelines",
    "product": "quotes",
    "quote": "quotes",
    "funnel": "reports",
    "report": "reports",
    "score": "scoring",
    "rule": "scoring",
    "init": "setup",
    "demo": "setup",
    "due-today": "tasks",
    "task": "tasks",
    "team": "teams",
}


def load_all() -> None:
    """Import every command module (each registers its commands on the root app)."""
    for name in sorted(set(COMMAND_MODULES.values())):
        import_module(f"salesflow.cli.{name}")


def full_app() -> typer.Typer:
    """The root app with every command loaded (tests, documentation checks)."""
    from salesflow.cli.app import app

    load_all()
    return app


def all_commands() -> Iterator[tuple[tuple[str, ...], _click.Command]]:
    """Every command (not groups) by its words, e.g. `("lead", "add")`, built as `salesflow`
    builds them: through the groups' `list_commands` / `get_command` (tests, documentation)."""
    import typer.main

    def walk(
        command: _click.Command, words: tuple[str, ...]
    ) -> Iterator[tuple[tuple[str, ...], _click.Command]]:
        if not hasattr(command, "list_commands"):
            yield words, command
            return
        for name in command.list_commands(None):
            sub = command.get_command(None, name)  # type: ignore[attr-defined]
            if sub is not None:
                yield from walk(sub, (*words, name))

    yield from walk(typer.main.get_command(full_app()), ())


def main() -> None:
    """The `salesflow` console script."""
    from salesflow.cli import quick

    question = quick.question(sys.argv[1:])  # root help or completion of a command name?
    if question is not None and quick.answer(question):
        return
    from salesflow.cli.app import app

    if question is not None:
        quick.remember(full_app())
    app()  # click parses the command line; the root group loads the command's module


if __name__ == "__main__":
    main()
