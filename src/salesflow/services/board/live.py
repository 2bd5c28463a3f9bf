"""Whether the database changed since the board last looked: cheap enough to ask twice a second.

- SQLite: `PRAGMA data_version` on the board's lasting read connection changes whenever another
  connection commits (another salesflow, a script, an import, or the board's own writes).
- PostgreSQL: every write of ours ends with `NOTIFY salesflow_changes` (`db/engine.py`); a
  thread LISTENs on its own connection and raises a flag.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from salesflow.db.location import is_url

if TYPE_CHECKING:
    from salesflow.db.reader import LastingReader


class ChangeWatcher:
    """`changed()` is True once after each change made since the last call."""

    def __init__(self, target: str, lasting: LastingReader) -> None:
        self.target = target
        self._sqlite: LastingReader | None = None
        self._version: tuple[int, int] | None = None
        self._flag = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        if is_url(target):
            self._thread = threading.Thread(target=self._listen, name="board-listen", daemon=True)
            self._thread.start()
        else:
            self._sqlite = lasting
            self._version = lasting.version()

    def _listen(self) -> None:
        import re

        import psycopg

        from salesflow.db.engine import CHANGES_CHANNEL

        conninfo = re.sub(r"^postgresql\+\w+://", "postgresql://", self.target)
        while not self._stop.is_set():
            try:
                with psycopg.connect(conninfo, autocommit=True) as conn:
                    conn.execute("LISTEN " + CHANGES_CHANNEL)
                    self._flag.set()  # (re)connected: whatever happened meanwhile is shown
                    while not self._stop.is_set():
                        for _ in conn.notifies(timeout=0.5, stop_after=1):
                            self._flag.set()
            except psycopg.Error:
                self._stop.wait(1.0)  # the server went away: try again in a moment

    def changed(self) -> bool:
        """Whether anything was committed since the last call."""
        if self._sqlite is not None:
            try:
                now = self._sqlite.version()
            except Exception:  # the file is busy or gone for a moment: ask again next time
                return False
            if now != self._version:
                self._version = now
                return True
            return False
        if self._flag.is_set():
            self._flag.clear()
            return True
        return False

    def close(self) -> None:
        """Stop watching (the listening thread ends within half a second)."""
        self._stop.set()
        self._sqlite = None
        if self._thread is not None:
            self._thread.join(timeout=2)
