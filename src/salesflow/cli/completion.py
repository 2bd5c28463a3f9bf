"""Which shell `--show-completion` and `--install-completion` are for.

Typer asks the parent process (shellingham) and gives up when that is a shell it has no script
for: run from `make`, a script or `sh -c`, the parent is `sh`, and Typer exits 1 with "Shell sh
not supported". salesflow takes a shell named after the option first (`--show-completion zsh`,
as `gh completion -s zsh`), then asks `$SHELL` (the user's login shell), as most tools do, and
`--show-completion` falls back to bash's script, with a note on stderr saying so.
`--install-completion` does not guess: writing bash's start-up file for someone whose shell is
unknown would be a surprise, so it stops with an `Error:` line instead.
"""

from __future__ import annotations

import os
from functools import partial
from typing import Any

import typer

# the shells Typer has a completion script for (typer._completion_shared.Shells)
SUPPORTED = ("bash", "zsh", "fish", "powershell", "pwsh")
_COMPLETE_VAR = "_SALESFLOW_COMPLETE"


def completion_shell(named: str | None = None) -> tuple[str | None, str]:
    """(the shell to complete for or None, the shell the parent process is): the one `named`
    on the command line, else the parent when Typer has a script for it, else the login shell
    `$SHELL` when it has one."""
    from typer._completion_shared import _get_shell_name

    if named is not None:
        return named, named
    parent = _get_shell_name() or "unknown"
    if parent in SUPPORTED:
        return parent, parent
    login = os.path.basename(os.environ.get("SHELL", "")).lower()
    return (login if login in SUPPORTED else None), parent


def show_completion(ctx: Any, param: Any, value: Any, named: str | None = None) -> Any:
    """`--show-completion`: print the completion script for the user's shell and exit 0."""
    if not value or ctx.resilient_parsing:
        return value
    from typer._completion_shared import get_completion_script

    shell, parent = completion_shell(named)
    if shell is None:
        typer.echo(f"note: no completion for {parent} or $SHELL; printing bash's script", err=True)
        shell = "bash"
    typer.echo(get_completion_script(prog_name="salesflow", complete_var=_COMPLETE_VAR,
                                     shell=shell))  # fmt: skip
    raise typer.Exit(0)


def install_completion(ctx: Any, param: Any, value: Any, named: str | None = None) -> Any:
    """`--install-completion`: add completion to the user's shell start-up file and exit 0."""
    if not value or ctx.resilient_parsing:
        return value
    from typer._completion_shared import install

    from salesflow.errors import InvalidInput

    shell, parent = completion_shell(named)
    if shell is None:
        raise InvalidInput(
            f"no completion for {parent}: salesflow completes bash, zsh, fish and PowerShell "
            "(set SHELL to one of them, or use --show-completion and install it by hand)"
        )
    try:
        installed, path = install(shell=shell, prog_name="salesflow", complete_var=_COMPLETE_VAR)
    except OSError as exc:  # a start-up file or folder that cannot be written
        from salesflow.outfiles import shown_name

        raise InvalidInput(
            f"cannot write {shown_name(exc.filename or '~')}: {exc.strerror or exc}"
        ) from None
    typer.echo(f"{installed} completion installed in {path}")
    typer.echo("Completion will take effect once you restart the terminal")
    raise typer.Exit(0)


def take_over(params: list[Any], args: list[str]) -> None:
    """Point Typer's two completion options at the callbacks above, each given the shell named
    right after it in `args` (the root command line), if one is."""
    callbacks = {"show_completion": show_completion, "install_completion": install_completion}
    for param in params:
        callback = callbacks.get(param.name)
        if callback is not None:
            named = _named_after(param.opts[0], args)
            param.callback = partial(callback, named=named)


def _named_after(option: str, args: list[str]) -> str | None:
    """The supported shell written right after `option` in `args`, or None."""
    for here, word in enumerate(args[:-1]):
        if word == option and args[here + 1].lower() in SUPPORTED:
            return args[here + 1].lower()
    return None
