"""Where the database is: `--db`, `SALESFLOW_DB`, or `salesflow.db` in the user data dir."""

from __future__ import annotations

import os
from pathlib import Path


def data_dir() -> Path:
    """The platformdirs user data dir for salesflow."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("salesflow"))


def is_url(target: str) -> bool:
    """A SQLAlchemy URL rather than a file path."""
    return "://" in target


def resolve_target(option: str | None, *, default_name: str = "salesflow.db") -> str:
    """The database the command works on: flag > env > default file."""
    target = option or os.environ.get("SALESFLOW_DB")
    if target:
        return target if is_url(target) else str(Path(target).expanduser())
    return str(data_dir() / default_name)


def sqlite_url(path: str) -> str:
    """A SQLAlchemy URL for a SQLite file path."""
    return f"sqlite:///{Path(path).resolve()}"


def prepare_sqlite_file(path: str) -> bool:
    """Make the folder (0700) and an empty file (0600) if missing; True when newly made."""
    file = Path(path).resolve()
    folder = file.parent
    if not folder.exists():
        folder.mkdir(mode=0o700, parents=True)
        folder.chmod(0o700)
    elif folder == data_dir().resolve():
        folder.chmod(0o700)
    if file.exists():
        return False
    try:
        fd = os.open(file, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return False
    os.close(fd)
    file.chmod(0o600)
    return True
