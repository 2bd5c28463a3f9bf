"""Start-up stays light: the command index is right, and the daily read commands never import
the ORM on a database that is ready (they read through the light `Reader`)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from salesflow.cli.main import COMMAND_MODULES, full_app


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
    ("words", "modules"),
    [
        (["due-today"], {"tasks"}),
        (["--db", "x.db", "--as", "ben", "advance", "--help"], {"deals"}),
        (["--db=x.db", "--debug", "lead", "add", "--help"], {"leads"}),
    ],
)
def test_the_lazy_group_imports_only_the_module_of_the_command(
    words: list[str], modules: set[str], tmp_path
) -> None:
    """click asks the root group for the command word once it has parsed the root options;
    only then is that command's module imported (click's lazy-group pattern)."""
    code = (
        "import sys\n"
        "from salesflow.cli.main import main\n"
        f"sys.argv = ['salesflow', *{words!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m.rsplit('.', 1)[1] for m in sys.modules\n"
        "             if m.startswith('salesflow.cli.') and m.count('.') == 2), file=sys.stderr)\n"
    )
    env = {**os.environ, "SALESFLOW_DB": str(tmp_path / "x.db"), "SALESFLOW_PAGER": "0"}
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    loaded = set(eval(run.stderr.strip().splitlines()[-1]))
    assert loaded & set(COMMAND_MODULES.values()) == modules


def test_an_unknown_command_word_loads_them_all_to_suggest_one(cli) -> None:
    result = cli("adv")
    assert result.exit_code == 2
    assert "Did you mean 'advance'?" in result.stderr


def _imported(args: list[str], env: dict[str, str]) -> str:
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "salesflow", *args],
        capture_output=True, text=True, env=env, check=True,
    )  # fmt: skip
    return run.stderr


@pytest.mark.parametrize(
    "command",
    [["due-today", "--all", "--limit", "5"], ["stale"], ["agenda"], ["task", "list"],
     ["show", "1"], ["show", "acme", "--json"], ["score", "1"], ["score", "--all"],
     ["rule", "list"], ["lead", "list"], ["lead", "list", "--sort", "score", "--stage", "prospect"],
     ["--as", "ben", "--db", "{db}", "due-today", "--owner", "ana"], ["stale", "--limit", "3"],
     ["agenda", "--days", "3"], ["funnel"]],
)  # fmt: skip
def test_daily_reads_do_not_import_the_orm(command: list[str], cli, tmp_path) -> None:
    assert cli("lead", "add", "Acme renewal", "--value", "1000").exit_code == 0  # creates the db
    env = {**os.environ, "SALESFLOW_PAGER": "0"}
    command = [word.replace("{db}", os.environ["SALESFLOW_DB"]) for word in command]
    imported = _imported(command, env)
    assert "sqlalchemy" not in imported
    assert "sqlmodel" not in imported
    assert "pydantic" not in imported  # Typer's per-parameter TypeAdapters are not built


def test_the_hot_commands_take_light_parameters() -> None:
    """The light parameters subclass Typer's own; if a Typer release renames them, this fails
    (the CLI would still work, but every command would pay for pydantic again)."""
    from salesflow.cli.plain import LightArgument, LightOption

    app = full_app()
    import typer.main

    root = typer.main.get_command(app)
    ctx = root.make_context("salesflow", ["due-today"], resilient_parsing=True)
    command = root.get_command(ctx, "due-today")  # type: ignore[attr-defined]
    kinds = {p.name: type(p) for p in command.params}
    assert kinds["owner"] is LightOption and kinds["limit"] is LightOption
    show = root.get_command(ctx, "show")  # type: ignore[attr-defined]
    assert type(show.params[0]) is LightArgument


@pytest.mark.parametrize(
    ("value", "shown"),
    [("abc", "'abc' is not a whole number"), ("5.5", "'5.5' is not a whole number"),
     ("", "'' is not a whole number"), ("٣", "'٣' is not a whole number")],
)  # fmt: skip
def test_a_bad_whole_number_is_one_error_line(cli, value: str, shown: str) -> None:
    result = cli("due-today", "--limit", value)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == f"Error: Invalid value for '--limit': {shown}"
    assert "Traceback" not in result.stderr


def test_whole_numbers_and_texts_convert_as_typed(cli) -> None:
    assert cli("lead", "add", "Acme  renewal ", "--value", "100").exit_code == 0
    assert cli("due-today", "--limit", " +7 ").exit_code == 0
    shown = cli("show", " 1", "--json")
    assert shown.exit_code == 0, shown.stderr
    assert '"title": "Acme  renewal' in shown.stdout


def test_a_new_database_is_still_created_by_a_read_command(tmp_path) -> None:
    env = {**os.environ, "SALESFLOW_DB": str(tmp_path / "new.db"), "SALESFLOW_PAGER": "0"}
    run = subprocess.run(
        [sys.executable, "-m", "salesflow", "due-today"], capture_output=True, text=True, env=env
    )
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "new.db").stat().st_size > 0
    assert "Nothing due today" in run.stdout


def _salesflow(args: list[str], env: dict[str, str], importtime: bool = False):
    flags = ["-X", "importtime"] if importtime else []
    return subprocess.run([sys.executable, *flags, "-m", "salesflow", *args],
                          capture_output=True, text=True, env=env)  # fmt: skip


def test_root_help_from_the_cache_is_what_typer_prints(tmp_path) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "COLUMNS": "100"}
    first = _salesflow(["--help"], env)  # through Typer; writes the cache
    assert first.returncode == 0 and "due-today" in first.stdout and "Usage:" in first.stdout
    second = _salesflow(["--help"], env, importtime=True)
    assert second.returncode == 0
    assert second.stdout == first.stdout
    assert "typer" not in second.stderr  # answered without importing Typer
    narrow = _salesflow(["--help"], {**env, "COLUMNS": "60"})  # another width: rendered anew
    assert narrow.stdout != first.stdout and max(map(len, narrow.stdout.splitlines())) <= 60


def test_a_cache_of_another_installation_is_ignored(tmp_path) -> None:
    import marshal

    from salesflow.cli import quick

    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "COLUMNS": "80"}
    folder = tmp_path / "cache" / "salesflow"
    folder.mkdir(parents=True)
    bogus = {"key": "another version", "help": {"80": "stale help\n"}, "bash": {"": ["zzz"]}}
    (folder / "answers.marshal").write_bytes(marshal.dumps(bogus))
    run = _salesflow(["--help"], env)
    assert "stale help" not in run.stdout and "due-today" in run.stdout
    assert marshal.loads((folder / "answers.marshal").read_bytes())["key"] != "another version"
    assert quick.terminal_columns() > 0


@pytest.mark.parametrize(
    ("words", "cword"),
    [("salesflow adv", 1), ("salesflow ", 1), ("salesflow lead ", 2), ("salesflow quote s", 2),
     ("salesflow --db x.db task d", 3), ("salesflow zzz", 1)],
)  # fmt: skip
def test_bash_completion_from_the_cache_is_what_typer_answers(tmp_path, words, cword) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"),
           "_SALESFLOW_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(cword)}  # fmt: skip
    typer_answer = _salesflow([], env)  # no cache yet: Typer answers (and the cache is written)
    cached = _salesflow([], env, importtime=True)
    assert cached.returncode == typer_answer.returncode == 0
    assert cached.stdout == typer_answer.stdout
    assert "typer" not in cached.stderr
    if words == "salesflow adv":
        assert cached.stdout.split() == ["advance"]


def test_completing_an_option_still_goes_through_typer(tmp_path) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"),
           "_SALESFLOW_COMPLETE": "complete_bash", "COMP_WORDS": "salesflow lead add --cu",
           "COMP_CWORD": "3"}  # fmt: skip
    run = _salesflow([], env)
    assert run.stdout.split() == ["--currency"]


def test_the_cache_dir_is_what_platformdirs_says(monkeypatch, tmp_path) -> None:
    import shutil

    from platformdirs import user_cache_dir

    from salesflow.cli import quick

    assert quick.cache_dir() == user_cache_dir("salesflow")
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert quick.cache_dir() == user_cache_dir("salesflow")
    monkeypatch.setenv("COLUMNS", "123")
    assert quick.terminal_columns() == shutil.get_terminal_size().columns == 123
