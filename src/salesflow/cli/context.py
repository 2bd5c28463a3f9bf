"""The per-invocation context every command uses: the database, the acting user, the output
format and the files a command writes. The root callback (`cli/app.py`) makes it; a command gets
it with `state(ctx)`."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

import typer

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

    from sqlmodel import Session

    from salesflow.db.engine import Database
    from salesflow.db.reader import Reader
    from salesflow.outfiles import OutputFile, Protected
    from salesflow.render.output import Output

T = TypeVar("T")


@dataclass
class AppContext:
    """What every command needs: the database target, the acting user, how to print."""

    db_option: str | None
    actor_option: str | None
    color: str
    debug: bool
    format: str = "table"  # "json" or "csv" once the command's --json / --csv says so
    on_stdout: bool = False  # its data went to standard output (`--out -`): messages to stderr
    _db: Database | None = field(default=None, repr=False)

    @property
    def actor(self) -> str:
        """The acting user: --as > SALESFLOW_USER > config user > OS login name."""
        if self.actor_option is not None:
            return _rep_name(self.actor_option, "--as")
        if os.environ.get("SALESFLOW_USER"):
            return _rep_name(os.environ["SALESFLOW_USER"], "SALESFLOW_USER")
        from salesflow.config import load_config

        configured = load_config().user
        if configured:
            return _rep_name(str(configured), "config user")
        import getpass

        try:
            return getpass.getuser()
        except (KeyError, OSError):
            return "me"

    def database(self, *, default_name: str = "salesflow.db") -> Database:
        """The database, opened (and created and migrated) on first use."""
        if self._db is None:
            from salesflow.services.workspace import open_workspace

            self._db = open_workspace(self.db_option, default_name=default_name)
        return self._db

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read session on the database."""
        with self.database().read() as session:
            yield session

    @contextmanager
    def reader(self) -> Iterator[Reader]:
        """A light read-only connection (no ORM import) when the database is ready for it;
        otherwise the database is opened the full way (created, migrated) and its session wrapped.
        """
        from salesflow.db.reader import open_reader, reader_for

        if self._db is None:
            from salesflow.db.location import resolve_target

            with open_reader(resolve_target(self.db_option)) as light:
                if light is not None:
                    yield light
                    return
        with self.read() as session:
            yield reader_for(session)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction: all of it lands, or none of it."""
        with self.database().write() as session:
            yield session

    def change(self, action: Callable[..., T], *args: Any, **options: Any) -> T:
        """Run one service write, `action(*args, actor=, session=, **options)`, as the acting
        user in one transaction (`write`), and give back what it returned."""
        with self.write() as session:
            return action(*args, actor=self.actor, session=session, **options)

    @property
    def target(self) -> str:
        """The database target of this command (file path or URL), as it will be opened."""
        if self._db is not None:
            return self._db.target
        from salesflow.db.location import resolve_target

        return resolve_target(self.db_option)

    def protected_files(self) -> list[Protected]:
        """The files no output of this command may replace: the SQLite database and its
        `-wal`, `-shm` and `-journal` (none for a server database), and the config file."""
        from salesflow.config import config_path
        from salesflow.db.location import sqlite_file
        from salesflow.outfiles import database_files, input_files

        file = sqlite_file(self.target)
        # the config file is read by every command: an output must not replace it either
        return [*(database_files(file) if file else []), *input_files([config_path()])]

    def output_file(
        self, path: str | Path, *, inputs: Iterable[str | Path] = (), binary: bool = False
    ) -> OutputFile:
        """An output file, checked now against the database and the command's `inputs`."""
        from salesflow.outfiles import OutputFile, input_files

        protected = [*self.protected_files(), *input_files(inputs)]
        return OutputFile(path, protected, binary=binary)

    def check_output(self, path: str | Path, *, folder: bool = False) -> Path:
        """Refuse an output path before any work is done (see `outfiles.check_target`); `-` is
        standard output (`writing`)."""
        from salesflow.outfiles import check_target, is_stdout

        if is_stdout(path) and not folder:
            from pathlib import Path

            return Path(path)
        return check_target(path, self.protected_files(), folder=folder)

    @contextmanager
    def writing(
        self, path: str | Path, *, what: str | None = None, binary: bool = False
    ) -> Iterator[Any]:
        """A stream onto an output file (see `outfiles`), put in place when the block ends
        without an error; with `what` (the command's name) a file holding customer data is then
        recorded in `written_files`. `-` is standard output: then whatever the command says
        after the data (`Wrote …`) goes to stderr, so stdout holds the data alone."""
        from salesflow.outfiles import is_stdout

        if is_stdout(path):
            import sys

            self.on_stdout = True
            stream = sys.stdout.buffer if binary else sys.stdout
            yield stream
            stream.flush()
            return
        target = self.output_file(path, binary=binary)
        with target as handle:
            yield handle
        if what and target.regular:
            self.wrote(target.real, what)

    def write_file(self, path: str | Path, data: str | bytes, *, what: str | None = None) -> None:
        """Write a whole output file at once (see `writing`)."""
        with self.writing(path, what=what, binary=isinstance(data, bytes)) as handle:
            handle.write(data)

    def wrote(self, path: str | Path, what: str) -> None:
        """Record a file holding customer data in `written_files` (skipped quietly when the
        database cannot be written)."""
        from salesflow.clock import now_utc
        from salesflow.db.written import record_written_file

        record_written_file(self.target, path=str(path), what=what, at=now_utc(), by=self.actor,
                            database=self.database)  # fmt: skip

    def output(self) -> Output:
        """The output for this command."""
        import sys

        from salesflow.render.output import Output

        stream = sys.stderr if self.on_stdout else None
        return Output(color=self.color, format=self.format, stream=stream)

    def close(self) -> None:
        """Release the database."""
        if self._db is not None:
            self._db.dispose()


def state(ctx: typer.Context) -> AppContext:
    """The AppContext of this invocation."""
    root = ctx.find_root()
    assert isinstance(root.obj, AppContext)
    return root.obj


def _rep_name(value: str, source: str) -> str:
    """A rep's name as given by `source`: recorded on every change, so one line of text."""
    from salesflow.domain.inputs import MAX_REP, Refused, rep_name
    from salesflow.errors import InvalidInput

    try:
        return rep_name(value)
    except Refused:
        raise InvalidInput(
            f"{source} {value!a} is not a rep's name",
            hint=f"a rep's name is one line of 1 to {MAX_REP} visible characters, e.g. --as ana",
        ) from None
