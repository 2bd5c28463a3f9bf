"""Security, one claim per test: private files from their first byte, no SQL built from user
text, LIKE wildcards taken literally, a sandbox for templates, secrets kept off the command line,
out of the database and out of --debug output, and spreadsheet formulas neutralised on export.

(Already proven elsewhere and not repeated: `contact forget` leaves none of the person's bytes in
the database file or its WAL, tests/services/test_contacts.py; `export csv` neutralises formula cells,
tests/services/test_export.py; a template reaching `__class__` or `__mro__` fails with one error line,
tests/services/test_email.py.)
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import typer
from conftest import run_salesflow
from pg import pg_database, pg_server  # noqa: F401  (fixtures, requested by name below)

SRC = Path(__file__).parent.parent / "src"
EXAMPLES = Path(__file__).parent.parent / "examples"

# Runs salesflow in this process after setting the umask to 0 (so nothing is private by
# accident) and watching, through an audit hook, the moments that matter: the folder's mkdir
# (with its mode), any chmod of the file or folder (what the mode was *before* it), and each
# sqlite3.connect (the file's mode when SQLite first opens it, before it writes a byte).
WATCHER = textwrap.dedent(
    """
    import json, os, stat, sys
    os.umask(0)
    record, db, *argv = sys.argv[1:]
    watched = {os.path.abspath(db), os.path.dirname(os.path.abspath(db))}
    seen = []

    def mode(path):
        return stat.S_IMODE(os.stat(path).st_mode) if os.path.exists(path) else None

    def hook(event, args):
        if event == "os.mkdir" and os.path.abspath(os.fspath(args[0])) in watched:
            seen.append(["mkdir", os.fspath(args[0]), args[1]])
        elif event == "os.chmod" and isinstance(args[0], (str, bytes, os.PathLike)):
            path = os.path.abspath(os.fspath(args[0]))
            if path in watched:
                seen.append(["chmod", path, mode(path)])
        elif event == "sqlite3.connect":
            path = os.path.abspath(os.fspath(args[0]))
            seen.append(["connect", path, mode(path), mode(os.path.dirname(path))])

    sys.addaudithook(hook)
    sys.argv = ["salesflow", "--db", db, *argv]
    from salesflow.cli.main import main
    try:
        main()
    finally:
        with open(record, "w") as out:
            json.dump(seen, out)
    """
)


def watched_run(tmp_path: Path, db: Path, *args: str) -> list[list]:
    record = tmp_path / f"record-{len(list(tmp_path.glob('record-*')))}.json"
    run = subprocess.run(
        [sys.executable, "-c", WATCHER, str(record), str(db), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "SALESFLOW_DB": str(db)},
    )
    assert run.returncode == 0, run.stderr
    return json.loads(record.read_text())


def test_database_file_0600_and_folder_0700_from_the_first_byte(tmp_path):
    db = tmp_path / "private" / "nested" / "sales.db"
    seen = watched_run(tmp_path, db, "lead", "add", "Private deal")
    folder = str(db.parent)
    assert ["mkdir", folder, 0o700] in seen  # the folder is made 0700, not made then tightened
    for kind, path, *modes in seen:
        if kind == "chmod":  # a chmod may only confirm the mode the file was created with
            assert modes[0] == (0o700 if path == folder else 0o600), (path, oct(modes[0]))
    connects = [s for s in seen if s[0] == "connect" and s[1] == str(db)]
    assert connects, seen
    for _, _, file_mode, folder_mode in connects:
        assert (file_mode, folder_mode) == (0o600, 0o700)
    for suffix in ("", "-wal", "-shm"):  # SQLite gives its side files the database's mode
        side = Path(f"{db}{suffix}")
        if side.exists():
            assert stat.S_IMODE(side.stat().st_mode) == 0o600, side
    assert stat.S_IMODE(db.parent.stat().st_mode) == 0o700


def test_a_backup_is_private_from_its_first_byte_too(tmp_path):
    db = tmp_path / "live.db"
    watched_run(tmp_path, db, "lead", "add", "Backed up")
    target = tmp_path / "copy.db"
    seen = watched_run(tmp_path, db, "db", "backup", str(target))
    # the copy is made in a temporary file beside it, then linked into place when complete
    made = (str(target), f"{tmp_path}/.salesflow-")
    opened = [s for s in seen if s[0] == "connect" and s[1].startswith(made)]
    assert opened and all(s[2] == 0o600 for s in opened), seen
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_the_code_creates_private_files_with_os_open_and_a_mode():
    # the tests above watch it happen; this pins the mechanism in the two places files are made
    location = (SRC / "salesflow/db/location.py").read_text()
    backup = (SRC / "salesflow/db/maintenance.py").read_text()
    for text in (location, backup):
        assert "os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600" in text
    assert "mkdir(mode=0o700" in location


def test_no_sql_is_assembled_from_strings_in_the_sources():
    """ruff's S608 finds SQL built with f-strings, % or + (the rule is in pyproject's selection)."""
    ruff = [sys.executable, "-m", "ruff"]
    if subprocess.run([*ruff, "--version"], capture_output=True, check=False).returncode != 0:
        found = shutil.which("ruff")
        assert found, "ruff is not installed: pip install -e '.[test]'"
        ruff = [found]
    run = subprocess.run(
        [*ruff, "check", "--select", "S608", "--no-cache", "--output-format", "concise",
         str(SRC)],
        capture_output=True, text=True, check=False, cwd=SRC.parent,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    # and the rule does catch it: the same check on a file that builds SQL from text fails
    probe = subprocess.run(
        [*ruff, "check", "--select", "S608", "--no-cache", "--isolated", "-"],
        input='def q(name):\n    return f"SELECT * FROM deals WHERE title = \'{name}\'"\n',
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert probe.returncode == 1 and "S608" in probe.stdout


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend(request, cli):
    env = None
    if request.param == "postgresql":
        env = {"SALESFLOW_DB": request.getfixturevalue("pg_database")}

    def run(*args):
        return cli(*args, env=env)

    return run


def test_like_searches_take_percent_and_underscore_literally(backend):
    for title, contact in [("Deal 500", "Jo Smith"), ("50% off renewal", "Jo_Smith"),
                           ("Plan 5x0", "JoXSmith")]:  # fmt: skip
        added = backend("lead", "add", title, "--contact", contact)
        assert added.exit_code == 0, added.stderr
    # deal references are a LIKE over titles and company names
    assert backend("show", "50%", "--json").json()["title"] == "50% off renewal"
    assert backend("history", "50%", "--json").json()["title"] == "50% off renewal"
    none = backend("show", "5_0")
    assert none.exit_code == 1 and "no deal matches '5_0'" in none.stderr
    assert backend("show", "0%", "--json").json()["title"] == "50% off renewal"
    assert backend("show", "% off", "--json").json()["title"] == "50% off renewal"
    assert backend("show", "l 5", "--json").json()["title"] == "Deal 500"  # a piece matches
    # contact references too: `_` is an underscore, not any character
    exported = backend("contact", "export", "o_S")  # prints JSON
    assert exported.exit_code == 0, exported.stderr
    assert exported.json()["contact"]["name"] == "Jo_Smith"
    missing = backend("contact", "export", "%Smith")
    assert missing.exit_code == 1 and "no contact matches" in missing.stderr


# -- templates ------------------------------------------------------------------------------------


@pytest.fixture
def templates(tmp_path):
    folder = tmp_path / "templates"
    shutil.copytree(EXAMPLES / "templates", folder)
    return folder


@pytest.mark.parametrize(
    "payload",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ cycler.__init__.__globals__.os.environ }}",
        "{{ self.__init__.__globals__ }}",
        "{{ deal.__dict__ }}",
        "{% for c in [].__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}",
        "{{ lipsum.__globals__['os'].popen('id').read() }}",
        "{{ config }}",
        "{% include '/etc/passwd' %}",
    ],
)
def test_templates_cannot_reach_python_or_files(cli, dump, templates, payload):
    assert (
        cli("lead", "add", "Acme", "--contact", "Jo", "--email", "jo@acme.example").exit_code == 0
    )
    (templates / "evil.eml.j2").write_text(f"Subject: Hi\n\n{payload}\n")
    before = dump()
    run = cli("email", "draft", "1", "--template", "evil")
    assert run.exit_code == 1, (run.stdout, run.stderr)
    lines = run.stderr.splitlines()
    assert 1 <= len(lines) <= 2 and lines[0].startswith("Error: template evil: line 3: ")
    assert "Traceback" not in run.stderr and run.stdout == ""
    assert dump() == before


# -- secrets --------------------------------------------------------------------------------------

PASSWORD = "pw-Zq81-only-in-the-password-file"


def test_no_command_takes_a_secret_on_the_command_line():
    from salesflow.cli.main import full_app

    def walk(group, path=()):
        from salesflow.cli.main import all_commands

        yield from all_commands()

    root = typer.main.get_command(full_app())
    secrets = ("password", "passwd", "secret", "token", "api-key", "apikey", "credential")
    options = [opt for param in root.params for opt in param.opts]
    for path, command in walk(root):
        options += [opt for param in command.params for opt in param.opts]
        for param in command.params:
            for opt in param.opts:
                assert not any(word in opt.lower() for word in secrets), (path, opt)
    assert "--template" in options and "--send" in options  # the walk really saw the options


class _Inbox:
    def __init__(self):
        self.messages = []
        self.logins = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.messages.append(envelope.content)
        return "250 OK"


@pytest.fixture
def smtp(tmp_path):
    """An SMTP server on 127.0.0.1 that takes AUTH LOGIN with PASSWORD only."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    inbox = _Inbox()

    def authenticator(server, session, envelope, mechanism, data):
        inbox.logins.append(data.password)
        # handled=False: the server itself answers a failure with 535
        return AuthResult(success=data.password == PASSWORD.encode(), handled=False)

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port, authenticator=authenticator,
                            auth_require_tls=False, auth_required=True)  # fmt: skip
    controller.start()
    yield inbox, port
    controller.stop()


def _smtp_config(tmp_path, port, password):
    (tmp_path / "smtp-password").write_text(password + "\n")
    os.chmod(tmp_path / "smtp-password", 0o600)
    config = tmp_path / "config.toml"
    config.write_text(config.read_text() + f'[smtp]\nhost = "127.0.0.1"\nport = {port}\n'
                      'starttls = false\nuser = "ana"\nfrom = "ana@seller.example"\n'
                      'password_file = "smtp-password"\n')  # fmt: skip


pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


def test_the_smtp_password_never_reaches_the_database(cli, isolated, smtp, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "keyring", None)  # the password file, not an OS keyring
    inbox, port = smtp
    _smtp_config(tmp_path, port, PASSWORD)
    assert (
        cli("lead", "add", "Acme", "--contact", "Jo", "--email", "jo@acme.example").exit_code == 0
    )
    shutil.copytree(EXAMPLES / "templates", tmp_path / "templates")
    run = cli("email", "draft", "1", "--template", "intro", "--send", "--json")
    assert run.exit_code == 0, run.stderr
    assert inbox.logins == [PASSWORD.encode()] and len(inbox.messages) == 1
    secret = PASSWORD.encode()
    stored = b"".join(Path(f"{isolated}{s}").read_bytes() for s in ("", "-wal", "-shm")
                      if Path(f"{isolated}{s}").exists())  # fmt: skip
    assert b"Acme" in stored and secret not in stored
    for sent in (tmp_path / "xdg-data").rglob("*"):
        if sent.is_file():
            assert secret not in sent.read_bytes(), sent
    assert secret not in (run.stdout + run.stderr).encode()


@pytest.mark.parametrize("debug", [["--debug"], []])
def test_a_failed_smtp_login_never_shows_the_password(cli, smtp, tmp_path, debug):
    inbox, port = smtp
    wrong = "pw-WRONG-7731-must-not-leak"
    _smtp_config(tmp_path, port, wrong)
    assert (
        cli("lead", "add", "Acme", "--contact", "Jo", "--email", "jo@acme.example").exit_code == 0
    )
    shutil.copytree(EXAMPLES / "templates", tmp_path / "templates")
    env = {**os.environ, "SALESFLOW_DEBUG": "1" if debug else "0"}
    run = subprocess.run(  # a real process: --debug output is what a user would really see
        [sys.executable, "-m", "salesflow", *debug, "email", "draft", "1", "--template", "intro",
         "--send"],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    # it really tried, with the wrong password (smtplib tries AUTH PLAIN, then LOGIN)
    assert inbox.logins and set(inbox.logins) == {wrong.encode()}
    assert run.returncode == 1
    assert run.stderr.startswith(
        f"Error: the SMTP server 127.0.0.1:{port} refused the message: 535"
    )
    assert wrong not in run.stdout + run.stderr
    assert "pw-" not in run.stdout + run.stderr


# -- spreadsheet formulas in every CSV a command prints --------------------------------------------


def test_every_csv_listing_neutralises_formulas(cli):
    evil = "=cmd|' /C calc'!A0"
    assert cli("lead", "add", evil, "--company", "@SUM(1+1)", "--owner", "+rep",
               "--value", "1k").exit_code == 0  # fmt: skip
    assert cli("task", "add", "1", "@team sync", "--due", "today", "--owner", "+rep").exit_code == 0
    for args in (("lead", "list", "--csv"), ("task", "list", "--all", "--csv"),
                 ("report", "reps", "--csv"), ("agenda", "--all", "--csv"),
                 ("export", "csv"), ("export", "csv", "--what", "tasks")):  # fmt: skip
        run = cli(*args)
        assert run.exit_code == 0, (args, run.stderr)
        cells = [c for row in csv.reader(io.StringIO(run.stdout)) for c in row]
        assert cells, args
        for cell in cells:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (args, cell)
        assert any(c.startswith("'") for c in cells), (args, "nothing was neutralised")


# -- terminal escapes -----------------------------------------------------------------------------

EVIL_TITLE = "Evil\x1b]0;PWNED\x07\x1b[2J\x1b[31mRED"
EVIL_COMPANY = "\x1b]8;;http://x.example/\x1b\\Click\x1b]8;;\x1b\\ \x9b31m Ltd\u2028Line\u202eRTL"
EVIL_OWNER = "bob\x1b[5mblink"


def poison(db: Path, *, company: str = EVIL_COMPANY, owner: str = EVIL_OWNER,
           contact: str | None = None) -> None:  # fmt: skip
    """Put escape sequences into names the way an old import or another tool could (the
    command line and imports refuse them)."""
    import sqlite3

    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE deals SET title = ?, owner = ? WHERE id = 1", (EVIL_TITLE, owner))
        conn.execute("UPDATE companies SET name = ? WHERE id = 1", (company,))
        if contact is not None:
            conn.execute("UPDATE contacts SET name = ? WHERE id = 1", (contact,))
    conn.close()


def on_a_terminal(args: list[str]) -> bytes:
    """What salesflow writes to a terminal (a pty) for `args`."""
    import pty

    main, secondary = pty.openpty()
    env = {**os.environ, "TERM": "xterm", "COLUMNS": "200", "SALESFLOW_PAGER": "0"}
    proc = subprocess.run([sys.executable, "-m", "salesflow", *args], stdin=secondary,
                          stdout=secondary, stderr=subprocess.PIPE, env=env, timeout=120)  # fmt: skip
    os.close(secondary)
    assert proc.returncode == 0, proc.stderr
    chunks = []
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # EIO: nothing more to read
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main)
    return b"".join(chunks)


def test_csv_on_a_terminal_shows_escape_codes_and_piped_csv_keeps_the_data(cli, isolated):
    """T08: `lead list --csv` on a terminal retitled it, cleared it and planted a live link."""
    assert cli("lead", "add", "Acme rollout", "--company", "Acme", "--value", "5k").exit_code == 0
    poison(isolated)
    shown = on_a_terminal(["lead", "list", "--csv"])
    for raw in (b"\x1b", b"\x07", "\x9b".encode(), "\u2028".encode()):
        assert raw not in shown
    text = shown.decode()
    assert "Evil␛]0;PWNED␇␛[2J␛[31mRED" in text and "bob␛[5mblink" in text
    assert "␛]8;;http://x.example/␛\\Click" in text and "�31m Ltd\r\nLine\u202eRTL" in text
    piped = cli("lead", "list", "--csv").stdout  # a program gets the data as stored
    [row] = list(csv.DictReader(io.StringIO(piped)))
    assert (row["title"], row["company"], row["owner"]) == (EVIL_TITLE, EVIL_COMPANY, EVIL_OWNER)


def test_an_email_draft_never_carries_escape_codes(cli, dump, isolated, templates):
    """E03: a company name holding `ESC ]0;pwn BEL` went raw into the Subject and the body."""
    import email
    import email.policy

    run = cli("lead", "add", "Acme rollout", "--company", "Acme", "--contact", "Jo Smith",
              "--email", "jo@acme.example")  # fmt: skip
    assert run.exit_code == 0
    company = EVIL_COMPANY.replace("\u2028", " ")  # a line separator in a header: see below
    poison(isolated, company=company, owner=EVIL_OWNER + "\u2028x", contact="Jo\x1b[8m Smith")
    run = cli("email", "draft", "1", "--template", "intro", "--json")
    assert run.exit_code == 0, run.stderr
    data = Path(run.json()["path"]).read_bytes()
    message = email.message_from_bytes(data, policy=email.policy.default)
    subject, body, to = message["Subject"], message.get_content(), message["To"]
    for text in (subject, body, to, data.decode("utf-8", "replace")):
        for raw in ("\x1b", "\x07", "\x9b", "\u2028", "\u2029"):
            assert raw not in text
    assert subject == "␛]8;;http://x.example/␛\\Click␛]8;;␛\\ �31m Ltd Line\u202eRTL and " + (
        "Evil␛]0;PWNED␇␛[2J␛[31mRED"
    )
    assert "Hi Jo␛[8m," in body and "\nbob␛[5mblink\nx\n" in body  # U+2028: a line break
    assert to == '"Jo␛[8m Smith" <jo@acme.example>'
    assert run.json()["subject"] == subject
    # a line separator in a header is a line break there, refused like CR LF (header injection)
    poison(isolated, company=EVIL_COMPANY)
    before = dump()
    run = cli("email", "draft", "1", "--template", "intro")
    assert run.exit_code == 1 and run.stderr.startswith(
        "Error: template intro: line 1: the Subject header would contain a line break"
    )
    assert dump() == before
    poison(isolated, company="Acme", contact="Jo\u2029Smith")
    run = cli("email", "draft", "1", "--template", "intro")
    assert run.exit_code == 1
    assert run.stderr.startswith("Error: the contact's name contains a line break")


# -- template limits ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "error"),
    [
        pytest.param("{% macro r(n) %}{{ r(n+1) }}{% endmacro %}{{ r(0) }}",
                     "line 3: recursion too deep", id="G05-recursive-macro"),
        pytest.param("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}"
                     "{% endfor %}", "line 3: rendering took longer than 2 s", id="G07-loops"),
        pytest.param("{% for a in 'x' * 99999 %}{% for b in 'y' * 99999 %}{% endfor %}"
                     "{% endfor %}", "line 3: rendering took longer than 2 s", id="string-loops"),
        pytest.param("{% for i in range(100000) %}{{ deal.title * 99999 }}{% endfor %}",
                     "line 3: the email is longer than 1,000,000", id="output"),
        pytest.param("{{ 'x' * 10**9 }}", "line 3: the text or list would be 1,000,000,000",
                     id="G08-repeat"),
        pytest.param("{{ 7 ** 100000 }}", "line 3: the number 7 ** 100000 is too large",
                     id="power"),
        pytest.param("{{ 'x'.center(10**9) }}", "line 3: the text would be", id="pad"),
        pytest.param("{{ '%0999999999d' % 1 }}", "line 3: a formatted field would be",
                     id="percent"),
    ],
)  # fmt: skip
def test_a_template_that_runs_away_is_stopped_with_one_error(
    cli, dump, templates, isolated, body, error
):
    import time

    run = cli("lead", "add", "Acme", "--contact", "Jo", "--email", "jo@acme.example")
    assert run.exit_code == 0
    (templates / "evil.eml.j2").write_text(f"Subject: Hi\n\n{body}\n")
    before = dump()
    started = time.monotonic()
    run = run_salesflow("email", "draft", "1", "--template", "evil", timeout=30)  # a process:
    assert time.monotonic() - started < 15  # what ran for ever is stopped by the timeout here
    assert run.returncode == 1, (run.stdout, run.stderr)
    lines = run.stderr.splitlines()
    assert lines[0].startswith(f"Error: template evil: {error}"), run.stderr
    assert len(lines) <= 2 and "unexpected" not in run.stderr and run.stdout == ""
    assert dump() == before  # no email activity logged
    from salesflow.config import outbox_dir

    outbox = outbox_dir(str(isolated))
    assert not outbox.exists() or list(outbox.iterdir()) == []


def test_limits_leave_ordinary_templates_alone(cli, templates):
    run = cli("lead", "add", "Acme", "--contact", "Jo", "--email", "jo@acme.example")
    assert run.exit_code == 0
    body = ("{% macro li(n) %}{% if n %}{{ n }} {{ li(n - 1) }}{% endif %}{% endmacro %}{{ li(10) }}"
            "|{% for i in range(3) %}{{ loop.index }}/{{ loop.length }}{% endfor %}"
            "|{{ '-' * 5 }}|{{ 2 ** 10 }}|{{ '%05d' % 42 }}|{{ range(4)|list|length }}"
            "|{% for k in [1, [2, 3]] recursive %}{% if k is iterable %}{{ loop(k) }}"
            "{% else %}{{ k }}{% endif %}{% endfor %}")  # fmt: skip
    (templates / "ok.eml.j2").write_text(f"Subject: Hi {{{{ '=' * 3 }}}}\n\n{body}\n")
    run = cli("email", "draft", "1", "--template", "ok", "--json")
    assert run.exit_code == 0, run.stderr
    assert run.json()["subject"] == "Hi ==="
    text = Path(run.json()["path"]).read_text()
    assert "10 9 8 7 6 5 4 3 2 1 |1/32/33/3|-----|1024|00042|4|123" in text


# --- database passwords are never shown (PG11 PG15 PG16 PG18 PG19) ---------------------------

SECRET = "S3cr3t-pw-Zq81"
BAD_URLS = [
    pytest.param(f"postgresql+psycopg://sfadmin:{SECRET}@127.0.0.1:notaport/sf1", id="bad-port"),
    pytest.param(f"postgresql+nodriver://sfadmin:{SECRET}@127.0.0.1:54329/sf1", id="no-driver"),
    pytest.param(f"bogus://sfadmin:{SECRET}@127.0.0.1/x", id="unknown-scheme"),
    pytest.param(f"mysql://sfadmin:{SECRET}@127.0.0.1/x", id="missing-driver"),
]


@pytest.mark.parametrize("command", [["show", "1"], ["lead", "add", "X"], ["db", "status"]])
@pytest.mark.parametrize("debug", [[], ["--debug"]])
@pytest.mark.parametrize("url", BAD_URLS)
def test_a_database_url_that_does_not_open_never_shows_its_password(url, debug, command):
    """A real process: what a user's terminal (and a CI log) would really show."""
    from conftest import run_salesflow

    run = run_salesflow(*debug, "--db", url, *command)
    assert run.returncode == 1, run.stderr
    assert SECRET not in run.stdout + run.stderr
    lines = run.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: cannot open database"), run.stderr
    assert "sfadmin:***@127.0.0.1" in lines[0]


@pytest.mark.parametrize("url", BAD_URLS)
def test_a_password_given_through_salesflow_db_is_not_shown_either(url):
    from conftest import run_salesflow

    run = run_salesflow("--debug", "show", "1", env={"SALESFLOW_DB": url})
    assert run.returncode == 1 and SECRET not in run.stdout + run.stderr


def test_a_debug_traceback_has_the_password_masked(tmp_path):
    """An unforeseen error whose message carries the URL: --debug prints the traceback, with
    the password masked wherever it appears (even where a driver quoted it on its own)."""
    script = tmp_path / "boom.py"
    script.write_text(
        textwrap.dedent(f"""
        import sys
        import salesflow.services.workspace as workspace
        from salesflow.cli.main import main

        def explode(option, **_kw):
            raise RuntimeError(f"cannot reach {{option}}; password={SECRET!r}")

        workspace.open_workspace = explode
        sys.argv = ["salesflow", "--debug", "--db", sys.argv[1], "lead", "add", "X"]
        main()
    """)
    )
    url = f"postgresql+psycopg://sfadmin:{SECRET}@db.example:5432/sf"
    run = subprocess.run([sys.executable, str(script), url], capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(SRC)}, check=False)  # fmt: skip
    assert "Traceback" in run.stderr and "RuntimeError" in run.stderr, run.stderr
    assert SECRET not in run.stdout + run.stderr
    assert "sfadmin:***@db.example" in run.stderr


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("postgresql://u:pw@h/db", "postgresql://u:***@h/db"),
        ("'postgresql+psycopg://u:p@ss/w:rd@h:notaport/db': bad", "'postgresql+psycopg://u:***@h:notaport/db': bad"),
        ("bogus://user:secret@host/x and mysql://a:b2c@h/y", "bogus://user:***@host/x and mysql://a:***@h/y"),
        ("postgresql://u@h/db", "postgresql://u@h/db"),
        ("postgresql://h:5432/db", "postgresql://h:5432/db"),
        ("/home/ana/sales.db", "/home/ana/sales.db"),
        ("sqlite:////tmp/a:b@c.db", "sqlite:////tmp/a:b@c.db"),
    ],
)  # fmt: skip
def test_mask_password_works_on_text_sqlalchemy_cannot_parse(text, shown):
    from salesflow.db.location import mask_password

    assert mask_password(text) == shown


def test_mask_password_removes_a_known_password_wherever_it_appears():
    from salesflow.db.location import mask_password

    url = "postgresql://u:p%40ss@h/db"
    assert mask_password("auth failed for p@ss and p%40ss", known=[url]) == (
        "auth failed for *** and ***"
    )


@pytest.mark.parametrize("quiet", [False, True])
def test_psycopg_log_lines_stay_off_stderr(quiet):
    """PG22: when the server stops mid-command, psycopg logs "error ignored terminating
    <psycopg.Pipeline [BAD]>: the connection is lost" while cleaning up, and with no logging
    configured Python printed it before our `Error:` line. (A fresh process: pytest's own
    logging would catch the line.)"""
    code = textwrap.dedent(f"""
        import logging
        from salesflow.db.engine import quiet_driver_logs
        if {quiet}:
            quiet_driver_logs()
        logging.getLogger("psycopg").warning(
            "error ignored terminating <psycopg.Pipeline [BAD]>: the connection is lost")
    """)
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    env.pop("SALESFLOW_DEBUG", None)
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         check=True)  # fmt: skip
    assert ("error ignored terminating" in run.stderr) is not quiet


def test_db_status_on_postgresql_hides_the_password(pg_database):  # noqa: F811
    from conftest import run_salesflow
    from sqlalchemy.engine import make_url

    run = run_salesflow("--db", pg_database, "db", "status", "--json")
    assert run.returncode == 0, run.stderr
    password = make_url(pg_database).password
    if password:
        assert str(password) not in run.stdout + run.stderr
