"""Hypothesis throws random text at the arguments of many commands.

Whatever the text (control characters, NULs, emoji, right-to-left marks, digits in other
scripts, things that look almost like dates and amounts; not lone surrogates, which argv cannot
carry as text), salesflow answers with an exit code the contract allows (0, 1 or 2 here: no
import, no lock, no Ctrl-C), never a traceback or an "unexpected" error, and a command that
fails leaves the database exactly as it was. In-process through CliRunner, so a few hundred
examples run in well under a minute.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

EXAMPLES = 1000  # the README quotes these figures
WHOLE_LINES = 300

# Slot X takes the random text.
X = object()
TEMPLATES = [
    ("show", X),
    ("history", X),
    ("advance", X),
    ("advance", "1", "--to", X),
    ("advance", "1", "--note", X, "--to", "contacted"),
    ("edit", "1", "--value", X),
    ("edit", "1", "--close-by", X),
    ("edit", "1", "--title", X),
    ("edit", "1", "--currency", X),
    ("edit", "1", "--owner", X),
    ("edit", "1", "--value", "1", "--if-version", X),
    ("lead", "add", X),
    ("lead", "add", "Fuzz", "--value", X),
    ("lead", "add", "Fuzz", "--currency", X),
    ("lead", "add", "Fuzz", "--close-by", X),
    ("lead", "add", "Fuzz", "--email", X),
    ("lead", "add", "Fuzz", "--company", "C", "--employees", X),
    ("lead", "add", "Fuzz", "--pipeline", X),
    ("lead", "add", "Fuzz", "--upsell-of", X),
    ("lead", "list", "--sort", X),
    ("lead", "list", "--stage", X),
    ("lead", "list", "--limit", X),
    ("log", "1", X, "summary"),
    ("log", "1", "call", X),
    ("log", "1", "call", "summary", "--at", X),
    ("task", "add", "1", X, "--due", "today"),
    ("task", "add", "1", "text", "--due", X),
    ("task", "add", "1", "text", "--due", "today", "--repeat", X),
    ("task", "done", X),
    ("task", "edit", "1", "--due", X),
    ("task", "list", "--deal", X),
    ("won", "1", "--amount", X),
    ("won", "1", "--on", X),
    ("lost", "1", "--reason", X),
    ("reopen", "1", "--to", X),
    ("quote", "new", "1", "--line", X),
    ("quote", "new", "1", "--line", "SEAT:1", "--discount", X),
    ("quote", "new", "1", "--line", "SEAT:1", "--tax", X),
    ("quote", "new", "1", "--line", "SEAT:1", "--valid-days", X),
    ("quote", "show", X),
    ("product", "add", X, "Name", "--price", "1"),
    ("product", "add", "FZ", "Name", "--price", X),
    ("product", "add", "FZ", "Name", "--price", "1", "--recurring", X),
    ("product", "add", "FZ", "Name", "--price", "1", "--bundle", X),
    ("rule", "add", X, "--event", "call", "--points", "5"),
    ("rule", "add", "r", "--fit", X, "eq", "v", "--points", "5"),
    ("rule", "add", "r", "--fit", "employees", "gte", X, "--points", "5"),
    ("rule", "add", "r", "--event", X, "--points", "5"),
    ("rule", "add", "r", "--event", "call", "--points", X),
    ("score", X),
    ("funnel", "--since", X),
    ("funnel", "--pipeline", X),
    ("report", "kpis", "--until", X),
    ("report", "kpis", "--period", X),
    ("report", "kpis", "--currency", X),
    ("due-today", "--owner", X),
    ("due-today", "--limit", X),
    ("agenda", "--days", X),
    ("stale", "--pipeline", X),
    ("renewals", "--within", X),
    ("feedback", "add", "1", "--score", X),
    ("contact", "export", X),
    ("pipeline", "show", X),
    ("cadence", "start", "1", X),
    ("customer", "list", "--at-risk", X),
    ("export", "csv", "--what", X),
    ("--as", X, "log", "1", "call", "fuzzed rep"),
    ("--color", X, "show", "1"),
]

# any text argv can carry: every category but lone surrogates, control characters included
ANY_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=24)
# text that looks nearly right, to get past the first check into the parsers
NEAR_MISS = st.one_of(
    st.from_regex(r"[#+-]?[0-9０-９٠-٩²]{0,8}([.,][0-9]{0,4})?[kKmMdwy%]?", fullmatch=True),
    st.from_regex(r"[0-9]{1,5}-[0-9]{1,3}-[0-9]{1,3}(T[0-9]{1,2}:[0-9]{1,2})?", fullmatch=True),
    st.from_regex(r"[A-Za-z]{1,8}(:[0-9-]{0,6}(:[0-9.%-]{0,5})?)?", fullmatch=True),
    st.sampled_from(["today", "eow", "next monday", "fri", "-0d", "+1m", "usd", "won", "qualified",
                     "SEAT:1:100%", "1e9", "NaN", "9" * 30, "", " ", "%", "_", "\\", "'", '"']),
)  # fmt: skip
FUZZ = st.one_of(ANY_TEXT, NEAR_MISS)

ALLOWED = {0, 1, 2}

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def built_command():
    """The click command, built from the Typer app once rather than on every invocation (that
    build is three quarters of an in-process run); the same command the `cli` fixture runs."""
    import typer

    from salesflow.cli.main import full_app

    return typer.main.get_command(full_app())


@pytest.fixture(autouse=True)
def build_once(monkeypatch, built_command):
    import typer.testing

    monkeypatch.setattr(typer.testing, "_get_command", lambda _app: built_command)


@pytest.fixture
def world(cli):
    for args in (
        ("lead", "add", "Acme rollout", "--company", "Acme", "--contact", "Jo Smith",
         "--email", "jo@acme.com", "--value", "12k"),
        ("lead", "add", "Globex pilot", "--company", "Globex"),
        ("product", "add", "SEAT", "Seat", "--price", "100"),
        ("task", "add", "1", "Call Jo", "--due", "today"),
    ):  # fmt: skip
        assert cli(*args).exit_code == 0


def check(cli, dump, args):
    before = dump()
    run = cli(*args)
    where = f"salesflow {args!r} → {run.exit_code}\n{run.stderr}"
    assert run.exit_code in ALLOWED, where
    assert "Traceback" not in run.stderr, where
    assert not run.stderr.startswith("Error: unexpected "), where  # the boundary's "a bug" line
    if run.exit_code != 0:
        lines = run.stderr.splitlines()
        assert lines and lines[0].startswith(("Error: ", "Usage: ")), where
        if lines[0].startswith("Error: "):
            assert len(lines) <= 2, where
        assert dump() == before, f"a failed command changed the database: {where}"


fuzz_settings = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.usefixtures("world")
@fuzz_settings
@given(template=st.sampled_from(TEMPLATES), text=FUZZ)
def test_random_text_in_any_argument_never_escapes(cli, dump, template, text):
    check(cli, dump, [text if part is X else part for part in template])


@pytest.mark.usefixtures("world")
@settings(fuzz_settings, max_examples=WHOLE_LINES)
@given(
    command=st.sampled_from(sorted({t[0] for t in TEMPLATES if t[0] != "--as"})),
    rest=st.lists(FUZZ, max_size=4),
)
def test_random_words_after_a_command_never_escape(cli, dump, command, rest):
    check(cli, dump, [command, *rest])


@pytest.mark.usefixtures("world")
def test_the_fast_runner_really_runs_commands(cli, dump):
    assert cli("show", "acme", "--json").json()["title"] == "Acme rollout"
    before = dump()
    assert cli("log", "1", "call", "a real write").exit_code == 0
    assert dump() != before


# --- hostile paths in every output and database slot -----------------------------------------

HOSTILE_EXAMPLES = 150
P = object()  # the slot that takes a hostile path
HOSTILE = ["db", "db-link", "db-wal", "folder", "device", "read-only", "db-relative"]


def _hostile_templates() -> list[tuple[object, ...]]:
    """Every output parameter of the CLI (the list tests/test_output_files.py checks against
    the command tree), plus `--db` in front of a reading and a writing command."""
    from test_output_files import IN, OUT, OUTPUTS

    templates: list[tuple[object, ...]] = [
        tuple(P if w == OUT else IN if w == IN else w for w in argv) for argv in OUTPUTS.values()
    ]
    templates.append(("export", "csv", "--what", "all", "--out", P))
    templates += [("--db", P, "show", "1"), ("--db", P, "lead", "add", "Fuzz"),
                  ("--db", P, "export", "json")]  # fmt: skip
    return templates


@pytest.fixture
def hostile(isolated, tmp_path, monkeypatch):
    """The paths: the database itself, a symlink to it, its -wal, a folder, a private char
    device (1,7: full; root only, else a FIFO-free stand-in: the read-only file), a read-only
    file, and a differently spelled relative path to the database."""
    import os
    import stat

    monkeypatch.chdir(tmp_path)
    link = tmp_path / "link.db"
    if not link.is_symlink():
        link.symlink_to(isolated)
    folder = tmp_path / "a-folder"
    folder.mkdir(exist_ok=True)
    read_only = tmp_path / "read-only.csv"
    if not read_only.exists():
        read_only.write_text("precious")
        read_only.chmod(0o444)
    device = tmp_path / "private-full"
    if os.geteuid() == 0 and not device.exists():
        os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 7))
    source = tmp_path / "in.csv"
    source.write_text("title,value\nGood,5\nBad,abc\n")
    paths = {
        "db": str(isolated),
        "db-link": str(link),
        "db-wal": f"{isolated}-wal",
        "folder": str(folder),
        "device": str(device if device.exists() else read_only),
        "read-only": str(read_only),
        "db-relative": "data/../data/salesflow.db",
    }
    return paths, source, link, device, read_only


@pytest.mark.usefixtures("world")
@settings(fuzz_settings, max_examples=HOSTILE_EXAMPLES)
@given(template=st.sampled_from(_hostile_templates()), which=st.sampled_from(HOSTILE))
def test_hostile_paths_in_every_output_and_database_slot(cli, dump, isolated, hostile, template,
                                                         which):  # fmt: skip
    import os
    import stat

    from test_output_files import IN

    paths, source, link, device, read_only = hostile
    args = [paths[which] if w is P else str(source) if w == IN else w for w in template]
    database = isolated.read_bytes()
    check(cli, dump, args)
    writes_output = template[0] != "--db"
    if writes_output and which.startswith("db"):
        assert isolated.read_bytes() == database, f"{args} wrote onto the database"
    assert link.is_symlink()
    assert read_only.read_text() == "precious"
    if device.exists():
        assert stat.S_ISCHR(os.lstat(device).st_mode), f"{args} replaced the device node"
