"""Instant answers that run no command: `salesflow --help` and bash completion of command names.

Python and Typer take longer to import than a shell waits comfortably for a Tab. These two
answers only depend on the installed command modules, so the first time salesflow renders them
(through Typer, as usual) it also writes them to a small cache in the user cache dir; after that
they are read back without importing Typer (stored with `marshal`, which costs no import). The
cache is keyed on salesflow's and Python's versions, the size and modification time of every
command module and of Typer itself, and (for help) the terminal width, so an upgrade or an edit
makes a new one. Anything else (another shell, an option being completed, a cache that cannot be
read or written) goes the normal way, through Typer.
"""

from __future__ import annotations

import marshal
import os
import sys

TYPE_CHECKING = False  # not `typing.TYPE_CHECKING`: importing typing costs this path 10 ms
if TYPE_CHECKING:
    from typing import Any

    import typer

_COMPLETE_VAR = "_SALESFLOW_COMPLETE"
_ROOT_VALUE_OPTIONS = ("--db", "--as", "--color")


def question(argv: list[str]) -> tuple[str, ...] | None:
    """What this command line asks, when it is a question `answer` can take from the cache:
    ("help", width) or ("bash", group-or-"", prefix); None for anything else."""
    try:
        return _question(argv)
    except (ValueError, KeyError):
        return None


def answer(question: tuple[str, ...]) -> bool:
    """Print the answer from the cache and return True, or return False to run normally."""
    try:
        cached = _read(_cache_file())
        if cached is None or cached.get("key") != _key():
            return False
        text = _lookup(cached, question)
    except (OSError, ValueError, KeyError, TypeError):
        return False
    if text is None:
        return False
    sys.stdout.write(text)
    sys.stdout.flush()
    return True


def remember(app: typer.Typer) -> None:
    """Render the cacheable answers through Typer and store them (best effort, never fails)."""
    try:
        cache, key = _cache_file(), _key()
        cached = _read(cache) or {}
        if cached.get("key") != key:
            cached = {"key": key}
        fresh = _render(app)
        cached["help"] = {**cached.get("help", {}), **fresh["help"]}
        cached["bash"] = fresh["bash"]
        os.makedirs(os.path.dirname(cache), mode=0o700, exist_ok=True)
        partial = f"{cache}.{os.getpid()}.tmp"
        with open(partial, "wb") as file:
            marshal.dump(cached, file)
        os.replace(partial, cache)
    except Exception:  # a cache must never break the command
        return


def _question(argv: list[str]) -> tuple[str, ...] | None:
    """("help", width) or ("bash", group-or-"", prefix), or None when not ours to answer."""
    mode = os.environ.get(_COMPLETE_VAR)
    if mode is None:
        if argv in (["--help"], ["-h"]):
            return ("help", str(terminal_columns()))
        return None
    if mode != "complete_bash" or "COMP_WORDS" not in os.environ:
        return None
    import shlex

    words = shlex.split(os.environ["COMP_WORDS"])
    cword = int(os.environ["COMP_CWORD"])
    typed, incomplete = words[1:cword], (words[cword] if cword < len(words) else "")
    if incomplete.startswith("-"):
        return None
    rest = _skip_root_options(typed)
    if rest is None or len(rest) > 1:
        return None
    return ("bash", rest[0] if rest else "", incomplete)


def _skip_root_options(words: list[str]) -> list[str] | None:
    i = 0
    while i < len(words) and words[i].startswith("-"):
        if words[i] in _ROOT_VALUE_OPTIONS:
            i += 2
        elif words[i].startswith(tuple(o + "=" for o in _ROOT_VALUE_OPTIONS)) or words[i] in (
            "--debug",
        ):
            i += 1
        else:
            return None
    return words[i:] if i <= len(words) else None


def _lookup(cached: dict[str, Any], question: tuple[str, ...]) -> str | None:
    if question[0] == "help":
        found = cached.get("help", {}).get(question[1])
        return str(found) if found is not None else None
    _, group, prefix = question
    names = cached.get("bash", {}).get(group)
    if names is None:
        return None
    matches = [name for name in names if name.startswith(prefix)]
    return "\n".join(matches) + "\n"  # as Typer echoes it


def _render(app: typer.Typer) -> dict[str, Any]:
    import typer.main
    from typer._completion_classes import BashComplete

    command = typer.main.get_command(app)
    width = str(terminal_columns())
    ctx = command.make_context("salesflow", ["--help"], resilient_parsing=True)
    help_text = command.get_help(ctx) + "\n"
    complete = BashComplete(command, {}, "salesflow", _COMPLETE_VAR)
    groups = [""] + [
        name
        for name in command.list_commands(ctx)  # type: ignore[attr-defined]
        if hasattr(command.get_command(ctx, name), "list_commands")  # type: ignore[attr-defined]
    ]
    bash = {
        group: [item.value for item in complete.get_completions([group] if group else [], "")]
        for group in groups
    }
    return {"help": {width: help_text}, "bash": bash}


def terminal_columns() -> int:
    """The width help is wrapped to: what `shutil.get_terminal_size` (click's choice) says."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


def cache_dir() -> str:
    """The user cache dir for salesflow. On Linux the XDG rule, which is what platformdirs says
    (a test holds them together) without importing it; elsewhere platformdirs itself."""
    if sys.platform.startswith("linux"):
        base = os.environ.get("XDG_CACHE_HOME", "").strip() or os.path.expanduser("~/.cache")
        return os.path.join(base, "salesflow")
    from platformdirs import user_cache_dir

    return user_cache_dir("salesflow")


def _read(path: str) -> dict[str, Any] | None:
    try:
        with open(path, "rb") as file:
            data = marshal.load(file)
    except (OSError, ValueError, EOFError, TypeError):
        return None
    return data if isinstance(data, dict) else None


def _cache_file() -> str:
    return os.path.join(cache_dir(), "answers.marshal")


def _key() -> str:
    """What the answers depend on: salesflow's version, and the size and modification time of
    every command module and of Typer."""
    from importlib.machinery import PathFinder  # importlib.util would cost 8 ms here

    from salesflow import __version__

    cli = os.path.dirname(__file__)
    files = sorted(os.path.join(cli, n) for n in os.listdir(cli) if n.endswith(".py"))
    typer_spec = PathFinder.find_spec("typer")
    if typer_spec is not None and typer_spec.origin:
        files.append(typer_spec.origin)
    parts = [__version__, sys.version]
    for file in files:
        stat = os.stat(file)
        parts.append(f"{os.path.basename(file)}:{stat.st_size}:{stat.st_mtime_ns}")
    return "|".join(parts)
