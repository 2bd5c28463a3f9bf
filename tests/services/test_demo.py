"""`salesflow demo`: a believable demo database, the same one for the same seed, and a history
every other command can trust (moves chain up, closed deals have their outcome, `db check` passes).
"""

from __future__ import annotations

import sqlite3
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from conftest import NOW as FROZEN_NOW
from pg import pg_database, pg_server  # noqa: F401  (fixtures, requested by name)

from salesflow.config import DEFAULT_LOST_REASONS

NOW = datetime.fromisoformat(FROZEN_NOW)  # conftest's frozen clock, in UTC
TODAY = NOW.date()


def _demo(cli: Callable[..., Any], *args: str, db: Path | None = None) -> Any:
    prefix = ("--db", str(db)) if db else ()
    result = cli(*prefix, "demo", *args)
    assert result.exit_code == 0, result.stderr
    return result


def _rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def _dump(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        # the rows only: SQLite may list a table's indexes in either order after a migration
        return "\n".join(line for line in conn.iterdump() if line.startswith("INSERT"))
    finally:
        conn.close()


@pytest.fixture
def demo_db(cli: Callable[..., Any], tmp_path: Path) -> Path:
    """A 300-deal demo (seed 7) in its own file."""
    path = tmp_path / "demo.db"
    _demo(cli, "--size", "300", db=path)
    return path


# --- the command -------------------------------------------------------------------------------


def test_demo_prints_summary_funnel_due_list_and_how_to_explore(cli, isolated):
    out = _demo(cli, "--size", "300").stdout
    assert f"Demo database: {isolated} (300 deals, 100 companies, " in out
    assert "Funnel: sales (USD)" in out
    for stage in ("Research", "Connected", "Qualified", "Demo", "Proposal"):
        assert stage in out
    assert "Win rate" in out
    assert "due by end of 2026-11-27" in out
    assert "overdue" in out
    assert "Explore it:" in out
    assert f"SALESFLOW_DB={isolated} salesflow lead list" in out
    # and the database it names is there to explore
    listed = cli("lead", "list", "--all", "--json").json()["deals"]
    assert len(listed) == 300


def test_demo_without_db_writes_demo_db_in_the_data_dir(cli, monkeypatch, tmp_path):
    monkeypatch.delenv("SALESFLOW_DB")
    out = _demo(cli, "--size", "20").stdout
    first = out.splitlines()[0]
    assert first.startswith("Demo database: ")
    assert "demo.db (20 deals, 7 companies, " in first
    where = Path(first.removeprefix("Demo database: ").split(" (")[0])
    assert where.name == "demo.db"
    assert where.is_relative_to(tmp_path)
    assert not (where.parent / "salesflow.db").exists()


def test_demo_refuses_a_database_that_holds_deals(cli, dump):
    assert cli("lead", "add", "Acme rollout", "--company", "Acme").exit_code == 0
    before = dump()
    result = cli("demo", "--size", "10")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: the database already holds deals")
    assert "--db" in result.stderr  # the hint: use a fresh file
    assert dump() == before


def test_size_must_be_positive(cli):
    result = cli("demo", "--size", "0")
    assert result.exit_code == 1
    assert "--size" in result.stderr


# --- reproducible --------------------------------------------------------------------------------


def test_same_seed_same_data_different_seed_different(cli, tmp_path):
    a, b, c = tmp_path / "a.db", tmp_path / "b.db", tmp_path / "c.db"
    _demo(cli, "--size", "300", "--seed", "11", db=a)
    _demo(cli, "--size", "300", "--seed", "11", db=b)
    _demo(cli, "--size", "300", "--seed", "12", db=c)

    def listing(db: Path) -> str:
        result = cli("--db", str(db), "lead", "list", "--all", "--json")
        assert result.exit_code == 0, result.stderr
        return result.stdout

    assert listing(a) == listing(b)
    assert _dump(a) == _dump(b)  # every table, ids and timestamps included
    assert listing(a) != listing(c)


def test_dates_count_back_from_the_clock(cli, tmp_path, set_now):
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    _demo(cli, "--size", "50", db=a)
    set_now("2027-03-01T09:00")
    _demo(cli, "--size", "50", db=b)
    sql = "SELECT max(at) FROM stage_moves"
    assert _rows(a, sql)[0][0] < "2026-11-27 09:00:01"
    assert "2027-01-01" < _rows(b, sql)[0][0] < "2027-03-01 09:00:01"


# --- a history the other commands can trust ------------------------------------------------------


def test_every_deal_has_a_consistent_stage_history(demo_db):
    stages = {sid: (key, kind, pos) for sid, key, kind, pos in _rows(
        demo_db, "SELECT id, key, kind, position FROM stages")}  # fmt: skip
    deals = {d[0]: d for d in _rows(
        demo_db, "SELECT id, stage_id, status, created_at, updated_at, version FROM deals"
    )}  # fmt: skip
    moves: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for move in _rows(demo_db, "SELECT deal_id, from_stage_id, to_stage_id, at, regression "
                               "FROM stage_moves ORDER BY deal_id, at, id"):  # fmt: skip
        moves[move[0]].append(move)
    assert len(deals) == 300
    assert set(moves) == set(deals)
    regressions = 0
    for deal_id, (_, stage_id, status, created_at, updated_at, version) in deals.items():
        history = moves[deal_id]
        first = history[0]
        assert first[1] is None, f"deal {deal_id}: first move has a from stage"
        assert stages[first[2]][0] == "prospect"
        assert first[3] == created_at
        assert all(m[1] is not None for m in history[1:])
        for before, after in pairwise(history):
            assert after[1] == before[2], f"deal {deal_id}: moves do not chain"
            assert after[3] > before[3], f"deal {deal_id}: moves out of order"
            going_back = stages[after[2]][2] < stages[after[1]][2]
            assert bool(after[4]) == going_back
            regressions += going_back
        assert history[-1][3] <= NOW.isoformat(sep=" ")
        assert stage_id == history[-1][2], f"deal {deal_id}: stage is not the last move's"
        kind = stages[stage_id][1]
        assert status == (kind if kind in ("won", "lost") else "open")
        assert updated_at == history[-1][3]
        assert version == len(history)
    assert regressions > 0  # an occasional step back, recorded as a regression


def test_closed_deals_have_their_close_outcome(demo_db):
    outcomes = {o[0]: o for o in _rows(demo_db, """
        SELECT c.deal_id, c.outcome, c.amount_minor, c.currency, c.reason, c.competitor,
               c.from_stage_id, c.closed_on, c.at, d.value_minor, d.currency, d.status,
               (SELECT from_stage_id FROM stage_moves m WHERE m.deal_id = d.id
                ORDER BY m.at DESC, m.id DESC LIMIT 1), d.updated_at
        FROM close_outcomes c JOIN deals d ON d.id = c.deal_id""")}  # fmt: skip
    closed = {d for (d,) in _rows(demo_db, "SELECT id FROM deals WHERE status <> 'open'")}
    assert set(outcomes) == closed
    assert len(outcomes) == len(_rows(demo_db, "SELECT id FROM close_outcomes"))
    won = lost = 0
    for row in outcomes.values():
        (_, outcome, amount, currency, reason, _, from_stage, closed_on, at, value, deal_currency,
         status, last_from, updated_at) = row  # fmt: skip
        assert outcome == status
        assert currency == deal_currency
        assert from_stage == last_from  # the stage it was won or lost from
        assert at == updated_at
        assert closed_on == at[:10]
        if outcome == "won":
            won += 1
            assert reason is None
            assert 0.8 * value <= amount <= 1.1 * value
        else:
            lost += 1
            assert reason in DEFAULT_LOST_REASONS
            assert amount == value
    assert won > 10
    assert lost > 10
    reasons = Counter(r for (r,) in _rows(demo_db, "SELECT reason FROM close_outcomes "
                                                  "WHERE outcome = 'lost'"))  # fmt: skip
    assert len(reasons) >= 4
    competitors = _rows(demo_db, "SELECT competitor FROM close_outcomes "
                                 "WHERE reason = 'competitor'")  # fmt: skip
    assert competitors
    assert all(c for (c,) in competitors)


def test_db_check_passes(cli, tmp_path):
    db = tmp_path / "demo.db"
    _demo(cli, "--size", "300", db=db)
    check = cli("--db", str(db), "db", "check")
    assert check.exit_code == 0, check.stdout
    assert check.stdout.startswith("ok")


def test_funnel_figures_hold_together(cli, tmp_path):
    db = tmp_path / "demo.db"
    _demo(cli, "--size", "300", db=db)
    funnel = cli("--db", str(db), "funnel", "--json").json()
    assert funnel["currency"] == "USD"
    assert set(funnel["left_out"]) == {"EUR"}
    stages = funnel["stages"]
    assert [s["key"] for s in stages] == ["prospect", "contacted", "qualified", "demo", "proposal"]
    for stage in stages:
        assert stage["entered"] >= stage["converted"] >= 0
        assert 0 <= stage["current"] <= stage["entered"]
        assert stage["median_days"] is not None
        assert stage["median_days"] > 0
    # stage by stage, no skipping: each stage saw at least as many deals as the next
    entered = [s["entered"] for s in stages]
    assert entered == sorted(entered, reverse=True)
    assert stages[0]["entered"] + funnel["left_out"]["EUR"] == 300
    assert funnel["won"]["count"] > 0
    assert funnel["lost"]["count"] > 0
    assert 0.05 < funnel["win_rate"] < 0.6


# --- follow-ups ----------------------------------------------------------------------------------


def test_follow_ups_overdue_due_today_future_and_done(cli, tmp_path):
    db = tmp_path / "demo.db"
    _demo(cli, "--size", "300", db=db)
    due = cli("--db", str(db), "due-today", "--all", "--json").json()
    assert due["as_of"] == "2026-11-27"
    late = [t["overdue_days"] for t in due["tasks"]]
    assert any(d > 0 for d in late), "no overdue follow-ups"
    assert 0 in late, "nothing due today"
    rows = _rows(db, "SELECT f.due, f.done_at, f.created_at, d.status FROM follow_ups f "
                     "JOIN deals d ON d.id = f.deal_id")  # fmt: skip
    assert any(done is None and due_on > TODAY.isoformat() for due_on, done, _, _ in rows)
    assert any(done is not None for _, done, _, _ in rows)
    for _, done, made, _ in rows:
        assert made <= NOW.isoformat(sep=" ")
        assert done is None or made <= done <= NOW.isoformat(sep=" ")
    per_open_deal = Counter(deal for (deal,) in _rows(db, """
        SELECT f.deal_id FROM follow_ups f JOIN deals d ON d.id = f.deal_id
        WHERE f.done_at IS NULL AND d.status = 'open'"""))  # fmt: skip
    assert max(per_open_deal.values()) <= 2
    open_deals = _rows(db, "SELECT count(*) FROM deals WHERE status = 'open'")[0][0]
    assert len(per_open_deal) < open_deals  # some open deals have no next step (see `stale`)


# --- believable ----------------------------------------------------------------------------------


def test_a_bigger_demo_looks_like_a_sales_team(isolated):
    """5,000 deals straight through the service: the shape of the data, not exact figures."""
    from salesflow.services.demo import build_demo
    from salesflow.services.workspace import open_workspace

    db = open_workspace(None)
    with db.write() as session:
        summary = build_demo(size=5000, seed=3, session=session)
    db.dispose()
    reps = sorted(r for (r,) in _rows(isolated, "SELECT DISTINCT owner FROM deals"))
    assert summary == f"5,000 deals, 1,667 companies, {len(reps)} reps"
    assert 4 <= len(reps) <= 6
    assert reps[0] == "ana"
    assert all(len(r) <= 5 and r.isalpha() and r.islower() for r in reps)

    companies = _rows(isolated, "SELECT name, industry, employees, country FROM companies")
    assert len(companies) == 1667
    assert len({c[0].lower() for c in companies}) == 1667
    assert len({c[1] for c in companies}) >= 8
    assert len({c[3] for c in companies}) >= 8
    assert all(c[2] >= 5 for c in companies)
    no_deal = _rows(isolated, "SELECT count(*) FROM companies c WHERE NOT EXISTS "
                              "(SELECT 1 FROM deals d WHERE d.company_id = c.id)")  # fmt: skip
    assert no_deal == [(0,)]
    contacts = _rows(isolated, "SELECT name, email, title, company_id FROM contacts")
    assert len(contacts) >= 1667
    assert all(c[1] and "@" in c[1] and c[2] for c in contacts)
    assert _rows(isolated, "SELECT count(*) FROM deals d JOIN contacts p ON p.id = d.contact_id "
                           "WHERE p.company_id <> d.company_id") == [(0,)]  # fmt: skip

    currencies = Counter(c for (c,) in _rows(isolated, "SELECT currency FROM deals"))
    assert set(currencies) == {"USD", "EUR"}
    assert currencies["EUR"] < 0.15 * 5000
    values = [v for (v,) in _rows(isolated, "SELECT value_minor FROM deals")]
    assert min(values) > 0
    assert all(v % 100 == 0 for v in values)
    assert 3_000_00 < statistics.median(values) < 60_000_00

    created = [datetime.fromisoformat(c) for (c,) in _rows(isolated, "SELECT created_at FROM deals")
               ]  # fmt: skip
    assert NOW - timedelta(days=280) < min(created)
    assert max(created) <= NOW
    assert max(created) - min(created) > timedelta(days=240)  # about nine months of deals

    by_source: dict[str, Counter[str]] = defaultdict(Counter)
    for source, status in _rows(isolated, "SELECT source, status FROM deals"):
        by_source[source][status] += 1
    assert set(by_source) == {"referral", "inbound", "outbound", "event", "partner"}

    def win_rate(source: str) -> float:
        counts = by_source[source]
        return counts["won"] / (counts["won"] + counts["lost"])

    assert win_rate("referral") > win_rate("outbound")
    assert win_rate("partner") > win_rate("outbound")
    statuses = Counter(s for c in by_source.values() for s in c.elements())
    assert statuses["open"] > 0.1 * 5000
    assert statuses["won"] > 0.08 * 5000
    assert _rows(isolated, "SELECT count(*) FROM stage_moves WHERE regression") != [(0,)]


@pytest.mark.postgres
def test_demo_on_postgresql_matches_sqlite_and_leaves_ids_usable(cli, tmp_path, request):
    """The bulk inserts work on PostgreSQL, give the same deals, and `lead add` still gets an id."""
    pg_url = request.getfixturevalue("pg_database")
    sqlite_db = tmp_path / "demo.db"
    _demo(cli, "--size", "300", "--seed", "5", db=sqlite_db)
    result = cli("--db", pg_url, "demo", "--size", "300", "--seed", "5")
    assert result.exit_code == 0, result.stderr
    on_sqlite = cli("--db", str(sqlite_db), "lead", "list", "--all", "--json").json()
    on_pg = cli("--db", pg_url, "lead", "list", "--all", "--json").json()
    assert on_pg == on_sqlite
    added = cli("--db", pg_url, "lead", "add", "Fresh lead", "--company", "Brand New Co")
    assert added.exit_code == 0, added.stderr
    assert added.stdout.strip() == "301"
    assert cli("--db", pg_url, "advance", "301").exit_code == 0
    task = cli("--db", pg_url, "task", "add", "301", "Call", "--due", "tomorrow")
    assert task.exit_code == 0, task.stderr


# --- the build's bookkeeping (bounded memory) ----------------------------------------------------


def test_a_demo_keeps_the_schema_and_its_indexes(cli, tmp_path):
    """The demo sets SQLite's plain indexes aside while its rows go in and makes them again:
    the file ends with exactly the indexes `init` makes, and they are used."""
    fresh, demo = tmp_path / "fresh.db", tmp_path / "demo.db"
    assert cli("--db", str(fresh), "init").exit_code == 0
    _demo(cli, "--size", "2500", db=demo)

    def indexes(db: Path) -> set[tuple[Any, ...]]:  # (a table's constraints may come in any order)
        return set(_rows(db, "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index'"))

    assert indexes(demo) == indexes(fresh)
    assert len(indexes(demo)) > 30
    plan = _rows(demo, "EXPLAIN QUERY PLAN SELECT id FROM follow_ups WHERE deal_id = 5")
    assert "ix_follow_ups_deal_id" in str(plan)
    assert cli("--db", str(demo), "db", "check").exit_code == 0


def test_accounts_give_back_what_went_in():
    from salesflow.services.demo.world import Account, Accounts

    made = [
        Account("Nordwind Café GmbH", "Hospitality", 40, "DE", "ana"),
        Account("Bluepeak Labs", "Software", 1200, "US", "chloe"),
        Account("Oakridge Freight Ltd", "Logistics", 7, "GB", "fay"),
    ]
    accounts = Accounts()
    for account in made:
        accounts.append(account)
    accounts.set_contacts(1, 41, 2)
    assert len(accounts) == 3
    assert accounts[0] == made[0] and accounts[2] == made[2]
    assert accounts[1] == Account("Bluepeak Labs", "Software", 1200, "US", "chloe", 41, 2)
    assert accounts[0].short == "Nordwind Café" and accounts[1].short == "Bluepeak Labs"
