"""Every file a command writes goes through one writer (`salesflow.outfiles`): never onto the open
database, its -wal/-shm/-journal or an input file (however spelled), a failure leaves the old
file as it was, a device is written into and never replaced, a folder or a read-only file is
refused, and every file written is 0600. Files holding customer data are recorded in
`written_files`, and `contact forget` names them.

The output parameters are enumerated from the CLI itself, so a new one cannot be forgotten."""

from __future__ import annotations

import errno
import json
import os
import sqlite3
import stat
from pathlib import Path

import pytest
from checks import assert_one_error, can_run_as_nobody

IN = "@IN"  # the import's input file
OUT = "@OUT"  # the output slot

# Every output-file parameter of the CLI, and a command line that writes through it.
OUTPUTS: dict[tuple[str, str], tuple[str, ...]] = {
    ("export ics", "file"): ("export", "ics", OUT),
    ("export json", "out"): ("export", "json", "--out", OUT),
    ("export csv", "out"): ("export", "csv", "--out", OUT),
    ("contact export", "out"): ("contact", "export", "jo", "--out", OUT),
    ("report html", "out"): ("report", "html", "--out", OUT),
    ("quote export", "out_file"): ("quote", "export", "1", "--out", OUT),
    ("rule export", "out_file"): ("rule", "export", "--out", OUT),
    ("import", "errors"): ("import", IN, "--skip-invalid", "--errors", OUT),
    ("db backup", "file"): ("db", "backup", OUT),
}
# Every Path parameter that is read, not written.
INPUTS = {
    ("import", "files"),
    ("init", "pipeline"),
    ("cadence add", "file"),
    ("pipeline add", "file"),
    ("rule load", "file"),
}
CUSTOMER_DATA = {  # what `written_files` records, by command (rules hold no customer data)
    "export ics": "export ics",
    "export json": "export json",
    "export csv": "export csv",
    "contact export": "contact export",
    "report html": "report html",
    "quote export": "quote export",
    "import": "import --errors",
    "db backup": "db backup",
}


def _path_parameters() -> set[tuple[str, str]]:
    from salesflow.cli.main import all_commands

    found = set()
    for words, command in all_commands():
        name = " ".join(words)
        for param in command.params:
            if "Path" in repr(param.type_descriptor):
                found.add((name, param.name))
    return found


def test_every_path_parameter_is_classified_as_input_or_output():
    """A new Path option or argument fails here until it is listed: an output one then goes
    through every check below."""
    assert _path_parameters() == set(OUTPUTS) | INPUTS


@pytest.fixture
def world(cli, tmp_path):
    """A deal with a contact, a quote, a follow-up and a rule; an import file with one good and
    one bad row."""
    for args in (
        ("lead", "add", "Acme rollout", "--company", "Acme", "--contact", "Jo Smith",
         "--email", "jo@acme.com", "--value", "12k"),
        ("product", "add", "SEAT", "Seat licence", "--price", "100"),
        ("quote", "new", "1", "--line", "SEAT:10"),
        ("rule", "add", "calls", "--event", "call", "--points", "5"),
        ("task", "add", "1", "Call Jo", "--due", "today"),
    ):  # fmt: skip
        assert cli(*args).exit_code == 0, args
    source = tmp_path / "in.csv"
    source.write_text("title,value\nGood,5\nBad,abc\n")
    return source


def _argv(key, target, source):
    return [str(target) if w == OUT else str(source) if w == IN else w for w in OUTPUTS[key]]


def _state(isolated: Path, *files: Path) -> dict[str, object]:
    """What must not change: the database's bytes and rows, and each file (bytes, kind, mode)."""
    out: dict[str, object] = {"db": isolated.read_bytes()}
    for file in files:
        info = os.lstat(file)
        body = file.read_bytes() if stat.S_ISREG(info.st_mode) else None
        out[str(file)] = (body, stat.S_IFMT(info.st_mode), stat.S_IMODE(info.st_mode))
    return out


def _no_part_files(*folders: Path) -> None:
    for folder in folders:
        assert not [p for p in folder.iterdir() if p.name.endswith(".part")], folder


SPELLINGS = ["itself", "symlink", "wal", "relative", "shm"]


@pytest.mark.usefixtures("world")
@pytest.mark.parametrize("spelling", SPELLINGS)
@pytest.mark.parametrize("key", sorted(OUTPUTS))
def test_no_output_lands_on_the_open_database(
    cli, dump, isolated, world, tmp_path, monkeypatch, key, spelling
):
    link = tmp_path / "link.html"
    link.symlink_to(isolated)
    monkeypatch.chdir(tmp_path)
    target = {
        "itself": isolated,
        "symlink": link,
        "wal": Path(f"{isolated}-wal"),
        "shm": Path(f"{isolated}-shm"),
        "relative": Path("data/../data/./salesflow.db"),
    }[spelling]
    before, rows = _state(isolated, world), dump()
    run = cli(*_argv(key, target, world))
    assert_one_error(run, 1, error="cannot write")
    assert "it is the database" in run.stderr
    assert _state(isolated, world) == before
    assert dump() == rows
    assert link.is_symlink()
    _no_part_files(tmp_path, isolated.parent)


@pytest.mark.usefixtures("world")
def test_a_database_named_like_a_document_is_not_overwritten(cli, isolated, tmp_path):
    """P08: a database called sales.md, and `quote export --out sales.md`."""
    other = tmp_path / "sales.md"
    other.write_bytes(isolated.read_bytes())
    before = other.read_bytes()
    run = cli("--db", str(other), "quote", "export", "1", "--out", str(other))
    assert_one_error(run, 1, error="it is the database in use")
    assert other.read_bytes() == before


@pytest.mark.usefixtures("world")
def test_the_import_never_replaces_its_own_input(cli, dump, isolated, world):
    """I13: `import in.csv --errors in.csv` kept only the rejected row of the user's file."""
    before, rows = _state(isolated, world), dump()
    run = cli("import", str(world), "--skip-invalid", "--errors", str(world))
    assert_one_error(run, 1, error="it is an input file of this command")
    assert _state(isolated, world) == before
    assert dump() == rows  # the good row was not imported either


@pytest.mark.usefixtures("world")
@pytest.mark.parametrize("key", sorted(OUTPUTS))
def test_a_folder_is_refused_and_leaves_no_part_file(cli, dump, isolated, world, tmp_path, key):
    """I16, P17: `--errors DIR`, `rule export --out DIR` ended in "unexpected IsADirectoryError"
    and left a .part file."""
    folder = tmp_path / "out"
    folder.mkdir()
    before, rows = _state(isolated, world), dump()
    run = cli(*_argv(key, folder, world))
    assert_one_error(run, 1, error=f"cannot write {folder}: it is a folder")
    assert _state(isolated, world) == before and dump() == rows
    assert list(folder.iterdir()) == []
    _no_part_files(tmp_path)


@pytest.mark.usefixtures("world")
@pytest.mark.parametrize("key", sorted(OUTPUTS))
def test_a_missing_folder_is_one_clear_error(cli, dump, isolated, world, tmp_path, key):
    """P20: `rule export --out /nonexistent/r.toml` was "unexpected FileNotFoundError"."""
    target = tmp_path / "missing" / "x.md"
    rows = dump()
    run = cli(*_argv(key, target, world))
    assert_one_error(run, 1, error=f"folder {target.parent} does not exist")
    assert dump() == rows
    assert not target.parent.exists()


@pytest.mark.usefixtures("world")
@pytest.mark.parametrize("key", sorted(OUTPUTS))
def test_a_read_only_file_is_refused_even_for_root(cli, dump, isolated, world, tmp_path, key):
    """R10: `export csv --out readonly.csv` (0444) replaced the file through the rename."""
    target = tmp_path / "readonly.md"
    target.write_text("precious")
    target.chmod(0o444)
    before, rows = _state(isolated, world, target), dump()
    run = cli(*_argv(key, target, world))
    assert_one_error(run, 1)
    if key != ("db backup", "file"):
        assert "it is read-only" in run.stderr
    assert _state(isolated, world, target) == before and dump() == rows


needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="os.mknod of a device needs root")


def _device(tmp_path: Path, name: str, minor: int) -> Path:
    """A private character device (1,3 is null, 1,7 is full): never the system's own nodes."""
    node = tmp_path / name
    os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, minor))
    return node


@needs_root
@pytest.mark.usefixtures("world")
@pytest.mark.parametrize("key", sorted(set(OUTPUTS) - {("db backup", "file")}))
def test_a_full_device_says_no_space_and_stays_a_device(cli, dump, isolated, world, tmp_path, key):
    """P10, P12, P14, I15: a char device was replaced by a regular file (that is how /dev/full
    was lost), or `rule export` said "unexpected OSError"."""
    full = _device(tmp_path, "myfull.md", 7)
    before, rows = _state(isolated, world, full), dump()
    run = cli(*_argv(key, full, world))
    assert_one_error(run, 1, error=f"cannot write {full}: No space left on device")
    assert _state(isolated, world, full) == before and dump() == rows
    assert stat.S_ISCHR(os.lstat(full).st_mode)
    _no_part_files(tmp_path)


@needs_root
@pytest.mark.usefixtures("world")
@pytest.mark.parametrize("key", sorted(set(OUTPUTS) - {("db backup", "file")}))
def test_a_null_device_is_written_into_not_replaced(cli, isolated, world, tmp_path, key):
    """R12, R14: `--out /dev/null` must work for everyone: written into, no temp file in /dev."""
    null = _device(tmp_path, "mynull.md", 3)
    run = cli(*_argv(key, null, world))
    assert run.exit_code in (0, 3), run.stderr  # 3: the import's rejected row
    assert "Error" not in run.stderr
    assert stat.S_ISCHR(os.lstat(null).st_mode)
    _no_part_files(tmp_path)


@pytest.mark.usefixtures("world")
def test_db_backup_refuses_a_device(cli, tmp_path):
    if os.geteuid() != 0:
        pytest.skip("os.mknod of a device needs root")
    null = _device(tmp_path, "mynull.md", 3)
    assert_one_error(cli("db", "backup", str(null)), 1, error="already exists")
    assert stat.S_ISCHR(os.lstat(null).st_mode)


@pytest.mark.usefixtures("world")
@pytest.mark.parametrize("key", sorted(OUTPUTS))
def test_a_failed_write_keeps_the_old_file(cli, dump, isolated, world, tmp_path, monkeypatch, key):
    """X05: `report html --out` on a full disk left the old file truncated. A write that fails
    at the end (here fsync says ENOSPC) leaves the old file as it was and no .part file."""
    import salesflow.outfiles

    target = tmp_path / "old.md"
    if key == ("db backup", "file"):
        pytest.skip("db backup only writes new files (the SQLite backup API)")
    target.write_text("OLD")
    target.chmod(0o600)

    def no_space(_fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(salesflow.outfiles.os, "fsync", no_space)
    before, rows = _state(isolated, world, target), dump()
    run = cli(*_argv(key, target, world))
    assert_one_error(run, 1, error=f"cannot write {target}: No space left on device")
    assert _state(isolated, world, target) == before and dump() == rows
    _no_part_files(tmp_path)


def _written_files(isolated: Path) -> list[tuple[str, str, str]]:
    conn = sqlite3.connect(isolated)
    try:
        return conn.execute("SELECT path, what, by FROM written_files ORDER BY id").fetchall()
    finally:
        conn.close()


@pytest.mark.usefixtures("world")
@pytest.mark.parametrize("key", sorted(OUTPUTS))
def test_every_file_written_is_0600_and_customer_data_is_recorded(
    cli, isolated, world, tmp_path, key
):
    """ics, report html, quote export and rule export were 0644."""
    target = tmp_path / ("out.md" if key[0] == "quote export" else "out.file")
    run = cli(*_argv(key, target, world))
    assert run.exit_code in (0, 3), run.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    recorded = _written_files(isolated)
    if key[0] in CUSTOMER_DATA:
        assert recorded == [(str(target), CUSTOMER_DATA[key[0]], "ana")]
    else:
        assert recorded == []


@pytest.mark.usefixtures("world")
def test_every_file_of_export_csv_all_goes_through_the_same_checks(cli, isolated, tmp_path):
    folder = tmp_path / "backup"
    assert cli("export", "csv", "--what", "all", "--out", str(folder)).exit_code == 0
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()}
    assert modes and set(modes.values()) == {0o600}
    assert sorted(p for p, _w, _b in _written_files(isolated)) == sorted(
        str(folder / n) for n in modes
    )
    # the database lying in that folder under a table's file name is refused, nothing written
    db = folder / "deals.csv"
    db.write_bytes(isolated.read_bytes())
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    run = cli("--db", str(db), "export", "csv", "--what", "all", "--out", str(folder))
    assert_one_error(run, 1, error="it is the database in use")
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    # a file is not a folder
    assert_one_error(cli("export", "csv", "--what", "all", "--out", str(db)), 1,
                     error="it is not a folder")  # fmt: skip


@pytest.mark.usefixtures("world")
def test_a_symlink_to_an_ordinary_file_is_written_through(cli, tmp_path):
    """The link stays a link; the file it points at gets the export (and the checks looked at
    that file, so a read-only or device target behind a link is refused the same way)."""
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    assert cli("export", "json", "--out", str(link)).exit_code == 0
    assert link.is_symlink()
    assert json.loads(real.read_text())["salesflow_export"] == 1
    real.chmod(0o444)
    assert_one_error(cli("export", "json", "--out", str(link)), 1, error="it is read-only")


@pytest.mark.usefixtures("world")
def test_a_read_only_database_still_exports_without_recording(cli, isolated, tmp_path, monkeypatch):
    """The database cannot be written (read-only file or role): the export works, the row in
    written_files is skipped quietly."""
    import salesflow.db.written

    real_connect = sqlite3.connect

    def read_only(file, **kwargs):
        return real_connect(f"file:{file}?mode=ro", uri=True, **kwargs)

    monkeypatch.setattr(salesflow.db.written.sqlite3, "connect", read_only)
    target = tmp_path / "e.json"
    run = cli("export", "json", "--out", str(target))
    assert run.exit_code == 0 and run.stderr == ""
    assert target.exists()
    assert _written_files(isolated) == []


@pytest.mark.usefixtures("world")
def test_contact_forget_names_the_files_written_before(cli, tmp_path):
    kept, gone = tmp_path / "all.json", tmp_path / "gone.json"
    assert cli("export", "json", "--out", str(kept)).exit_code == 0
    assert cli("contact", "export", "jo", "--out", str(gone)).exit_code == 0
    gone.unlink()  # a file the user deleted holds nothing any more
    run = cli("contact", "forget", "jo", "--yes")
    assert run.exit_code == 0
    assert f"Note: these files written earlier may still hold their data: {kept}" in run.stdout
    assert str(gone) not in run.stdout


@pytest.mark.usefixtures("world")
def test_contact_forget_json_lists_the_files_written_before(cli, tmp_path):
    kept = tmp_path / "cal.ics"
    assert cli("export", "ics", str(kept)).exit_code == 0
    run = cli("contact", "forget", "jo", "--yes", "--json")
    assert run.exit_code == 0
    assert run.json()["written_files"] == [str(kept)]


@pytest.mark.usefixtures("world")
def test_the_errors_file_neutralises_formulas_and_reimports_to_the_original_text(cli, tmp_path):
    """F02: the rejected-rows file held `=HYPERLINK(…)` and `@Co` as they came. Now they are
    neutralised like every CSV we write, and the import takes the apostrophe away again: the
    fixed file imports to the original text."""
    evil = tmp_path / "evil.csv"
    evil.write_text(
        'title,company,value\n"=HYPERLINK(""http://x.example"",""x"")",@Co,abc\n'
        "'=quoted,'''-three,7\n+ok,-co,5\n"
    )
    errs = tmp_path / "errs.csv"
    run = cli("import", str(evil), "--skip-invalid", "--errors", str(errs))
    assert run.exit_code == 3, run.stderr
    text = errs.read_text()
    assert "'=HYPERLINK" in text and ",'@Co," in text
    assert "\n=" not in text and ",=" not in text and ",@" not in text
    fixed = tmp_path / "fixed.csv"
    fixed.write_text(text.replace(",abc\n", ",9\n"))
    run = cli("import", str(fixed), "--json")
    assert run.exit_code == 0, run.stderr
    deals = cli("lead", "list", "--json").json()
    titles = {d["title"]: d for d in (deals if isinstance(deals, list) else deals["deals"])}
    assert '=HYPERLINK("http://x.example","x")' in titles
    # good rows the first time: a source cell "'=quoted" is read as a spreadsheet would show it
    assert "=quoted" in titles
    assert "+ok" in titles


def test_an_export_csv_round_trips_apostrophes_before_formulas():
    from salesflow.formulas import neutralised, restored

    for text in ["=1+1", "'=1", "''@x", "'plain", "plain", "-5", "", "'", "\tx", "=", "'\r"]:
        assert restored(neutralised(text)) == text
        assert not neutralised(text).startswith(("=", "+", "-", "@", "\t", "\r"))


@pytest.mark.skipif(not can_run_as_nobody(), reason="needs root and setpriv to run as nobody")
@pytest.mark.usefixtures("world")
def test_as_a_normal_user_dev_null_works_and_a_read_only_database_still_exports(isolated):
    """R12, R14: as nobody, `export csv --out /dev/null` said "Permission denied" (the temporary
    file was made in /dev). And a database the user may only read still exports; the row in
    written_files is skipped quietly. (/dev/null is only written into here, by a user who could
    never replace it.)"""
    import shutil
    import subprocess
    import sys
    import tempfile

    base = Path(tempfile.mkdtemp(prefix="salesflow-nobody-"))  # pytest's tmp is root's alone
    try:
        base.chmod(0o777)
        db = base / "ro.db"
        shutil.copy(isolated, db)
        db.chmod(0o444)
        config = base / "config.toml"
        config.write_text('timezone = "UTC"\ncurrency = "USD"\n')
        env = {**os.environ, "SALESFLOW_CONFIG": str(config), "HOME": str(base),
               "XDG_DATA_HOME": str(base), "XDG_CACHE_HOME": str(base), "SALESFLOW_DB": str(db)}  # fmt: skip

        def as_nobody(*args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable,
                 "-m", "salesflow", *args],
                capture_output=True, text=True, check=False, env=env, cwd=base,
            )  # fmt: skip

        for args in (("export", "csv", "--out", "/dev/null"), ("export", "ics", "/dev/null"),
                     ("report", "html", "--out", "/dev/null")):  # fmt: skip
            run = as_nobody(*args)
            assert run.returncode == 0 and run.stderr == "", (args, run.stderr)
            assert stat.S_ISCHR(os.lstat("/dev/null").st_mode)
        before = db.read_bytes()
        run = as_nobody("export", "json", "--out", str(base / "e.json"))
        assert run.returncode == 0 and run.stderr == "", run.stderr
        assert json.loads((base / "e.json").read_text())["salesflow_export"] == 1
        assert db.read_bytes() == before
        readonly = base / "readonly.csv"
        readonly.write_text("precious")
        readonly.chmod(0o444)
        os.chown(readonly, 65534, 65534)
        run = as_nobody("export", "csv", "--out", str(readonly))  # R10
        assert run.returncode == 1 and "it is read-only" in run.stderr, run.stderr
        assert readonly.read_text() == "precious"
    finally:
        shutil.rmtree(base)


def test_the_config_file_is_never_an_output(cli, tmp_path):
    import os
    from pathlib import Path

    config = Path(os.environ["SALESFLOW_CONFIG"])
    before = config.read_bytes()
    run = cli("rule", "export", "--out", str(config))
    assert run.exit_code == 1
    assert run.stderr.startswith("Error: cannot write")
    assert config.read_bytes() == before


# --- `-` is standard output; a trailing slash is a folder ------------------------------------

# every `--out`, and `export ics FILE`: `-` writes the data to stdout, and stdout holds nothing else
STDOUT_OUTPUTS = [*sorted(key for key, argv in OUTPUTS.items() if "--out" in argv),
                  ("export ics", "file")]  # fmt: skip


@pytest.mark.usefixtures("world")
@pytest.mark.parametrize("key", STDOUT_OUTPUTS)
def test_out_dash_writes_the_data_to_stdout_and_nothing_else(cli, isolated, world, tmp_path,
                                                             monkeypatch, key):  # fmt: skip
    """`export json --out -` wrote a file named `-` and said so on stdout."""
    monkeypatch.chdir(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    run = cli(*_argv(key, "-", world))
    assert run.exit_code == 0, run.stderr
    assert not (tmp_path / "-").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert "Wrote" not in run.stdout and "Error" not in run.stderr
    if key[0] in ("export json", "contact export"):
        assert json.loads(run.stdout)  # parses: the data alone
    expected_start = {"export csv": "id,", "export ics": "BEGIN:VCALENDAR", "rule export": "[[rules]]",
                      "report html": "<!DOCTYPE html>", "quote export": "# "}  # fmt: skip
    assert run.stdout.startswith(expected_start.get(key[0], "{"))
    assert run.stdout.strip()
    assert _written_files(isolated) == []  # nothing was written to a file


@pytest.mark.usefixtures("world")
def test_out_dash_with_json_reports_on_stderr(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run = cli("report", "html", "--out", "-", "--json")
    assert run.exit_code == 0
    assert run.stdout.startswith("<!DOCTYPE html>") and '"bytes"' not in run.stdout
    assert json.loads(run.stderr)["path"] == "-"


@pytest.mark.usefixtures("world")
def test_dot_slash_dash_is_a_file_named_dash(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run = cli("export", "json", "--out", "./-")
    assert run.exit_code == 0, run.stderr
    assert json.loads((tmp_path / "-").read_text())["salesflow_export"] == 1
    assert "{" not in run.stdout
    assert "to ./-." in run.stdout  # the name as typed: `-` alone would mean stdout
    (tmp_path / "-").unlink()
    run = cli("export", "ics", "./-", "--all")
    assert run.exit_code == 0, run.stderr
    assert (tmp_path / "-").read_text().startswith("BEGIN:VCALENDAR")
    assert "BEGIN:VCALENDAR" not in run.stdout


def test_a_backup_to_a_long_name_fits_its_temporary_file(cli, tmp_path):
    """The temporary copy's name must not grow with the target's (SQLite adds `-journal`)."""
    target = tmp_path / ("b" * 235 + ".db")
    run = cli("db", "backup", str(target))
    assert run.exit_code == 0, run.stderr
    assert target.is_file()
    _no_part_files(tmp_path)


@pytest.mark.usefixtures("world")
def test_a_home_folder_name_ending_in_a_slash_is_a_folder_for_backup_too(cli, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    run = cli("db", "backup", "~/bk/", env={"HOME": str(home)})
    assert_one_error(run, 1, error="cannot write ~/bk/: a name ending in / is a folder")
    assert list(home.iterdir()) == []


@pytest.mark.usefixtures("world")
@pytest.mark.parametrize("argv", [
    ("db", "backup", "-"),
    ("import", "@IN", "--skip-invalid", "--errors", "-"),
    ("export", "csv", "--what", "all", "--out", "-"),
])  # fmt: skip
def test_dash_where_stdout_cannot_hold_the_output_is_one_error(cli, dump, world, tmp_path,
                                                               monkeypatch, argv):  # fmt: skip
    """A SQLite backup, an errors file beside the import's report, a folder of CSVs: refused,
    nothing written, nothing imported (these used to write a file named `-`)."""
    monkeypatch.chdir(tmp_path)
    rows = dump()
    run = cli(*[str(world) if w == IN else w for w in argv])
    assert_one_error(run, 1, error="cannot write -: ", hint="./-")
    assert dump() == rows
    assert not (tmp_path / "-").exists()


@pytest.mark.usefixtures("world")
@pytest.mark.parametrize("key", sorted(OUTPUTS))
def test_a_trailing_slash_means_a_folder_and_is_refused(cli, dump, isolated, world, tmp_path, key):
    """`--out nodir/` wrote a file named `nodir` (pathlib drops the slash)."""
    rows = dump()
    for target in (f"{tmp_path}/nodir/", f"{tmp_path}/file.txt/"):
        run = cli(*_argv(key, target, world))
        assert_one_error(run, 1, error=f"cannot write {target}: a name ending in / is a folder")
        assert dump() == rows
        assert not (tmp_path / "nodir").exists() and not (tmp_path / "file.txt").exists()
        _no_part_files(tmp_path)


@pytest.mark.usefixtures("world")
def test_export_csv_all_still_takes_a_folder_with_a_trailing_slash(cli, tmp_path):
    run = cli("export", "csv", "--what", "all", "--out", f"{tmp_path}/backup/")
    assert run.exit_code == 0, run.stderr
    assert (tmp_path / "backup" / "deals.csv").is_file()


# --- odd names: quoted in the error line, never a traceback --------------------------------------


@pytest.mark.usefixtures("world")
@pytest.mark.parametrize("key", sorted(OUTPUTS))
def test_a_name_with_a_line_break_is_quoted_in_the_error(cli, dump, world, tmp_path, key):
    """The line break showed as a space: the error named `a b/x.json`, a file not there."""
    target = f"{tmp_path}/a\nb/x.json"
    rows = dump()
    run = cli(*_argv(key, target, world))
    lines = assert_one_error(run, 1)
    assert repr(target) in lines[0] and f"folder {target.rsplit('/', 1)[0]!r}" in lines[0]
    assert dump() == rows


@pytest.mark.usefixtures("world")
@pytest.mark.parametrize("key", sorted(OUTPUTS))
def test_a_name_too_long_is_one_error(cli, dump, world, tmp_path, key):
    rows = dump()
    run = cli(*_argv(key, tmp_path / ("x" * 300 + ".md"), world))
    assert_one_error(run, 1, error="File name too long")
    assert dump() == rows


@pytest.mark.parametrize("argv", [
    ("import", "@LONG"),
    ("import", "@NL"),
    ("rule", "load", "@LONG"),
    ("rule", "load", "@DIR"),
    ("pipeline", "add", "@DIR"),
    ("cadence", "add", "@NL"),
])  # fmt: skip
def test_an_input_file_that_cannot_be_read_is_one_error(cli, dump, tmp_path, argv):
    """`import NAME_TOO_LONG.csv` was "unexpected OSError"; `rule load DIR` said
    "[Errno 21] Is a directory: 'DIR'" after the name; a line break showed as a space."""
    assert cli("init").exit_code == 0
    folder = tmp_path / "adir"
    folder.mkdir()
    words = {"@LONG": str(tmp_path / ("x" * 300 + ".csv")), "@NL": f"{tmp_path}/in\n.csv",
             "@DIR": str(folder)}  # fmt: skip
    rows = dump()
    run = cli(*[words.get(w, w) for w in argv])
    lines = assert_one_error(run, 1)
    assert "Errno" not in lines[0]
    if "@LONG" in argv:
        assert lines[0].endswith(": File name too long")
    if "@DIR" in argv:
        assert lines[0] == f"Error: cannot read {folder}: Is a directory"
    if "@NL" in argv:
        assert repr(words["@NL"]) in lines[0]
    assert dump() == rows


@pytest.mark.usefixtures("world")
@pytest.mark.parametrize("failure", [KeyboardInterrupt, sqlite3.OperationalError])
def test_an_interrupted_backup_leaves_nothing_under_the_name(cli, isolated, tmp_path,
                                                             monkeypatch, failure):  # fmt: skip
    """The backup was written straight into FILE: Ctrl-C (or a failing disk) half-way left a
    partial database there. Now it is made beside it and linked into place when complete."""
    real_connect = sqlite3.connect

    class Source:
        def __init__(self, conn):
            self.conn = conn

        def backup(self, dest):
            real_connect(str(isolated)).backup(dest, pages=1)  # some of it is written
            raise failure("disk I/O error")

        def close(self):
            self.conn.close()

    def connect(path, *args, **kwargs):
        conn = real_connect(path, *args, **kwargs)
        return Source(conn) if str(path) == str(isolated) else conn

    monkeypatch.setattr(sqlite3, "connect", connect)
    target = tmp_path / "copy.db"
    run = cli("db", "backup", str(target))
    assert run.exit_code == (130 if failure is KeyboardInterrupt else 1), run.stderr
    assert not target.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".copy.db")] == []
    monkeypatch.setattr(sqlite3, "connect", real_connect)
    assert cli("db", "backup", str(target)).exit_code == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".copy.db")] == []


@pytest.mark.usefixtures("world")
@pytest.mark.parametrize("key", sorted(OUTPUTS))
def test_an_empty_output_name_is_one_error(cli, dump, isolated, world, tmp_path, monkeypatch, key):
    """`--out ''` was taken as `.` (pathlib), the current folder: "cannot write .: it is a folder"
    named a file the user never gave."""
    monkeypatch.chdir(tmp_path)
    before, rows = sorted(p.name for p in tmp_path.iterdir()), dump()
    run = cli(*_argv(key, "", world))
    assert_one_error(run, 1, error="cannot write '': the name is empty")
    assert dump() == rows and sorted(p.name for p in tmp_path.iterdir()) == before
