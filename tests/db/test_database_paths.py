"""The database path is a path: `?`, `%41` and `#` in a SQLite file name open exactly that file
(0600, no warning), through the full ORM path, Alembic and the light reader alike; a database
that cannot be created, or a busy timeout that is not a number, is one clear error line."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from checks import assert_one_error, can_run_as_nobody

ODD_NAMES = ["q?mode=ro.db", "pct%41.db", "hash#x.db", "sp ace.db"]


@pytest.mark.parametrize("name", ODD_NAMES)
def test_an_odd_sqlite_file_name_opens_exactly_that_file(tmp_path, name):
    """B12: the data landed in `dir/q`, `dir/pctA.db` or beside an empty `dir/hash`, 0644, with
    a SAWarning on stderr. A real process, so the warning would show."""
    from conftest import run_salesflow

    folder = tmp_path / "dir"
    folder.mkdir()
    db = folder / name
    add = run_salesflow("--db", str(db), "lead", "add", "Odd path", "--value", "5")
    assert add.returncode == 0 and add.stderr == "", add.stderr
    assert sorted(p.name for p in folder.iterdir()) == [name]  # nothing beside it
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    # the light reader (show) and the full path (lead list --json, which imports the ORM)
    show = run_salesflow("--db", str(db), "show", "1")
    assert show.returncode == 0 and "Odd path" in show.stdout, show.stderr
    listed = run_salesflow("--db", str(db), "export", "json", "--what", "deals")
    assert listed.returncode == 0 and '"Odd path"' in listed.stdout, listed.stderr
    assert sorted(p.name for p in folder.iterdir()) == [name]


def test_alembic_migrates_the_literal_file(tmp_path):
    from salesflow.db.engine import Database
    from salesflow.db.schema import HEAD_REVISION, current_revision, downgrade, upgrade

    (tmp_path / "m").mkdir()
    db_path = tmp_path / "m" / "mig?x=1#y%41.db"
    db = Database(str(db_path))
    try:
        upgrade(db)
        downgrade(db, "0004")
        upgrade(db)
        assert current_revision(db) == HEAD_REVISION
    finally:
        db.dispose()
    left = sorted(p.name for p in db_path.parent.iterdir())
    assert [n for n in left if not n.endswith(("-wal", "-shm"))] == [db_path.name]


@pytest.mark.parametrize("value", ["abc", "1e3", "-5", "5.5", " "])
def test_a_busy_timeout_that_is_not_a_whole_number_is_one_error(cli, dump, value):
    """L10, L12: `SALESFLOW_BUSY_TIMEOUT_MS=abc` was "unexpected ValueError"."""
    assert cli("lead", "add", "Acme", "--value", "5").exit_code == 0
    before = dump()
    for command in (("show", "1"), ("lead", "add", "X"), ("lead", "list", "--json")):
        run = cli(*command, env={"SALESFLOW_BUSY_TIMEOUT_MS": value})
        if value.strip() == "":
            assert run.exit_code == 0, run.stderr  # unset or blank: the default
            continue
        assert_one_error(run, 1, error="SALESFLOW_BUSY_TIMEOUT_MS must be a whole number")
        assert dump() == before


def test_a_database_under_a_file_is_one_clear_error(cli, tmp_path):
    """R09 (as root the read-only folder cannot be shown: root writes anywhere; a path through
    a regular file fails the same way, and a non-root run is below)."""
    blocker = tmp_path / "afile"
    blocker.write_text("x")
    run = cli("--db", str(blocker / "new.db"), "lead", "add", "X")
    assert_one_error(run, 1, error=f"cannot create database {blocker / 'new.db'}: Not a directory")


@pytest.mark.skipif(not can_run_as_nobody(), reason="needs root, setpriv, and a Python that "
                    "user nobody can run (this one lives where nobody cannot read)")  # fmt: skip
def test_a_new_database_in_a_read_only_folder_as_a_normal_user():
    """R09: as nobody, `--db RO_DIR/new.db lead add X` was "unexpected PermissionError"."""
    import shutil
    import tempfile

    base = Path(tempfile.mkdtemp(prefix="salesflow-r09-"))  # pytest's tmp is root's alone
    try:
        base.chmod(0o755)
        config = base / "config.toml"
        config.write_text('timezone = "UTC"\ncurrency = "USD"\n')
        config.chmod(0o644)
        folder = base / "ro"
        folder.mkdir(mode=0o555)
        env = {**os.environ, "SALESFLOW_CONFIG": str(config), "HOME": str(base),
               "XDG_DATA_HOME": str(base), "XDG_CACHE_HOME": str(base)}  # fmt: skip
        run = subprocess.run(
            ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable,
             "-m", "salesflow", "--db", str(folder / "new.db"), "lead", "add", "X"],
            capture_output=True, text=True, check=False, env=env,
        )  # fmt: skip
        assert run.returncode == 1, run.stderr
        assert run.stderr.splitlines()[0] == (
            f"Error: cannot create database {folder / 'new.db'}: Permission denied"
        )
        assert list(folder.iterdir()) == []
    finally:
        shutil.rmtree(base)


# --- an empty --db, a blank SALESFLOW_DB, a symlink to nothing -------------------------------


@pytest.mark.parametrize("option", [["--db", ""], ["--db="], ["--db", "  "]])
@pytest.mark.parametrize("command", [("init",), ("lead", "add", "X"), ("lead", "list")])
def test_an_empty_db_option_is_a_usage_error_and_touches_nothing(cli, tmp_path, monkeypatch,
                                                                option, command):  # fmt: skip
    """`--db ''` (a script's unset variable) silently used the default database."""
    monkeypatch.delenv("SALESFLOW_DB")
    monkeypatch.chdir(tmp_path)
    before = sorted(str(p) for p in tmp_path.rglob("*"))
    run = cli(*option, *command)
    assert_one_error(run, 2, error="--db must name a database file or URL")
    assert sorted(str(p) for p in tmp_path.rglob("*")) == before  # no default database made


@pytest.mark.parametrize("blank", ["", " "])
def test_a_blank_salesflow_db_counts_as_unset(cli, tmp_path, monkeypatch, blank):
    monkeypatch.chdir(tmp_path)
    run = cli("init", env={"SALESFLOW_DB": blank})
    assert run.exit_code == 0, run.stderr
    assert (tmp_path / "xdg-data" / "salesflow" / "salesflow.db").is_file()


@pytest.mark.parametrize("where", ["file", "folder"])
@pytest.mark.parametrize("command", [("init",), ("lead", "add", "X"), ("show", "1")])
def test_a_symlink_to_nothing_is_refused_and_creates_nothing(cli, tmp_path, where, command):
    """`--db link` with the link dangling created its target and the folders on the way."""
    gone = tmp_path / "gone" / "deep"
    link = tmp_path / "link"
    if where == "file":
        link.symlink_to(gone / "x.db")
        db, shown = link, f"{link}: it is a symlink to {gone / 'x.db'}"
    else:
        link.symlink_to(gone)
        db, shown = link / "x.db", f"{link / 'x.db'}: {link} is a symlink to {gone}"
    run = cli("--db", str(db), *command)
    assert_one_error(run, 1, error=f"cannot create database {shown}, which does not exist")
    assert not (tmp_path / "gone").exists()
    assert link.is_symlink()


def test_a_symlink_to_a_database_still_works(cli, tmp_path):
    real = tmp_path / "real.db"
    assert cli("--db", str(real), "lead", "add", "Linked", "--value", "5").exit_code == 0
    link = tmp_path / "link.db"
    link.symlink_to(real)
    run = cli("--db", str(link), "show", "1")
    assert run.exit_code == 0 and "Linked" in run.stdout, run.stderr


# --- a --db that is not a database: refused, left as it was ------------------------------------


@pytest.mark.parametrize("kind", ["folder", "fifo", "text", "null"])
@pytest.mark.parametrize("command", [("init",), ("lead", "add", "X"), ("lead", "list")])
def test_a_db_that_is_not_a_sqlite_file_is_one_clear_error(cli, tmp_path, kind, command):
    """A folder said "database error: unable to open database file", /dev/null "disk I/O
    error", a text file "file is not a database"; a FIFO would hang the light reader."""
    target = tmp_path / "target"
    why = {"folder": "it is a folder", "fifo": "it is not a regular file",
           "text": "the file is not a database", "null": "it is not a regular file"}[kind]  # fmt: skip
    if kind == "folder":
        target.mkdir()
    elif kind == "fifo":
        os.mkfifo(target)
    elif kind == "text":
        target.write_text("my notes\n")
    else:
        target = Path("/dev/null")
    before = sorted(p.name for p in tmp_path.iterdir())
    run = cli("--db", str(target), *command)
    assert_one_error(run, 1, error=f"cannot open database {target}: {why}")
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    if kind == "text":
        assert target.read_text() == "my notes\n"
    if kind == "folder":
        assert list(target.iterdir()) == []


def test_a_read_only_database_refuses_writes_even_for_root_and_still_reads(cli, isolated, dump):
    """As root, `lead add` wrote into a 0444 database (and exports recorded themselves in it)."""
    assert cli("lead", "add", "Acme", "--value", "5").exit_code == 0
    isolated.chmod(0o444)
    try:
        before = dump()
        run = cli("lead", "add", "Other")
        assert_one_error(run, 1, error=f"cannot write database {isolated}: it is read-only")
        assert cli("show", "1").exit_code == 0
        assert cli("lead", "list", "--json").json()["deals"][0]["title"] == "Acme"
        out = isolated.parent / "e.json"
        assert cli("export", "json", "--out", str(out)).exit_code == 0
        assert dump() == before  # the export was not recorded in written_files either
    finally:
        isolated.chmod(0o600)


def test_a_control_character_in_salesflow_db_is_refused_like_in_db(cli, tmp_path, monkeypatch):
    """`--db $'x\\e[31m.db'` is refused (control character); SALESFLOW_DB made that file."""
    monkeypatch.chdir(tmp_path)
    target = str(tmp_path / "x\x1b[31m.db")
    run = cli("lead", "list", env={"SALESFLOW_DB": target})
    assert_one_error(run, 1, error="contains the control character U+001B")
    assert "\x1b" not in run.stderr
    assert not os.path.lexists(target)
    assert_one_error(cli("--db", target, "lead", "list"), 1, error="control character U+001B")


def test_a_dangling_symlink_with_an_escape_sequence_is_shown_quoted(cli, tmp_path):
    link = tmp_path / "link.db"
    link.symlink_to("/nowhere/\x1b[2J")
    run = cli("--db", str(link), "lead", "list")
    assert_one_error(run, 1, error="a symlink to '/nowhere/\\x1b[2J', which does not exist")


@pytest.mark.parametrize("how", ["option", "env"])
def test_a_db_name_ending_in_a_slash_is_a_folder_not_a_new_file(cli, tmp_path, how):
    """`--db nodir/` made a database file called `nodir` (pathlib drops the slash)."""
    target = f"{tmp_path}/nodir/"
    args = ("--db", target) if how == "option" else ()
    env = {"SALESFLOW_DB": target} if how == "env" else None
    run = cli(*args, "init", env=env)
    assert_one_error(run, 1, error=f"cannot open database {target}: a name ending in / is a folder")
    assert not os.path.lexists(tmp_path / "nodir")


@pytest.mark.parametrize("command", [("init",), ("lead", "list"), ("show", "1")])
def test_an_empty_read_only_file_is_not_made_a_database(cli, tmp_path, command):
    """As root, a 0444 empty --db was given a schema (and the WAL header) through the mode bits."""
    target = tmp_path / "empty.db"
    target.touch()
    target.chmod(0o444)
    run = cli("--db", str(target), *command)
    assert_one_error(run, 1, error=f"cannot write database {target}: it is read-only")
    assert target.stat().st_size == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.toml", "empty.db"]
