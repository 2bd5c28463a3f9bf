"""`email draft`: a Jinja2-sandboxed template rendered into an .eml in the outbox, sent through a
real SMTP server (aiosmtpd on 127.0.0.1, started here) with --send, and an `email` activity.
A failure logs nothing and leaves no file behind."""

from __future__ import annotations

import email
import email.policy
import shutil
import socket
import sqlite3
import sys
import types
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from conftest import REPO

EXAMPLES = REPO / "examples"
# the test server takes AUTH without TLS on purpose: it only listens on 127.0.0.1
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


class Inbox:
    """An aiosmtpd handler that keeps what it receives, or refuses a recipient."""

    def __init__(self, refuse: str | None = None, refuse_sender: str | None = None) -> None:
        self.refuse = refuse
        self.refuse_sender = refuse_sender
        self.messages: list[tuple[str, list[str], bytes]] = []
        self.logins: list[tuple[bytes, bytes]] = []

    async def handle_MAIL(self, server, session, envelope, address, mail_options):  # noqa: N802
        if self.refuse_sender and address == self.refuse_sender:
            return "553 5.7.1 sender not allowed"
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if self.refuse and address == self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    """Start an SMTP server on 127.0.0.1; yields (inbox, port); stopped after the test."""
    started = []

    def start(**options):
        inbox = Inbox(options.pop("refuse", None), options.pop("refuse_sender", None))
        port = free_port()

        def authenticator(server, session, envelope, mechanism, data):
            assert isinstance(data, LoginPassword)
            inbox.logins.append((data.login, data.password))
            return AuthResult(success=data.password == b"s3cret")

        if options.pop("auth", False):
            options.update(authenticator=authenticator, auth_require_tls=False,
                           auth_required=True)  # fmt: skip
        controller = Controller(inbox, hostname="127.0.0.1", port=port, **options)
        controller.start()
        started.append(controller)
        return inbox, port

    yield start
    for controller in started:
        controller.stop()


@pytest.fixture
def config(tmp_path):
    """Append settings to the test config.toml."""
    path = tmp_path / "config.toml"

    def add(text: str) -> None:
        path.write_text(path.read_text() + text)

    return add


@pytest.fixture
def templates(tmp_path):
    folder = tmp_path / "templates"
    shutil.copytree(EXAMPLES / "templates", folder)
    return folder


@pytest.fixture
def outbox(isolated):
    """The test database's own outbox."""
    from salesflow.config import outbox_dir

    return outbox_dir(str(isolated))


@pytest.fixture
def deal(cli, templates):
    run = cli("lead", "add", "Acme rollout", "--company", "Acme", "--contact", "Jo Smith",
              "--email", "jo@acme.com", "--value", "12.5k", "--title", "Head of Sales")  # fmt: skip
    assert run.exit_code == 0, run.stderr
    return "1"


def parse(data: bytes):
    return email.message_from_bytes(data, policy=email.policy.default)


def test_draft_renders_into_an_eml_in_the_outbox_and_logs_an_email(cli, deal, outbox):
    run = cli("email", "draft", "acme", "--template", "intro", "--json")
    assert run.exit_code == 0, run.stderr
    result = run.json()
    path = Path(result["path"])
    assert path.parent == outbox and path.name == "2026-11-27-deal1-intro.eml"
    assert (result["to"], result["subject"], result["sent"]) == (
        "Jo Smith <jo@acme.com>",
        "Acme and Acme rollout",
        False,
    )
    message = parse(path.read_bytes())
    assert message["To"] == "Jo Smith <jo@acme.com>"
    assert message["Subject"] == "Acme and Acme rollout"
    assert message["Date"] == "Fri, 27 Nov 2026 09:00:00 +0000"
    assert message["Message-ID"] == result["message_id"]
    body = message.get_content()
    assert body.startswith("Hi Jo,\n\nI'm ana, and I help teams like Acme keep\n")
    assert "help with Acme rollout?" in body
    activities = cli("show", "1", "--json").json()["activities"]
    assert [(a["type"], a["summary"]) for a in activities] == [
        ("email", "Email drafted: Acme and Acme rollout")
    ]
    assert activities[0]["id"] == result["activity_id"]
    again = cli("email", "draft", "1", "--template", "follow-up")
    assert again.exit_code == 0
    assert (
        "Drafted “Re: Acme and Acme rollout” to Jo Smith <jo@acme.com> (deal #1)." in again.stdout
    )
    assert (
        "As Head of Sales, you probably"
        in parse((outbox / "2026-11-27-deal1-follow-up.eml").read_bytes()).get_content()
    )
    cli("email", "draft", "1", "--template", "intro")
    assert sorted(p.name for p in outbox.iterdir()) == [
        "2026-11-27-deal1-follow-up.eml",
        "2026-11-27-deal1-intro-2.eml",
        "2026-11-27-deal1-intro.eml",
    ]


def test_send_through_a_real_smtp_server(cli, deal, config, smtp_server, outbox):
    inbox, port = smtp_server()
    config(f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nstarttls = false\n'
           'from = "Ana Seller <ana@seller.example>"\n')  # fmt: skip
    run = cli("email", "draft", "1", "--template", "intro", "--send", "--json")
    assert run.exit_code == 0, run.stderr
    assert run.json()["sent"] is True
    [(sender, recipients, data)] = inbox.messages
    assert (sender, recipients) == ("ana@seller.example", ["jo@acme.com"])
    received = parse(data)
    assert received["Subject"] == "Acme and Acme rollout"
    assert received["From"] == "Ana Seller <ana@seller.example>"
    assert "Hi Jo," in received.get_content()
    kept = parse((outbox / "2026-11-27-deal1-intro.eml").read_bytes())
    assert kept["Message-ID"] == received["Message-ID"]
    activity = cli("show", "1", "--json").json()["activities"][0]
    assert (activity["type"], activity["summary"]) == ("email", "Email sent: Acme and Acme rollout")
    assert activity["outcome"].startswith("sent to jo@acme.com")


def test_send_logs_in_with_the_password_file(cli, deal, config, smtp_server, tmp_path):
    inbox, port = smtp_server(auth=True)
    (tmp_path / "smtp-password").write_text("s3cret\n")
    config(f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nstarttls = false\nuser = "ana"\n'
           'from = "ana@seller.example"\npassword_file = "smtp-password"\n')  # fmt: skip
    run = cli("email", "draft", "1", "--template", "intro", "--send")
    assert run.exit_code == 0, run.stderr
    assert inbox.logins == [(b"ana", b"s3cret")]
    assert len(inbox.messages) == 1


def test_send_takes_the_password_from_the_keyring_first(
    cli, deal, config, smtp_server, monkeypatch
):
    inbox, port = smtp_server(auth=True)
    asked = []

    def get_password(service, user):
        asked.append((service, user))
        return "s3cret"

    monkeypatch.setitem(sys.modules, "keyring", types.SimpleNamespace(get_password=get_password))
    config(f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nstarttls = false\nuser = "ana"\n'
           'from = "ana@seller.example"\n')  # fmt: skip
    run = cli("email", "draft", "1", "--template", "intro", "--send")
    assert run.exit_code == 0, run.stderr
    assert asked == [("salesflow-smtp", "ana")]
    assert inbox.logins == [(b"ana", b"s3cret")]


def write_template(folder: Path, name: str, text: str) -> None:
    (folder / f"{name}.eml.j2").write_text(text)


@pytest.fixture
def refused(cli, dump, outbox):
    """Run `email draft …` that must fail: one Error line, nothing logged, no file."""

    def run(*args, error):
        before = dump()
        result = cli("email", "draft", *args)
        assert result.exit_code == 1, (result.stdout, result.stderr)
        assert result.stdout == ""
        assert "Traceback" not in result.stderr
        lines = result.stderr.splitlines()
        assert 1 <= len(lines) <= 2 and lines[0].startswith("Error: "), result.stderr
        assert error in lines[0], result.stderr
        assert dump() == before
        assert not outbox.exists() or list(outbox.iterdir()) == []
        return lines

    return run


def test_unknown_template(refused, deal):
    lines = refused("1", "--template", "nope", error="no email template 'nope' in ")
    assert lines[1] == "Hint: templates: break-up, follow-up, intro"
    refused("1", "--template", "../config", error="'../config' is not a template name")


def test_unknown_merge_field_names_it_and_its_line(refused, deal, templates):
    write_template(templates, "typo", "Subject: Hi\n\nHello {{ contact.first_name }},\n"
                   "{{ contact.nickname }}\n")  # fmt: skip
    lines = refused("1", "--template", "typo", error="template typo: line 4: unknown merge field "
                    "contact.nickname")  # fmt: skip
    assert "contact.first_name" in lines[1]
    write_template(templates, "top", "Subject: {{ dael.title }}\n\nHi\n")
    refused("1", "--template", "top", error="template top: line 1: unknown merge field dael")


def test_template_cannot_reach_python_internals(refused, deal, templates):
    write_template(templates, "evil", "Subject: Hi\n\n{{ deal.__class__.__mro__ }}\n")
    refused("1", "--template", "evil", error="template evil: line 3: not allowed in a template: "
            "access to attribute '__class__'")  # fmt: skip
    write_template(
        templates, "evil2", "Subject: Hi\n\n{{ ''.__class__.__mro__[1].__subclasses__() }}\n"
    )
    refused("1", "--template", "evil2", error="not allowed in a template")


def test_header_injection_is_refused(cli, refused, templates, tmp_path, isolated):
    # `lead add` and `import` keep names to one line; a database written by an older version or
    # another tool can still hold a line break in one
    path = tmp_path / "inject.csv"
    path.write_bytes(b'title,company,contact,email\r\n'
                     b'Pilot,"Evil\r\nBcc: all@evil.example",Mo,mo@x.example\r\n'
                     b'Other,,"Bo\nBcc: x@evil.example",bo@x.example\r\n')  # fmt: skip
    assert cli("import", str(path)).exit_code == 0
    conn = sqlite3.connect(isolated)
    with conn:  # the import made them one line ("Evil Bcc: …"): put the line breaks back
        assert conn.execute("SELECT name FROM companies").fetchone()[0] == (
            "Evil Bcc: all@evil.example"
        )
        conn.execute(
            "UPDATE companies SET name = 'Evil' || char(13, 10) || 'Bcc: all@evil.example'"
        )
        conn.execute("UPDATE contacts SET name = 'Bo' || char(10) || 'Bcc: x@evil.example'"
                     " WHERE email = 'bo@x.example'")  # fmt: skip
    conn.close()
    write_template(templates, "hi", "Subject: About {{ company.name }}\n\nHi\n")
    refused("1", "--template", "hi", error="the Subject header would contain a line break")
    refused("2", "--template", "hi", error="the contact's name contains a line break")


def test_contact_without_email(cli, refused, templates):
    cli("lead", "add", "Walk-in", "--company", "Walkin", "--contact", "Sam")
    cli("lead", "add", "Nobody", "--company", "Nobody Inc")
    refused("1", "--template", "intro", error="Sam (the contact of deal #1) has no email address")
    refused("2", "--template", "intro", error="deal #2 has no email address")


def test_template_syntax_and_shape_errors(refused, deal, templates):
    write_template(templates, "broken", "Subject: Hi\n\nline\n{% if %}\n")
    refused("1", "--template", "broken", error="template broken: line 4: Expected an expression")
    write_template(templates, "headless", "Hello there\n\nbody\n")
    refused("1", "--template", "headless", error="line 1: expected a header like `Subject: …`")
    write_template(templates, "nosubject", "Cc: a@b.example\n\nbody\n")
    refused("1", "--template", "nosubject", error="no `Subject:` line")
    write_template(templates, "to", "Subject: x\nTo: someone@else.example\n\nbody\n")
    refused("1", "--template", "to", error="line 2: unknown header 'To'")


def test_send_without_smtp_config(refused, deal):
    lines = refused("1", "--template", "intro", "--send", error="no SMTP server configured")
    assert "[smtp]" in lines[1]


def test_smtp_server_refuses_the_recipient(refused, deal, config, smtp_server):
    inbox, port = smtp_server(refuse="jo@acme.com")
    config(f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nstarttls = false\n'
           'from = "ana@seller.example"\n')  # fmt: skip
    refused("1", "--template", "intro", "--send",
            error="the SMTP server 127.0.0.1:" f"{port} refused the recipient: jo@acme.com: 550")  # fmt: skip
    assert inbox.messages == []


def test_smtp_server_down(refused, deal, config):
    port = free_port()  # nothing listens there
    config(f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nstarttls = false\n'
           'from = "ana@seller.example"\ntimeout = 5\n')  # fmt: skip
    refused("1", "--template", "intro", "--send", error=f"cannot send through 127.0.0.1:{port}")


def test_smtp_server_refuses_the_sender(refused, deal, config, smtp_server):
    inbox, port = smtp_server(refuse_sender="ana@seller.example")
    config(f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nstarttls = false\n'
           'from = "ana@seller.example"\n')  # fmt: skip
    refused("1", "--template", "intro", "--send", error="refused the message: 553 5.7.1")
    assert inbox.messages == []


def test_no_password_anywhere(refused, deal, config, smtp_server, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "keyring", None)  # as if keyring were not installed
    inbox, port = smtp_server(auth=True)
    config(f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nstarttls = false\nuser = "ana"\n'
           'from = "ana@seller.example"\npassword_file = "pw"\n')  # fmt: skip
    refused("1", "--template", "intro", "--send", error="cannot read the SMTP password_file")
    path = tmp_path / "config.toml"
    path.write_text(path.read_text().replace('password_file = "pw"\n', ""))
    lines = refused("1", "--template", "intro", "--send", error="no SMTP password for ana")
    assert lines[1] == "Hint: `keyring set salesflow-smtp ana`, or password_file in [smtp]"
    assert inbox.messages == [] and inbox.logins == []


def test_each_database_has_its_own_outbox_and_forget_looks_only_there(cli, templates, tmp_path):
    """Two databases drafting to the same person: forgetting them in one leaves the other's
    draft alone (one shared outbox used to lose it)."""
    a, b = tmp_path / "a" / "sales.db", tmp_path / "b" / "sales.db"
    paths = {}
    for db in (a, b):
        run = cli("--db", str(db), "lead", "add", "Acme rollout", "--company", "Acme",
                  "--contact", "Jo Smith", "--email", "jo@acme.com")  # fmt: skip
        assert run.exit_code == 0, run.stderr
        run = cli("--db", str(db), "email", "draft", "1", "--template", "intro", "--json")
        assert run.exit_code == 0, run.stderr
        paths[db] = Path(run.json()["path"])
    assert paths[a].parent != paths[b].parent and paths[a].name == paths[b].name
    for folder in (paths[a].parent, paths[a].parent.parent):
        assert folder.stat().st_mode & 0o777 == 0o700
    link = tmp_path / "link.db"
    link.symlink_to(a)  # the same database by another name: the same outbox
    run = cli("--db", str(link), "contact", "forget", "jo@acme.com", "--yes", "--json")
    assert run.exit_code == 0, run.stderr
    assert run.json()["outbox_files"] == 1
    assert not paths[a].exists()
    assert paths[b].exists() and b"jo@acme.com" in paths[b].read_bytes()
