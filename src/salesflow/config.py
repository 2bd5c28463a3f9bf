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
    import tomllib

    from salesflow.errors import InvalidInput

    path = config_path()
    if not path.exists():
        return Config()
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
    known = {"user", "currency", "timezone", "date_order", "lost_reasons"}
    return Config(
        user=data.get("user"),
        currency=currency,
        timezone=data.get("timezone"),
        date_order=str(order).upper() if order else None,
        lost_reasons=tuple(reasons),
        path=path,
        extra={k: v for k, v in data.items() if k not in known},
    )
