"""Entry point: loads the command module a command line names, then runs the root app.

Each command module registers its commands on the root app when imported. Importing and
building all eighteen of them costs more than most commands take, so `main` reads the command
word first and imports only its module; `--help`, a word we don't know (so the error can suggest
one) and completing a command name load them all. `COMMAND_MODULES` is the index, and a test
checks it against what the modules register. Root help and bash completion of command names
are answered from a cache before Typer is even imported (`quick`).
"""

from __future__ import annotations

import os
import sys
from importlib import import_module

TYPE_CHECKING = False  # not `typing.TYPE_CHECKING`: `--help` and completion must not import typing
if TYPE_CHECKING:
    import typer

# top-level command or group → the module in salesflow.cli that registers it
COMMAND_MODULES: dict[str, str] = {
    "log": "activities",
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
}
_VALUE_OPTIONS = ("--db", "--as", "--color")  # root options that take a value


def command_module(words: list[str]) -> str | None:
    """The module of the command these words (after `salesflow`) name, or None for all."""
    i = 0
    while i < len(words):
        word = words[i]
        if word in _VALUE_OPTIONS:
            i += 2
        elif word.startswith(tuple(o + "=" for o in _VALUE_OPTIONS)) or word == "--debug":
            i += 1
        elif word.startswith("-"):
            return None  # --help, --version, or an option we don't know: load everything
        else:
            return COMMAND_MODULES.get(word)
    return None


def _typed_words() -> list[str]:
    """The complete words of this command line (when completing: not the word being typed)."""
    if not os.environ.get("_SALESFLOW_COMPLETE"):
        return sys.argv[1:]
    if "COMP_WORDS" in os.environ:  # bash
        words = _split(os.environ["COMP_WORDS"])
        cword = int(os.environ.get("COMP_CWORD") or len(words))
        return words[1:cword]
    line = os.environ.get("_TYPER_COMPLETE_ARGS", "")  # zsh, fish, PowerShell
    words = _split(line)[1:]
    return words if line.endswith(" ") else words[:-1]


def _split(line: str) -> list[str]:
    import shlex

    try:
        return shlex.split(line)
    except ValueError:
        return line.split()


def load_commands(words: list[str]) -> None:
    """Import the module the words need, or every command module."""
    module = command_module(words)
    for name in [module] if module else sorted(set(COMMAND_MODULES.values())):
        import_module(f"salesflow.cli.{name}")


def full_app() -> typer.Typer:
    """The root app with every command loaded (tests, documentation checks)."""
    from salesflow.cli.app import app

    load_commands([])
    return app


def main() -> None:
    """The `salesflow` console script."""
    from salesflow.cli import quick

    argv = sys.argv[1:]
    if quick.answer(argv):
        return
    load_commands(_typed_words())
    from salesflow.cli.app import app

    if quick.is_cacheable(argv):
        quick.remember(full_app())
    app()


if __name__ == "__main__":
    main()
