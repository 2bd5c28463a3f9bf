"""The root Typer app: the lazy command group, the global options, the --json/--csv flags and
the option parsers commands share (the per-invocation context is `cli/context.py`)."""

from __future__ import annotations

import os
from importlib import import_module
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from salesflow.cli.context import AppContext


class SalesflowGroup(TyperGroup):
    """The root group. It loads a command's module only when the command is needed (click's
    lazy-group pattern: `get_command` and `list_commands`, over `main.COMMAND_MODULES`), builds
    its commands as plain click commands where it can (`plain.build`), and turns every error into
    one `Error:` line and the contract's exit code."""

    def __init__(self, **attrs: Any) -> None:
        attrs["commands"] = {}  # what Typer built when every module was already loaded: rebuilt
        super().__init__(**attrs)
        self._all_loaded = False

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        from salesflow.cli.plain import lighten_params

        params = self.get_params(ctx)
        lighten_params(params)  # the root options, --help, and the completion
        # options Typer appended after building the group, which salesflow's own callbacks run
        if any(arg.endswith("-completion") for arg in args):
            from salesflow.cli.completion import take_over

            take_over(params, args)
        return super().parse_args(ctx, args)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = self.commands.get(cmd_name)
        if command is not None or self._all_loaded:
            return command
        from salesflow.cli.main import COMMAND_MODULES

        module = COMMAND_MODULES.get(cmd_name)
        if module is None:  # not ours: load them all, so the error can suggest one
            self._load_all()
            return self.commands.get(cmd_name)
        import_module(f"salesflow.cli.{module}")
        command = _build(cmd_name)
        if command is not None:
            self.commands[cmd_name] = command
        return command

    def list_commands(self, ctx: Any) -> list[str]:
        self._load_all()
        return list(self.commands)

    def _load_all(self) -> None:
        """Every command, in the order Typer lists them: commands, then groups, each in the
        order their modules (imported by name) register them."""
        if self._all_loaded:
            return
        from salesflow.cli.main import load_all

        load_all()
        names = [_name(info) for info in app.registered_commands]
        names += [str(group.name) for group in app.registered_groups]
        built = {name: self.commands.get(name) or _build(name) for name in names}
        self.commands = {name: command for name, command in built.items() if command is not None}
        self._all_loaded = True

    def main(  # type: ignore[override]
        self,
        args: Any = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        from salesflow.cli.errors import run_guarded

        return run_guarded(super().main, args=args, prog_name=prog_name or "salesflow",
                           complete_var=complete_var, **extra)  # fmt: skip

    def invoke(self, ctx: Any) -> Any:
        """Run the command. Ctrl-C and a reader that closed our output early leave it as our own
        exceptions, which Typer passes on to `run_guarded` (it would turn them into silent exits
        130 and 1)."""
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt as exc:
            from salesflow.cli.errors import Interrupted

            raise Interrupted() from exc
        except BrokenPipeError as exc:
            from salesflow.cli.errors import OutputClosed

            raise OutputClosed() from exc


_HELP_NAMES = ["-h", "--help"]
app = typer.Typer(
    cls=SalesflowGroup,
    name="salesflow",
    help="salesflow: your sales pipeline in the terminal. Leads, stages, follow-ups, funnel.",
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": _HELP_NAMES},
)


def group(name: str, about: str) -> typer.Typer:
    """A command group on the root app (`salesflow NAME …`), shown with its help when given no
    command; help text plain, as everywhere."""
    commands = typer.Typer(help=about, no_args_is_help=True, rich_markup_mode=None)
    app.add_typer(commands, name=name)
    return commands


def _name(info: Any) -> str:
    """A registered command's name, as Typer derives it."""
    return str(info.name or info.callback.__name__.lower().replace("_", "-"))


def _build(name: str) -> Any:
    """The click command or group registered on the root app under `name` (its module already
    imported), or None, built by Typer and made light (`plain.lighten`)."""
    import typer.main

    from salesflow.cli.plain import lighten

    for info in app.registered_commands:
        if _name(info) == name:
            return lighten(typer.main.get_command_from_info(
                info, pretty_exceptions_short=app.pretty_exceptions_short,
                rich_markup_mode=app.rich_markup_mode), _HELP_NAMES)  # fmt: skip
    for group_info in app.registered_groups:
        if group_info.name == name:
            return lighten(typer.main.get_group_from_info(
                group_info, pretty_exceptions_short=app.pretty_exceptions_short,
                suggest_commands=app.suggest_commands, rich_markup_mode=app.rich_markup_mode),
                _HELP_NAMES)  # fmt: skip
    return None


def _print_version(value: bool) -> None:
    if value:
        from salesflow import __version__

        typer.echo(f"salesflow {__version__}")
        raise typer.Exit(0)


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db", help="SQLite file or SQLAlchemy URL (env SALESFLOW_DB).", metavar="PATH_OR_URL"
        ),
    ] = None,
    as_user: Annotated[
        str | None,
        typer.Option("--as", help="Act as this rep (env SALESFLOW_USER).", metavar="REP"),
    ] = None,
    color: Annotated[
        str, typer.Option("--color", help="auto, always or never.", metavar="WHEN")
    ] = "auto",
    debug: Annotated[
        bool, typer.Option("--debug", help="Show tracebacks (env SALESFLOW_DEBUG=1).")
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Print the version and exit.", callback=_print_version, is_eager=True
        ),  # fmt: skip
    ] = False,
) -> None:
    """salesflow: your sales pipeline in the terminal."""
    if color not in ("auto", "always", "never"):
        from salesflow.errors import InvalidInput

        raise InvalidInput(f"--color must be auto, always or never, not {color!r}")
    debug = debug or os.environ.get("SALESFLOW_DEBUG", "") not in ("", "0")
    ctx.obj = AppContext(db_option=db, actor_option=as_user, color=color, debug=debug)
    ctx.call_on_close(ctx.obj.close)


def choose_format(ctx: typer.Context, param: Any, value: bool) -> bool:
    """`--json` / `--csv` given: the command's output format, chosen once on the AppContext
    (`--json` wins over `--csv`, as it always has); `Output.emit` then prints that form."""
    if value and isinstance(ctx.find_root().obj, AppContext):
        app_ctx = ctx.find_root().obj
        if app_ctx.format != "json":
            app_ctx.format = "json" if param.name == "json" else "csv"
    return value


JsonFlag = Annotated[
    bool, typer.Option("--json", help="Print JSON for scripts.", callback=choose_format)
]
CsvFlag = Annotated[bool, typer.Option("--csv", help="Print CSV.", callback=choose_format)]
