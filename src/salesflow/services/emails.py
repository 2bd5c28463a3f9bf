"""Emails to a deal's contact: render a template into a standard `.eml` in the outbox, and send
it through the SMTP server in config.toml when asked. Either way an `email` activity is logged.

Nothing is left behind by a failure: the message is rendered and checked in memory, written to
a hidden temporary file, sent (with `--send`), and only then renamed into place and logged; an
error on the way removes the temporary file and the transaction rolls back.

SMTP settings (`[smtp]` in config.toml): `host`, `port` (default 587, or 465 with `ssl`),
`starttls` (default true), `ssl` (default false), `user`, `from`, `timeout` (seconds), and the
password from the OS keyring (`keyring set salesflow-smtp USER`, when the `keyring` package is
installed) or from `password_file`. Never from the command line.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import TYPE_CHECKING, Any

from salesflow.clock import now_local, today
from salesflow.errors import InvalidInput, SalesflowError
from salesflow.models import Company, Contact, Deal, Pipeline, Stage
from salesflow.parsing.money import from_minor
from salesflow.services.deals.leads import resolve_deal
from salesflow.services.followups.views import EmailDraft
from salesflow.services.templates import Fields, RenderedEmail, render_template

if TYPE_CHECKING:
    from sqlmodel import Session

KEYRING_SERVICE = "salesflow-smtp"


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to send."""

    host: str
    port: int
    starttls: bool
    ssl: bool
    user: str | None
    sender: str
    password_file: Path | None
    timeout: float


def smtp_settings() -> SmtpSettings:
    """The `[smtp]` table of the config, checked; InvalidInput when it is missing or wrong."""
    from salesflow.config import config_path, load_config

    config = load_config()
    smtp = config.smtp
    where = f"config {config.path or config_path()}"
    if not smtp.get("host"):
        raise InvalidInput(
            "no SMTP server configured",
            hint=f'add [smtp] with host = "…", port, user and from to {where}',
        )
    sender = smtp.get("from")
    if not sender or not isinstance(sender, str):
        raise InvalidInput(f"{where}: [smtp] needs `from`, the sender's address")
    _no_line_breaks("[smtp] from", sender)
    use_ssl = bool(smtp.get("ssl", False))
    try:
        port = int(smtp.get("port", 465 if use_ssl else 587))  # type: ignore[call-overload]
        timeout = float(smtp.get("timeout", 30))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InvalidInput(f"{where}: [smtp] port and timeout must be numbers") from None
    password_file = smtp.get("password_file")
    folder = (config.path or config_path()).parent
    return SmtpSettings(
        host=str(smtp["host"]),
        port=port,
        starttls=bool(smtp.get("starttls", not use_ssl)),
        ssl=use_ssl,
        user=str(smtp["user"]) if smtp.get("user") else None,
        sender=sender,
        password_file=(folder / Path(str(password_file)).expanduser()) if password_file else None,
        timeout=timeout,
    )


def _password(settings: SmtpSettings) -> str:
    """The SMTP password: the OS keyring first (if installed), then `password_file`."""
    assert settings.user is not None
    try:
        import keyring  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        keyring = None
    if keyring is not None:
        try:
            secret = keyring.get_password(KEYRING_SERVICE, settings.user)
        except Exception:  # no usable keyring backend on this machine
            secret = None
        if secret:
            return str(secret)
    if settings.password_file is not None:
        try:
            return settings.password_file.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidInput(f"cannot read the SMTP password_file: {exc}") from None
    raise InvalidInput(
        f"no SMTP password for {settings.user}",
        hint=f"`keyring set {KEYRING_SERVICE} {settings.user}`, or password_file in [smtp]",
    )


def merge_fields(deal: Deal, *, session: Session) -> dict[str, Any]:
    """What a template can use: deal, contact, company, owner and today."""
    stage = session.get(Stage, deal.stage_id)
    pipeline = session.get(Pipeline, deal.pipeline_id)
    company = session.get(Company, deal.company_id) if deal.company_id else None
    contact = session.get(Contact, deal.contact_id) if deal.contact_id else None
    amount = from_minor(deal.value_minor, deal.currency)
    name = contact.name if contact else None
    first, _, last = (name or "").partition(" ")
    owner_first = deal.owner.split(" ")[0]
    return {
        "deal": Fields(
            "deal",
            {
                "id": deal.id,
                "title": deal.title,
                "value": f"{amount:,}",
                "currency": deal.currency,
                "stage": stage.name if stage else None,
                "stage_key": stage.key if stage else None,
                "pipeline": pipeline.key if pipeline else None,
                "close_by": deal.close_by.isoformat() if deal.close_by else None,
                "source": deal.source,
                "owner": deal.owner,
            },
        ),
        "contact": Fields(
            "contact",
            {
                "name": name,
                "first_name": first or None,
                "last_name": last or None,
                "email": contact.email if contact else None,
                "phone": contact.phone if contact else None,
                "title": contact.title if contact else None,
            },
        ),
        "company": Fields(
            "company",
            {
                "name": company.name if company else None,
                "industry": company.industry if company else None,
                "employees": company.employees if company else None,
                "country": company.country if company else None,
            },
        ),
        "owner": Fields("owner", {"name": deal.owner, "first_name": owner_first}),
        "today": today().isoformat(),
    }


def _no_line_breaks(what: str, value: str) -> None:
    from salesflow.text import LINE_BREAKS

    if any(char in value for char in LINE_BREAKS):
        raise InvalidInput(
            f"{what} contains a line break: refusing it in an email header (header injection)"
        )


def build_message(
    rendered: RenderedEmail, *, to_name: str | None, to_email: str, sender: str | None
) -> EmailMessage:
    """A standard RFC 5322 message; refuses line breaks in any header value."""
    from email.headerregistry import Address
    from email.utils import format_datetime, make_msgid

    from salesflow.text import printable

    for what, value in (("the contact's name", to_name or ""), ("the contact's email", to_email)):
        _no_line_breaks(what, value)
    to_name = printable(to_name, cell=True) if to_name else to_name
    message = EmailMessage()
    try:
        if sender:
            message["From"] = sender
        message["To"] = Address(display_name=to_name or "", addr_spec=to_email)
        for key in ("Cc", "Bcc", "Reply-To"):
            if rendered.headers.get(key):
                message[key] = rendered.headers[key]
        message["Subject"] = rendered.subject
    except (ValueError, IndexError) as exc:  # a malformed address
        raise InvalidInput(f"cannot build the email: {exc}") from None
    message["Date"] = format_datetime(now_local())
    message["Message-ID"] = make_msgid(domain="salesflow.local")
    message.set_content(rendered.body)
    return message


def draft_email(
    ref: str, template: str, *, send: bool, actor: str, outbox: Path, session: Session
) -> EmailDraft:
    """Render `template` for the deal's contact into `outbox` (the database's own, see
    `config.outbox_dir`), send it if asked, log it."""
    from salesflow.services.deals.activities import log_activity

    deal = resolve_deal(ref, session=session, for_update=True)
    assert deal.id is not None
    contact = session.get(Contact, deal.contact_id) if deal.contact_id else None
    if contact is None or not contact.email:
        who = f"{contact.name} (the contact of deal #{deal.id})" if contact else f"deal #{deal.id}"
        raise InvalidInput(
            f"{who} has no email address",
            hint="add one with `salesflow lead add … --contact NAME --email ADDRESS`",
        )
    settings = smtp_settings() if send else None
    if settings is None:
        from salesflow.config import load_config

        configured = load_config().smtp.get("from")
        sender = configured if isinstance(configured, str) else None
        if sender:
            _no_line_breaks("[smtp] from", sender)
    else:
        sender = settings.sender
    rendered = render_template(template, merge_fields(deal, session=session))
    message = build_message(rendered, to_name=contact.name, to_email=contact.email, sender=sender)
    data = bytes(message)
    folder = _outbox(outbox)
    final = _free_name(folder, f"{today().isoformat()}-deal{deal.id}-{template}")
    partial = folder / f".{final.name}.part"
    try:
        fd = os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        if settings is not None:
            _send(message, settings)
        os.replace(partial, final)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    try:
        verb = "sent" if send else "drafted"
        activity = log_activity(
            str(deal.id),
            "email",
            f"Email {verb}: {rendered.subject}",
            at=None,
            outcome=f"{verb} to {contact.email} ({template}; {final.name})",
            actor=actor,
            session=session,
        )
    except BaseException:
        final.unlink(missing_ok=True)
        raise
    assert activity.id is not None
    return EmailDraft(
        deal_id=deal.id,
        template=template,
        to=str(message["To"]),
        subject=rendered.subject,
        path=str(final),
        sent=send,
        activity_id=activity.id,
        message_id=str(message["Message-ID"]),
    )


def _outbox(folder: Path) -> Path:
    """The outbox folder, made if missing: it and the folder of outboxes are 0700 (drafts hold
    customer data)."""
    try:
        folder.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        folder.mkdir(mode=0o700, exist_ok=True)
    except OSError as exc:
        raise InvalidInput(f"cannot make the outbox {folder}: {exc}") from None
    return folder


def _free_name(folder: Path, stem: str) -> Path:
    """`stem.eml`, or `stem-2.eml` … when a draft of the same name is already there."""
    candidate = folder / f"{stem}.eml"
    number = 2
    while candidate.exists():
        candidate = folder / f"{stem}-{number}.eml"
        number += 1
    return candidate


def _send(message: EmailMessage, settings: SmtpSettings) -> None:
    """Hand the message to the SMTP server; any refusal is one clear error."""
    import smtplib
    import ssl

    password = _password(settings) if settings.user else None
    where = f"{settings.host}:{settings.port}"
    try:
        client: smtplib.SMTP
        if settings.ssl:
            client = smtplib.SMTP_SSL(
                settings.host,
                settings.port,
                timeout=settings.timeout,
                context=ssl.create_default_context(),
            )
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        with client:
            if settings.starttls and not settings.ssl:
                client.starttls(context=ssl.create_default_context())
            if settings.user and password is not None:
                client.login(settings.user, password)
            client.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        refused = "; ".join(
            f"{who}: {code} {_text(reply)}" for who, (code, reply) in exc.recipients.items()
        )
        raise SalesflowError(f"the SMTP server {where} refused the recipient: {refused}") from None
    except smtplib.SMTPResponseException as exc:
        raise SalesflowError(
            f"the SMTP server {where} refused the message: {exc.smtp_code} {_text(exc.smtp_error)}"
        ) from None
    except smtplib.SMTPNotSupportedError as exc:
        raise SalesflowError(
            f"the SMTP server {where} does not support it: {exc}",
            hint="check starttls / ssl in [smtp]",
        ) from None
    except (smtplib.SMTPException, OSError) as exc:
        raise SalesflowError(
            f"cannot send through {where}: {exc or type(exc).__name__}",
            hint="check [smtp] host and port in the config, and that the server is up",
        ) from None


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
