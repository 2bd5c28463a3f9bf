"""Where the database is: `--db`, `SALESFLOW_DB`, or `salesflow.db` in the user data dir."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.engine import URL


def data_dir() -> Path:
    """The platformdirs user data dir for salesflow."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("salesflow"))


def is_url(target: str) -> bool:
    """A SQLAlchemy URL rather than a file path."""
    return "://" in target


def resolve_target(option: str | None, *, default_name: str = "salesflow.db") -> str:
    """The database the command works on: flag > env > default file.

    An empty (or blank) `--db` is a usage error, not the default database: it is a script's
    unset variable (`--db "$DB"`), and using the default would change another database. A blank
    SALESFLOW_DB counts as unset, as an empty variable does for most tools."""
    if option is not None and not option.strip():
        from salesflow.errors import UsageProblem

        raise UsageProblem(
            "--db must name a database file or URL, not an empty text",
            hint="leave --db out for the default database",
        )
    target = option or os.environ.get("SALESFLOW_DB", "").strip() or None
    if option is None and target and not target.isprintable():
        _check_environment_text(target)  # as the command line's words are checked
    if target:
        if is_url(target):
            return target
        if target.endswith(("/", os.sep)):  # pathlib would drop the slash: `nodir/` a file
            from salesflow.errors import SalesflowError
            from salesflow.outfiles import shown_name

            raise SalesflowError(
                f"cannot open database {shown_name(target)}: a name ending in / is a folder",
                hint=f"name the file, e.g. --db {shown_name(target)}salesflow.db",
            )
        return str(Path(target).expanduser())
    return str(data_dir() / default_name)


def _check_environment_text(target: str) -> None:
    """SALESFLOW_DB holding a control character (an escape sequence, a NUL) is refused, as the
    same text in `--db` is (`cli.errors.check_arguments`): tabs and line breaks pass there too."""
    for char in target:
        if char not in "\t\n" and not char.isprintable() and ord(char) < 0xA0:
            from salesflow.errors import InvalidInput

            raise InvalidInput(
                f"SALESFLOW_DB {target!a} contains the control character U+{ord(char):04X}",
                hint="control characters are not allowed in a database path; remove it",
            )


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


def sqlite_url(path: str) -> URL:
    """A SQLAlchemy URL for a SQLite file path, taken literally: built as a URL object, never
    parsed from text, so `?`, `#` and `%41` in a file name stay part of the name."""
    from sqlalchemy.engine import URL

    return URL.create("sqlite", database=str(Path(path).resolve()))


def sqlite_file(target: str) -> str | None:
    """The SQLite file a target names: the path itself, or the file of a `sqlite:///` URL (None
    for a server database or an in-memory one)."""
    if not is_url(target):
        return target
    match = re.match(r"sqlite(?:\+\w+)?:///([^?]+)", target)
    if match is None or match.group(1) in ("", ":memory:"):
        return None
    from urllib.parse import unquote

    return unquote(match.group(1))


# scheme://user:password@ — the password is what follows the first colon of the user part, up
# to the last @ of the word (a password may hold @ and / characters)
_URL_PASSWORD = re.compile(r"(?P<head>\b[A-Za-z][\w+.-]*://[^:/@\s'\"]*:)(?P<pw>[^\s'\"]*)@")


def url_password(target: str) -> str | None:
    """The password written in a URL, if any (None for a file path)."""
    found = _URL_PASSWORD.search(target)
    return found.group("pw") if found and found.group("pw") else None


def mask_password(text: str, known: Iterable[str | None] = ()) -> str:
    """`text` with the password of every `scheme://user:password@` in it replaced by ***.

    Works on any text, even a URL SQLAlchemy cannot parse. The passwords of the `known` targets
    (the --db value, SALESFLOW_DB) are also removed wherever else they appear, percent-decoded
    or not: a driver may quote them in its own words.
    """
    secrets: set[str] = set()
    for target in known:
        password = url_password(target) if target else None
        if password:
            from urllib.parse import unquote

            secrets.update({password, unquote(password)})
    masked = _URL_PASSWORD.sub(lambda m: f"{m.group('head')}***@" if m.group("pw") else m[0], text)
    for secret in sorted(secrets, key=len, reverse=True):
        if len(secret) >= 3:  # a one- or two-letter "password" would blank out ordinary text
            masked = masked.replace(secret, "***")
    return masked


def given_targets(argv: list[str]) -> list[str]:
    """The database targets a command line was given (`--db` words and SALESFLOW_DB), for
    `mask_password(..., known=...)`."""
    found = [os.environ.get("SALESFLOW_DB", "")]
    for position, word in enumerate(argv):
        if word == "--db" and position + 1 < len(argv):
            found.append(argv[position + 1])
        elif word.startswith("--db="):
            found.append(word[len("--db=") :])
    return [t for t in found if t]


SQLITE_HEADER = b"SQLite format 3\x00"


def check_sqlite_file(path: str) -> None:
    """Refuse, with one clear line, an existing `--db` that is not a SQLite database: a folder,
    a device or FIFO (SQLite would fail with "disk I/O error", or wait on a FIFO for ever), or a
    file of something else (left exactly as it is). An empty file is a new database."""
    import stat

    from salesflow.errors import SalesflowError
    from salesflow.outfiles import shown_name

    try:
        info = os.stat(path)
    except OSError:
        return  # missing (created later) or unreachable: creating it says why
    why = None
    if stat.S_ISDIR(info.st_mode):
        why = "it is a folder"
    elif not stat.S_ISREG(info.st_mode):
        why = "it is not a regular file"
    elif info.st_size:
        try:
            with open(path, "rb") as file:
                head = file.read(len(SQLITE_HEADER))
        except OSError:
            return  # unreadable: SQLite says why
        if head != SQLITE_HEADER:
            why = "the file is not a database"
    if why is not None:
        raise SalesflowError(
            f"cannot open database {shown_name(path)}: {why}",
            hint="give a salesflow database file (or a new name) with --db or SALESFLOW_DB",
        )


def is_read_only_file(path: str | None) -> bool:
    """A database file without its owner's write bit: a write command refuses it, also for
    root (who could write anyway), as an output file is refused."""
    import stat

    if path is None:
        return False
    try:
        info = os.stat(path)
    except OSError:
        return False
    return stat.S_ISREG(info.st_mode) and not info.st_mode & stat.S_IWUSR


def prepare_sqlite_file(path: str) -> bool:
    """Make the folder (0700) and an empty file (0600) if missing; True when newly made.

    A folder or file that cannot be made is one clear error (`cannot create database …`). A
    symlink to nothing is refused: following it would create a file, and folders, somewhere the
    user did not name (a stale link after a move, or a planted one)."""
    from salesflow.errors import SalesflowError
    from salesflow.outfiles import shown_name

    if not os.path.exists(path):
        for part in (Path(path), *Path(path).parents):  # the file, or a folder on its way
            if os.path.islink(part) and not os.path.exists(part):
                what = "it is" if part == Path(path) else f"{shown_name(part)} is"
                raise SalesflowError(
                    f"cannot create database {shown_name(path)}: {what} a symlink to "
                    f"{shown_name(os.readlink(part))}, which does not exist",
                    hint="create what it points to, point the link elsewhere, or give another --db",
                )
    check_sqlite_file(path)
    if is_read_only_file(path) and os.path.getsize(path) == 0:  # to be made: written
        raise SalesflowError(
            f"cannot write database {shown_name(path)}: it is read-only",
            hint="make it writable (chmod u+w) or give another --db",
        )
    file = Path(path).resolve()
    folder = file.parent
    try:
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
    except OSError as exc:
        raise SalesflowError(
            f"cannot create database {shown_name(path)}: {exc.strerror or exc}",
            hint="check the folder exists and is writable, or give another --db",
        ) from None
    return True


# Settings salesflow gives every PostgreSQL connection, before the URL's own `options` (which
# can change them). JIT compilation off: salesflow's queries are small and short, and
# PostgreSQL's planner starts compiling a query whose row estimate looks large, which cost a
# 100,000-deal funnel 0.36 s of JIT per stage for a query that runs in 0.05 s.
SERVER_SETTINGS = ("-c jit=off",)


def server_options(given: Iterable[str], *extra: str) -> str:
    """The libpq `options` of a PostgreSQL connection: salesflow's settings, then the `options`
    the URL gives (as the connection's own parser reads them), then `extra`; later ones win."""
    return " ".join((*SERVER_SETTINGS, *given, *extra))


def busy_timeout_ms() -> int:
    """SALESFLOW_BUSY_TIMEOUT_MS (default 5000): how long to wait for another writer's lock."""
    from salesflow.errors import InvalidInput

    text = os.environ.get("SALESFLOW_BUSY_TIMEOUT_MS", "").strip()
    if not text:
        return BUSY_TIMEOUT_MS
    if not text.isdigit() or not text.isascii() or len(text) > 9:
        raise InvalidInput(
            f"SALESFLOW_BUSY_TIMEOUT_MS must be a whole number of milliseconds, not {text!r}",
            hint="e.g. SALESFLOW_BUSY_TIMEOUT_MS=5000, or unset it",
        )
    return int(text)


BUSY_TIMEOUT_MS = 5000
