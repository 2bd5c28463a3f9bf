"""User configuration: TOML at `SALESFLOW_CONFIG` or the platformdirs config dir.

Precedence everywhere is flags > environment > config > defaults.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

DEFAULT_LOST_REASONS = ("price", "timing", "competitor", "no-budget", "no-decision", "fit", "other")


@dataclass(frozen=True)
class Config:
    """What the user set in config.toml (all optional)."""

    user: str | None = None
    currency: str = "USD"
    timezone: str | None = None
    date_order: str | None = None  # "DMY" or "MDY": lets 03/04/2026 through
    lost_reasons: tuple[str, ...] = DEFAULT_LOST_REASONS
    templates_dir: Path | None = None  # email templates; default: `templates/` beside the config
    outbox: Path | None = None  # drafted emails, a folder per database; default: data dir/outbox
    smtp: dict[str, object] = field(default_factory=dict)  # [smtp] host, port, starttls, user …
    seller: str | None = None  # who quotes are from (your company); default: see `seller_name`
    path: Path | None = None
    extra: dict[str, object] = field(default_factory=dict)


def config_dir() -> Path:
    """Where config.toml, templates and the like live."""
    from platformdirs import user_config_dir

    return Path(user_config_dir("salesflow"))


def config_path() -> Path:
    """The config file in force."""
    env = os.environ.get("SALESFLOW_CONFIG")
    return Path(env).expanduser() if env else config_dir() / "config.toml"


@cache
def load_config() -> Config:
    """Read the config file once per process; a missing file means defaults."""
    path = config_path()
    try:
        if not path.exists():
            return Config()
    except OSError as exc:  # a folder on the way we may not enter (exists() raises then)
        from salesflow.errors import InvalidInput

        raise InvalidInput(f"cannot read config {path}: {exc.strerror or exc}") from None
    import tomllib

    from salesflow.errors import InvalidInput

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"cannot read config {path}: {exc}") from None
    order = data.get("date_order")
    if order is not None and str(order).upper() not in ("DMY", "MDY", "YMD"):
        raise InvalidInput(f"config {path}: date_order must be DMY, MDY or YMD, not {order!r}")
    reasons = data.get("lost_reasons", DEFAULT_LOST_REASONS)
    if not isinstance(reasons, list | tuple) or not all(isinstance(r, str) for r in reasons):
        raise InvalidInput(f"config {path}: lost_reasons must be a list of strings")
    currency = str(data.get("currency", "USD")).upper()
    smtp = data.get("smtp", {})
    if not isinstance(smtp, dict):
        raise InvalidInput(f"config {path}: [smtp] must be a table")
    folders = {}
    for key in ("templates_dir", "outbox"):
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            raise InvalidInput(f"config {path}: {key} must be a folder path")
        # a relative folder is read from the config file's folder, wherever salesflow runs
        folders[key] = (path.parent / Path(value).expanduser()) if value else None
    seller = data.get("seller")
    if seller is not None and (
        not isinstance(seller, str) or not seller.strip() or not seller.isprintable()
    ):
        raise InvalidInput(f"config {path}: seller must be one line of text, your company's name")
    known = {"user", "currency", "timezone", "date_order", "lost_reasons", "smtp", "seller",
             *folders}  # fmt: skip
    return Config(
        user=data.get("user"),
        currency=currency,
        timezone=data.get("timezone"),
        date_order=str(order).upper() if order else None,
        lost_reasons=tuple(reasons),
        templates_dir=folders["templates_dir"],
        outbox=folders["outbox"],
        smtp=smtp,
        seller=seller.strip() if seller else None,
        path=path,
        extra={k: v for k, v in data.items() if k not in known},
    )


def seller_name(fallback: str) -> str:
    """Who documents such as quotes are from: config `seller`, else the name in `[smtp] from`
    (`"Ana Lopez <ana@example.com>"` → Ana Lopez, or the address when it has no name), else
    `fallback` (the rep who made the document)."""
    config = load_config()
    if config.seller:
        return config.seller
    sender = config.smtp.get("from")
    if isinstance(sender, str) and sender.strip() and sender.isprintable():
        from email.utils import parseaddr

        name, address = parseaddr(sender)
        return name or address or sender.strip()
    return fallback


def templates_dir() -> Path:
    """Where email templates (`NAME.eml.j2`) live: config `templates_dir`, else `templates/`
    in the folder of the config file in force (so `SALESFLOW_CONFIG` moves them along)."""
    configured = load_config().templates_dir
    return configured if configured is not None else config_path().parent / "templates"


def outbox_dir(database: str) -> Path:
    """Where drafted emails (`.eml`) of one database go: a folder of its own (named by
    `database_key`) in config `outbox`, else in `outbox/` in the data dir. One outbox per
    database: `contact forget` in one database must never touch a draft written from another.

    `database` is the database as opened (`Database.target`: a file path or a URL)."""
    from salesflow.db.location import data_dir, database_key

    configured = load_config().outbox
    root = configured if configured is not None else data_dir() / "outbox"
    return root / database_key(database)
