"""Where a board reads and writes: one lasting read connection (a fresh snapshot per read),
the change watcher on it, the scope, and the writes as the acting user (`actions`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from salesflow.db.reader import LastingReader, Reader
    from salesflow.services.board.actions import BoardActions
    from salesflow.services.board.live import ChangeWatcher
    from salesflow.services.board.view import BoardHead, BoardScope


@dataclass
class BoardSource:
    """Where the board reads and writes: the database target, the scope, the writes as the
    acting user, and whether to watch for changes."""

    target: str
    scope: BoardScope
    actions: BoardActions
    live: bool = True
    first_head: BoardHead | None = None  # the head the command read already (it is not reread)
    _lasting: LastingReader | None = field(default=None, repr=False)
    watcher: ChangeWatcher | None = field(default=None, repr=False)

    def open(self) -> None:
        """Open the lasting read connection (and the watcher on it)."""
        from salesflow.db.reader import LastingReader
        from salesflow.services.board.live import ChangeWatcher

        if self._lasting is None:
            self._lasting = LastingReader(self.target)
            if self.live:
                self.watcher = ChangeWatcher(self.target, self._lasting)

    @contextmanager
    def reader(self) -> Iterator[Reader]:
        """A fresh snapshot of the database (it is migrated already: the command opened it)."""
        self.open()
        assert self._lasting is not None
        with self._lasting.snapshot() as reader:
            yield reader

    def close(self) -> None:
        if self.watcher is not None:
            self.watcher.close()
        if self._lasting is not None:
            self._lasting.close()
            self._lasting = None
