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


def database_key(target: str) -> str:
    """A folder name of this database's own, for what belongs to one database (its outbox):
    the file's name and a hash of its real path (`sales-3f2a9c0d81e4`), so a symlink or another
    spelling of the path is the same database and two files of the same name are not; for a
    server, the database name and a hash of the URL without its password."""
    import hashlib
    import re

    if is_url(target) and not target.startswith("sqlite"):
        from sqlalchemy.engine import make_url

        url = make_url(target)
        name = url.database or url.host or "database"
        identity = f"{url.get_backend_name()}://{url.username or ''}@{url.host or ''}:" \
                   f"{url.port or ''}/{url.database or ''}"  # fmt: skip
    else:
        if is_url(target):
            from sqlalchemy.engine import make_url

            target = make_url(target).database or ":memory:"
        identity = os.path.realpath(target)
        name = Path(identity).stem
    digest = hashlib.sha256(identity.encode("utf-8", "surrogateescape")).hexdigest()[:12]
    readable = re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("._")[:40] or "database"
    return f"{readable}-{digest}"


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
