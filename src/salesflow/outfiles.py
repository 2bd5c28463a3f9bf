"""The one way salesflow writes an output file (exports, reports, quotes, rules, errors files).

Every file a command writes goes through `OutputFile` (commands reach it through
`AppContext.writing` / `write_file`, which also know the database's files), so the same rules
hold everywhere:

- Never onto a protected file: the open database, its `-wal`, `-shm` and `-journal`, or an input
  file of the command. Files are compared, not names (device and inode, symlinks followed), so a
  symlink or another spelling of the same path is refused too.
- A symlink given as the target is followed: the file it points at is checked and replaced, and
  the link stays a link. The checks (read-only, device, folder) therefore look at the file that
  is really written.
- A regular file (or a new one) is written in full or not at all: a temporary file in the same
  folder, flushed and fsynced, mode 0600 (exports hold customer data), renamed over the target,
  then the folder fsynced. Any failure leaves the old file as it was and no temporary file behind.
- An existing file that is not regular (`/dev/null`, a FIFO, a terminal) is written into
  directly: a device node is never replaced by a regular file.
- A folder, a missing folder, or a regular file without its owner's write bit is refused (the mode
  bits are checked, so root is refused too: it could rename over anything). A name given with a
  trailing slash (`nodir/`) means a folder, so it is refused as a file name even when nothing is
  there yet (pathlib drops the slash: the text as typed is kept by `GivenPath`).
- `-` as typed means standard output (`STDOUT`); commands that can write there check for it
  (`is_stdout`) before they get here, and here it is refused (`./-` names a file called `-`).

Errors are `InvalidInput` with one line: `cannot write PATH: reason`.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from salesflow.errors import InvalidInput

FILE_MODE = 0o600
STDOUT = "-"  # an output path typed as this is standard output, as in git, gh or sqlite-utils


class GivenPath(type(Path())):  # type: ignore[misc]  # the concrete PosixPath / WindowsPath
    """A path from the command line that remembers the text as typed: pathlib turns `nodir/`
    into `nodir` and `./-` into `-`, and both differences matter for an output file."""

    typed: str | None = None  # None on paths derived from this one (`out / "deals.csv"`)


def given_path(text: str) -> Path:
    """The Path for a command-line word, keeping the word (see `GivenPath`)."""
    path = GivenPath(text)
    path.typed = text
    return path


def typed_text(path: str | Path) -> str:
    """The path as the user typed it (a `GivenPath`'s word, a str as is)."""
    if isinstance(path, str):
        return path
    typed = getattr(path, "typed", None)
    return typed if isinstance(typed, str) else str(path)


def is_stdout(path: str | Path | None) -> bool:
    """Whether an output path is `-`, standard output (`./-` is a file named `-`)."""
    return path is not None and typed_text(path) == STDOUT


@dataclass(frozen=True)
class Protected:
    """A file no output may replace, and what it is (for the error line)."""

    path: str
    what: str  # e.g. "the database in use", "an input file of this command"


def database_files(path: str) -> list[Protected]:
    """A SQLite database file and its companions (write-ahead log, shared memory, journal)."""
    return [
        Protected(path, "the database in use"),
        Protected(path + "-wal", "the database's write-ahead log"),
        Protected(path + "-shm", "the database's shared-memory file"),
        Protected(path + "-journal", "the database's journal"),
    ]


def input_files(paths: Iterable[str | Path]) -> list[Protected]:
    """The files a command reads."""
    return [Protected(str(p), "an input file of this command") for p in paths]


def same_file(a: str | Path, b: str | Path) -> bool:
    """Whether two paths name the same file: device and inode when both exist (symlinks
    followed), else the same absolute path with symlinks resolved."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.normcase(os.path.realpath(a)) == os.path.normcase(os.path.realpath(b))


def shown_name(name: str | Path) -> str:
    """A file name for an error line: as it is, or quoted with its escapes (`'a\\nb.csv'`) when
    it holds a line break, a tab or another control character, which the line would otherwise
    show as a space or a symbol, naming a file that is not there."""
    text = str(name)
    return text if text.isprintable() and text else repr(text)


def cannot_read(path: str | Path, exc: Exception) -> InvalidInput:
    """The one error line for an input file that cannot be read: `cannot read PATH: why`
    (the OS's words without the errno and the name again)."""
    why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return InvalidInput(f"cannot read {shown_name(path)}: {why}")


def _refuse(given: str | Path, reason: str, hint: str | None = None) -> InvalidInput:
    return InvalidInput(f"cannot write {shown_name(given)}: {reason}", hint=hint)


def check_target(
    path: str | Path, protected: Iterable[Protected] = (), *, folder: bool = False
) -> Path:
    """The file to write for `path` (symlinks followed), or `InvalidInput` saying why not.

    With `folder`, the target must be a folder (or not exist yet) rather than a file."""
    typed = typed_text(path)
    given = Path(path).expanduser()
    if not typed:  # `--out ''`: pathlib would make it `.`, the current folder
        raise _refuse(typed, "the name is empty", "give a file name")
    if typed == STDOUT:
        why = "standard output is not a folder" if folder else "this command cannot write to " \
              "standard output"  # fmt: skip
        raise _refuse(typed, why, "to name a folder -, give ./-" if folder else
                      "to name a file -, give ./-")  # fmt: skip
    if not folder and typed.endswith(("/", os.sep)):
        raise _refuse(typed, "a name ending in / is a folder, not a file",
                      "give a file name")  # fmt: skip
    for guarded in protected:
        if same_file(given, guarded.path):
            raise _refuse(typed, f"it is {guarded.what}", "choose another file name")
    real = Path(os.path.realpath(given))  # where a new or regular file is put (links followed)
    try:
        info = os.stat(given)
    except FileNotFoundError:
        if not folder and not real.parent.is_dir():
            raise _refuse(typed, f"folder {shown_name(given.parent)} does not exist") from None
        return real
    except OSError as exc:
        raise _refuse(typed, exc.strerror or str(exc)) from None
    if folder:
        if not stat.S_ISDIR(info.st_mode):
            raise _refuse(typed, "it is not a folder")
        return real
    if stat.S_ISDIR(info.st_mode):
        raise _refuse(typed, "it is a folder", "give a file name")
    if not stat.S_ISREG(info.st_mode):
        return given  # a device, a FIFO, /dev/stdout: opened as given, written into
    if not info.st_mode & stat.S_IWUSR:
        raise _refuse(typed, "it is read-only", "make it writable or choose another name")
    return real


class OutputFile:
    """One output file, checked when made; `open()` it, write, then `commit()` or `discard()`
    (or use it as a context manager: committed when the block ends without an error)."""

    def __init__(
        self, path: str | Path, protected: Iterable[Protected] = (), *, binary: bool = False
    ) -> None:
        self.given = Path(path).expanduser()
        self.shown = typed_text(path)  # the name as typed, for the error line
        self.real = check_target(path, protected)
        self.binary = binary
        self.handle: IO[Any] | None = None
        self.regular = True  # False for a device or a FIFO, written into in place
        self._temp: Path | None = None

    def open(self) -> IO[Any]:
        """The stream to write to (a temporary file beside a regular target)."""
        import tempfile

        try:
            info: os.stat_result | None = os.stat(self.real)
        except FileNotFoundError:
            info = None
        try:
            if info is not None and not stat.S_ISREG(info.st_mode):
                fd = os.open(self.real, os.O_WRONLY)  # a device or a FIFO: written into
                self.regular = False
            else:
                fd, temp = tempfile.mkstemp(
                    prefix=f".{self.real.name}.", suffix=".part", dir=self.real.parent
                )
                self._temp = Path(temp)
                os.fchmod(fd, FILE_MODE)
        except OSError as exc:
            raise self.error(exc) from None
        if self.binary:
            self.handle = os.fdopen(fd, "wb")
        else:
            self.handle = os.fdopen(fd, "w", encoding="utf-8", newline="")
        return self.handle

    def commit(self) -> Path:
        """Flush, sync and put the file in place; returns its absolute path."""
        assert self.handle is not None
        try:
            self.handle.flush()
            if self._temp is not None:
                os.fsync(self.handle.fileno())
            self.handle.close()
            if self._temp is not None:
                os.replace(self._temp, self.real)
                self._temp = None
                _sync_folder(self.real.parent)
        except OSError as exc:
            self.discard()
            raise self.error(exc) from None
        return self.real

    def discard(self) -> None:
        """Drop what was written: the old file stays as it was, no temporary file is left."""
        if self.handle is not None:
            with suppress(OSError):  # what it could not flush is being thrown away anyway
                self.handle.close()
        if self._temp is not None:
            self._temp.unlink(missing_ok=True)
            self._temp = None

    def error(self, exc: OSError) -> InvalidInput:
        """The one error line for a failed write."""
        return _refuse(self.shown, exc.strerror or str(exc))

    def __enter__(self) -> IO[Any]:
        return self.open()

    def __exit__(self, kind: Any, exc: BaseException | None, _tb: Any) -> None:
        if exc is None:
            self.commit()
            return
        self.discard()
        if isinstance(exc, OSError):
            raise self.error(exc) from None


def _sync_folder(folder: Path) -> None:
    """Make the rename durable (best effort: not every file system lets a folder be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
