"""The board is live: another process's change shows within 2 seconds, without a key press and
without losing the selection; on SQLite (PRAGMA data_version) and on PostgreSQL (LISTEN/NOTIFY),
where the core scenario (advance, won) runs too."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from boardkit import board_app, drive, settle, small_pipeline
from conftest import run_salesflow
from factories import Sales
from pg import pg_database, pg_server  # noqa: F401  (fixtures, requested by name below)


async def _wait_for(pilot: Any, seen: Any, within: float = 2.0) -> float:
    """Seconds until `seen()` holds (the board refreshing on its own), failing after `within`."""
    start = time.monotonic()
    while time.monotonic() - start < within:
        await pilot.pause(0.05)
        if seen():
            return time.monotonic() - start
    raise AssertionError(
        f"the board did not show the change within {within} s: {pilot.app.board.head}, {_cards(pilot.app)}"
    )


def _cards(app: Any) -> list[tuple[int, int]]:
    return [(col.index, c.deal_id) for col in app.board.columns for c in col.cards]


def _live_scenario(target: str, ids: dict[str, int], env: dict[str, str]) -> None:
    app = board_app(target, owner="ana", watch=True)

    async def scenario(pilot: Any) -> None:
        await pilot.press("j")  # Globex selected
        assert app.board.selected.deal_id == ids["globex"]
        # another rep, another process: advances Acme and adds a lead
        done = run_salesflow("advance", str(ids["acme"]), env=env)
        assert done.returncode == 0, done.stderr
        await _wait_for(pilot, lambda: (1, ids["acme"]) in _cards(app))
        assert app.board.selected.deal_id == ids["globex"]  # the selection stayed
        done = run_salesflow(
            "lead", "add", "Wayne deal", "--value", "900", "--owner", "ana", env=env
        )
        assert done.returncode == 0, done.stderr
        new = int(done.stdout.strip())
        await _wait_for(pilot, lambda: (0, new) in _cards(app))
        assert app.board.columns[0].column.deals == 3
        # and the board's own writes on the same database
        await pilot.press("w", "enter")
        await settle(pilot)
        assert ids["globex"] not in [d for _, d in _cards(app)]
        assert app.board.head.won.count == 1

    drive(app, scenario)


def test_live_on_sqlite(isolated: Path, set_now: Any) -> None:
    ids = small_pipeline(Sales(isolated, set_now))
    _live_scenario(str(isolated), ids, {"SALESFLOW_USER": "ben"})
    assert run_salesflow("show", str(ids["globex"]), "--json").stdout.count('"won"') >= 1


@pytest.mark.postgres
def test_live_and_core_scenario_on_postgresql(pg_database: str, set_now: Any) -> None:  # noqa: F811
    ids = small_pipeline(Sales(pg_database, set_now))
    env = {"SALESFLOW_DB": pg_database, "SALESFLOW_USER": "ben"}
    _live_scenario(pg_database, ids, env)
    shown = run_salesflow("show", str(ids["globex"]), "--json", env=env)
    assert '"status": "won"' in shown.stdout
    shown = run_salesflow("show", str(ids["acme"]), "--json", env=env)
    assert '"stage": "contacted"' in shown.stdout


def test_a_read_that_fails_is_a_notice_not_the_end_of_the_board(
    isolated: Path, set_now: Any
) -> None:
    """The database cannot be read for a while (a server restart, a file that went away): the
    keys that read show the `Error:` line as a notice; the board stays up and reads again."""
    from contextlib import contextmanager

    from salesflow.errors import SalesflowError

    ids = small_pipeline(Sales(isolated, set_now))
    app = board_app(isolated, owner="ana")

    async def scenario(pilot: Any) -> None:
        source = app.source
        working = source.reader

        @contextmanager
        def lost() -> Any:
            raise SalesflowError("database error: the connection is lost")
            yield  # pragma: no cover

        source.reader = lost
        for keys in (["j"], ["l"], ["pagedown"], ["d"], ["g"], ["slash", "a"], ["escape"]):
            await pilot.press(*keys)
            await settle(pilot)
        assert type(app.screen).__name__ == "BoardScreen"
        assert any(n.message.startswith("Error: database error: the connection is lost")
                   for n in app._notifications)  # fmt: skip
        source.reader = working
        await pilot.press("h", "j")
        await settle(pilot)
        assert app.board.selected.deal_id == ids["globex"]

    drive(app, scenario)


@pytest.mark.postgres
def test_the_board_reads_again_after_the_server_dropped_its_connection(
    pg_database: str,  # noqa: F811
    set_now: Any,
) -> None:
    """A PostgreSQL restart (here: the board's backend terminated) closes the board's lasting
    read connection: the key that finds it gone shows the error, the next one opens a new
    connection instead of failing until the board is restarted."""
    import psycopg

    ids = small_pipeline(Sales(pg_database, set_now))
    app = board_app(pg_database, owner="ana")

    async def scenario(pilot: Any) -> None:
        conninfo = pg_database.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(conninfo, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = current_database() AND pid <> pg_backend_pid()")  # fmt: skip
        await pilot.press("j")  # finds the connection gone: its error, as a notice
        await settle(pilot)
        errors = len([n for n in app._notifications if n.severity == "error"])
        assert type(app.screen).__name__ == "BoardScreen"
        await pilot.press("j")  # reads on a new connection
        await settle(pilot)
        assert len([n for n in app._notifications if n.severity == "error"]) == errors
        assert app.board.selected.deal_id == ids["initech"]

    drive(app, scenario)
