"""A PostgreSQL server for the tests that need one, and a fresh database for each such test.

Where the server comes from, in order:
1. `SALESFLOW_TEST_PG_URL` (a SQLAlchemy URL such as `postgresql+psycopg://user:pw@host/db`):
   an existing server; each test gets its own database created on it (the user needs CREATEDB).
2. `initdb` and `pg_ctl` from PATH or `/usr/lib/postgresql/*/bin` (Debian's `postgresql` package):
   a throwaway cluster in a temp dir, trust auth, no TCP at all (only a Unix socket inside that
   dir), started once per session and removed at the end. PostgreSQL refuses to run as root, so
   as root the cluster runs as the `postgres` user through `runuser`.

With neither, the tests skip with the reason, except under CI (`CI=true`), where they fail:
a missing install step in `.ci/run` must never pass as a green run.
"""

from __future__ import annotations

import glob
import os
import pwd
import re
import shlex
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import pytest

URL_ENV = "SALESFLOW_TEST_PG_URL"
SUPERUSER = "salesflow"
PORT = 5432  # only names the socket file inside our private dir; no TCP port is opened
SERVER_SETTINGS = {
    "listen_addresses": "''",
    "port": str(PORT),
    "fsync": "off",  # a throwaway cluster: speed over durability
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "50",
}


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def unavailable(reason: str) -> NoReturn:
    """Skip the test for `reason`; under CI, fail it instead."""
    if _in_ci():
        pytest.fail(f"PostgreSQL tests cannot run under CI: {reason}", pytrace=False)
    pytest.skip(reason)


def find_pg_bin() -> Path | None:
    """The folder holding `initdb` and `pg_ctl`: PATH first, then the newest Debian install."""
    found = [shutil.which("initdb"), shutil.which("pg_ctl")]
    for tool in found:
        folder = Path(tool).resolve().parent if tool else None
        if folder and all(os.access(folder / name, os.X_OK) for name in ("initdb", "pg_ctl")):
            return folder

    def version(path: str) -> tuple[int, ...]:
        return tuple(int(n) for n in re.findall(r"\d+", Path(path).parent.name))

    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=version, reverse=True):
        if all(os.access(Path(folder) / name, os.X_OK) for name in ("initdb", "pg_ctl")):
            return Path(folder)
    return None


class Cluster:
    """A private PostgreSQL cluster in a temp dir, run as an unprivileged user."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        # /tmp rather than $TMPDIR: the server user must reach the folder, and a Unix socket path
        # must stay under ~100 characters
        base = "/tmp" if os.path.isdir("/tmp") else None
        self.root = Path(tempfile.mkdtemp(prefix="salesflow-pg-", dir=base))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.runner: list[str] = []
        if os.geteuid() == 0:
            try:
                account = pwd.getpwnam("postgres")
            except KeyError:
                shutil.rmtree(self.root, ignore_errors=True)
                unavailable("running as root and there is no `postgres` user to run the server")
            os.chown(self.root, account.pw_uid, account.pw_gid)
            if shutil.which("runuser"):
                self.runner = ["runuser", "-u", "postgres", "--"]
            else:
                self.runner = ["su", "postgres", "-s", "/bin/sh", "-c"]

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = list(args)
        if self.runner and self.runner[0] == "su":
            command = [*self.runner, shlex.join(command)]
        else:
            command = [*self.runner, *command]
        return subprocess.run(
            command,
            cwd=self.root,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            stdin=subprocess.DEVNULL,
        )

    def _check(self, what: str, done: subprocess.CompletedProcess[str]) -> None:
        if done.returncode != 0:
            log = self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""
            raise RuntimeError(
                f"{what} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}\n{log}"
            )

    def start(self) -> str:
        """initdb + pg_ctl start; returns the SQLAlchemy URL of the `postgres` database."""
        self._check("initdb", self._run(
            str(self.bin_dir / "initdb"), "-D", str(self.data), "-U", SUPERUSER,
            "--auth=trust", "--no-locale", "--encoding=UTF8", "--no-sync",
        ))  # fmt: skip
        settings = {**SERVER_SETTINGS, "unix_socket_directories": f"'{self.root}'"}
        with open(self.data / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write("\n# salesflow test cluster\n")
            conf.writelines(f"{key} = {value}\n" for key, value in settings.items())
        self._check("pg_ctl start", self._run(
            str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-l", str(self.log),
            "-w", "-t", "60", "start",
        ))  # fmt: skip
        return f"postgresql+psycopg://{SUPERUSER}@/postgres?host={self.root}&port={PORT}"

    def stop(self) -> None:
        """Stop the server (fast shutdown) and remove everything it wrote."""
        try:
            if (self.data / "postmaster.pid").exists():
                self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "fast",
                          "-w", "-t", "60", "stop")  # fmt: skip
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """The SQLAlchemy URL of a PostgreSQL server's maintenance database, for the whole session."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        unavailable("psycopg is not installed (pip install -e '.[test]')")
    given = os.environ.get(URL_ENV, "").strip()
    if given:
        yield given
        return
    bin_dir = find_pg_bin()
    if bin_dir is None:
        unavailable(
            f"no PostgreSQL: set {URL_ENV}, or install initdb/pg_ctl "
            "(Debian: apt-get install postgresql)"
        )
    cluster = Cluster(bin_dir)
    try:
        url = cluster.start()
    except BaseException:
        cluster.stop()
        raise
    try:
        yield url
    finally:
        cluster.stop()


@pytest.fixture
def pg_database(pg_server: str) -> Iterator[str]:
    """A new, empty database on the server for one test; its SQLAlchemy URL. Dropped afterwards."""
    import psycopg
    from psycopg import sql
    from sqlalchemy.engine import make_url

    server = make_url(pg_server)
    if not server.drivername.startswith("postgresql"):
        pytest.fail(f"{URL_ENV} must be a postgresql URL, not {server.drivername}", pytrace=False)
    admin = server.set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"salesflow_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield server.set(drivername="postgresql+psycopg", database=name).render_as_string(
            hide_password=False
        )
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            force = " WITH (FORCE)" if conn.info.server_version >= 130000 else ""
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}" + force).format(sql.Identifier(name)))
