"""The stay columns of stage moves (`db.stays`), which the funnel reads: whoever writes the
history (a command, an import, the demo generator, migration 0004), every move ends up with what
its deal's history says, and the funnel moves with a deal whose currency is edited."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import maven_dir
from pg import pg_database, pg_server  # noqa: F401  (fixtures, requested by name)

from salesflow.db.stays import stay_columns

STAY_COLUMNS = ("left_at", "stay_seconds", "furthest_after", "reentry", "deal_currency")


def _stays(db: Path) -> dict[int, tuple[Any, ...]]:
    """Every move's stay columns as stored: id → (left_at, seconds, furthest, reentry, currency)."""
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute(f"SELECT id, {', '.join(STAY_COLUMNS)} FROM stage_moves")
        return {i: (left, secs, far, None if re is None else bool(re), cur)
                for i, left, secs, far, re, cur in rows}  # fmt: skip
    finally:
        conn.close()


def _from_history(db: Path) -> dict[int, tuple[Any, ...]]:
    """The same columns worked out afresh from each deal's history, deal status and currency."""
    conn = sqlite3.connect(db)
    try:
        kinds = {i: (kind, pos) for i, kind, pos in conn.execute(
            "SELECT id, kind, position FROM stages")}  # fmt: skip
        opens = {i: pos for i, (kind, pos) in kinds.items() if kind == "open"}
        deals = {i: (status, stage, currency) for i, status, stage, currency in conn.execute(
            "SELECT id, status, stage_id, currency FROM deals")}  # fmt: skip
        moves: dict[int, list[tuple[int, int, datetime]]] = {}
        for move_id, deal_id, stage_id, at in conn.execute(
            "SELECT id, deal_id, to_stage_id, at FROM stage_moves ORDER BY deal_id, at, id"
        ):
            moves.setdefault(deal_id, []).append((move_id, stage_id, datetime.fromisoformat(at)))
    finally:
        conn.close()
    expected = {}
    for deal_id, history in moves.items():
        status, stage, currency = deals[deal_id]
        won = kinds[stage][1] if status == "won" else None
        columns = stay_columns([(s, at) for _, s, at in history], opens, won_position=won,
                               currency=currency)  # fmt: skip
        for (move_id, _, _), (left_at, seconds, furthest, again, deal_currency) in zip(
            history, columns, strict=True
        ):
            left = left_at.strftime("%Y-%m-%d %H:%M:%S.%f") if left_at else None
            expected[move_id] = (left, seconds, furthest, again, deal_currency)
    return expected


def _ok(run: Any) -> Any:
    assert run.exit_code == 0, run.stderr
    return run


def test_every_kind_of_move_leaves_the_stays_derived(
    cli: Callable[..., Any], set_now: Callable[[str], None], isolated: Path
) -> None:
    for when, args in [
        ("2026-03-02T09:00", ("lead", "add", "Alpha", "--value", "1000")),
        ("2026-03-03T09:00", ("advance", "1")),
        ("2026-03-04T09:00", ("advance", "1", "--force")),
        ("2026-03-05T09:00", ("advance", "1", "--to", "contacted")),  # a regression
        ("2026-03-06T12:30", ("advance", "1", "--to", "demo", "--force")),
        ("2026-03-09T09:00", ("won", "1")),
        ("2026-03-10T09:00", ("reopen", "1")),  # back to demo: the win no longer stands
        ("2026-03-11T09:00", ("lost", "1", "--reason", "price")),
        ("2026-03-02T10:00", ("lead", "add", "Bravo", "--value", "2000", "--currency", "EUR")),
        ("2026-03-02T10:00", ("advance", "2")),  # a zero-length stay
        ("2026-03-12T10:00", ("won", "2")),
        ("2026-03-12T11:00", ("lead", "add", "Charlie", "--value", "3000")),
    ]:
        set_now(when)
        _ok(cli(*args))
    stays = _stays(isolated)
    assert stays == _from_history(isolated)
    assert len(stays) == 12
    assert all(row[-1] is not None for row in stays.values())  # nothing left to derive
    # Alpha: in contacted and demo twice (re-entries); from its first contacted stay it got
    # as far as demo (3); its win was undone, so after the last demo stay it got nowhere
    alpha = [stays[i] for i in sorted(stays)][:8]
    assert [row[3] for row in alpha] == [False, False, False, True, False, False, True, False]
    assert [row[2] for row in alpha[:7]] == [3, 3, 3, 3, 3, 3, None]
    assert alpha[0][1] == 86400 and alpha[7][0] is None  # a day in prospect; lost, still there


@pytest.mark.parametrize(
    "database", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_a_currency_edit_moves_the_deal_in_the_funnel(
    cli: Callable[..., Any], request: pytest.FixtureRequest, database: str
) -> None:
    env = (
        {"SALESFLOW_DB": request.getfixturevalue("pg_database")} if database == "postgres" else None
    )

    def sf(*args: str) -> Any:
        return _ok(cli(*args, env=env))

    for title, currency in [("One", "USD"), ("Two", "USD"), ("Three", "EUR")]:
        sf("lead", "add", title, "--value", "100", "--currency", currency)
    sf("advance", "1")
    before = sf("funnel", "--json").json()
    assert (before["currency"], before["left_out"]) == ("USD", {"EUR": 1})
    assert [s["entered"] for s in before["stages"][:2]] == [2, 1]
    sf("edit", "1", "--currency", "EUR")
    after = sf("funnel", "--json").json()
    assert (after["currency"], after["left_out"]) == ("EUR", {"USD": 1})
    assert [s["entered"] for s in after["stages"][:2]] == [2, 1]  # One and Three, One moved on
    usd = sf("funnel", "--currency", "USD", "--json").json()
    assert [s["entered"] for s in usd["stages"][:2]] == [1, 0]


def test_imported_deals_are_derived_and_counted(
    cli: Callable[..., Any], tmp_path: Path, isolated: Path
) -> None:
    rows = ["title,company,value,currency,stage,owner"] + [
        f"Deal {i},Co {i},{100 * i},{'EUR' if i % 4 == 0 else 'USD'},"
        f"{['Research', 'Connected', 'Demo'][i % 3]},{'ana' if i % 2 else 'ben'}"
        for i in range(1, 13)
    ]
    path = tmp_path / "leads.csv"
    path.write_text("\n".join(rows) + "\n")
    _ok(cli("import", str(path)))
    assert _stays(isolated) == _from_history(isolated)
    funnel = _ok(cli("funnel", "--json")).json()
    assert funnel["left_out"] == {"EUR": 3}
    assert sum(s["current"] for s in funnel["stages"]) == 9
    by_owner = _ok(cli("funnel", "--owner", "BEN", "--json")).json()
    assert sum(s["current"] for s in by_owner["stages"]) == 3  # 2, 6, 10 (4, 8, 12 are EUR)


def _rederived(db: Path) -> dict[int, tuple[Any, ...]]:
    """The stay columns after forgetting them all: the end of a write transaction derives
    them again with the SQL of `refresh_stays`."""
    from salesflow.db.engine import Database

    database = Database(str(db))
    try:
        with database.write() as session:
            session.connection().exec_driver_sql(
                "UPDATE stage_moves SET left_at = NULL, stay_seconds = NULL, "
                "furthest_after = NULL, reentry = NULL, deal_currency = NULL"
            )
    finally:
        database.dispose()
    return _stays(db)


def test_imported_won_and_lost_deals_are_derived(
    cli: Callable[..., Any], tmp_path: Path, isolated: Path
) -> None:
    path = tmp_path / "closed.csv"
    path.write_text(
        "title,company,value,stage,status,created,closed_on,lost_reason\n"
        "Won one,A,100,Won,won,2026-01-05,2026-02-01,\n"
        "Lost one,B,200,Lost,lost,2026-02-05,2026-03-01,price\n"
        "Open one,C,300,Demo,open,2026-03-05,,\n"
    )
    _ok(cli("import", str(path)))
    stays = _stays(isolated)
    assert stays == _from_history(isolated)
    assert sorted(row[2] for row in stays.values() if row[2] is not None)  # the won stay
    assert _rederived(isolated) == stays


@pytest.mark.skipif(
    not maven_dir().exists() and os.environ.get("CI") != "true", reason="no Maven data set here"
)
def test_an_import_fills_the_stays_as_the_sql_would(
    cli: Callable[..., Any], isolated: Path
) -> None:
    _ok(cli("import", str(maven_dir())))
    imported = _stays(isolated)
    assert len(imported) > 8800  # histories of several moves: prospecting → engaging → closed
    assert imported == _from_history(isolated)
    assert _rederived(isolated) == imported


def test_the_demo_fills_the_stays_as_the_sql_would(cli: Callable[..., Any], isolated: Path) -> None:
    _ok(cli("demo", "--size", "300", "--seed", "5"))
    generated = _stays(isolated)
    assert generated == _from_history(isolated)
    assert any(row[3] for row in generated.values())  # the demo has regressions
    assert _rederived(isolated) == generated


def test_the_migration_derives_the_stays_of_an_older_database(
    cli: Callable[..., Any], isolated: Path
) -> None:
    from salesflow.db.engine import Database
    from salesflow.db.schema import HEAD_REVISION, current_revision, downgrade, upgrade

    _ok(cli("demo", "--size", "300", "--seed", "6"))
    generated = _stays(isolated)
    funnel = _ok(cli("funnel", "--json")).json()
    db = Database(str(isolated))
    try:
        downgrade(db, "0003")
        upgrade(db)
        assert current_revision(db) == HEAD_REVISION
    finally:
        db.dispose()
    assert _stays(isolated) == generated
    assert _ok(cli("funnel", "--json")).json() == funnel
