"""Large imports take the bulk path (indexes set aside and made again, offsets looked up once per
hour): the result is the same as the row-by-row rules give, and a failed, dry or partial large
import leaves the schema as it was."""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from test_import_crash import write_leads

from salesflow import clock, config

ROWS = 12_000  # above INDEX_REBUILD_ROWS


def schema(db):
    conn = sqlite3.connect(db)
    try:
        return set(conn.execute("SELECT type, name, sql FROM sqlite_master"))
    finally:
        conn.close()


def count(db, table):
    conn = sqlite3.connect(db)
    try:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        conn.close()


def test_a_large_import_keeps_the_schema_and_its_indexes(cli, isolated, tmp_path):
    from salesflow.services.imports.writer import INDEX_REBUILD_ROWS

    assert ROWS > INDEX_REBUILD_ROWS
    assert cli("init").exit_code == 0
    before = schema(isolated)
    leads = tmp_path / "leads.csv"
    write_leads(leads, ROWS)
    done = cli("import", str(leads), "--json")
    assert done.exit_code == 0, done.stderr
    assert done.json()["deals"]["created"] == ROWS
    assert schema(isolated) == before
    assert cli("db", "check").exit_code == 0
    # the indexes are in use again: a lookup by contact goes through its index
    conn = sqlite3.connect(isolated)
    plan = conn.execute("EXPLAIN QUERY PLAN SELECT id FROM deals WHERE contact_id = 5").fetchall()
    conn.close()
    assert "ix_deals_contact_id" in str(plan)
    card = cli("show", "777", "--json").json()
    assert card["title"].endswith("rollout 776")
    assert card["history"][0]["note"] == "imported from generic: leads.csv line 778"


def test_a_failed_dry_or_partial_large_import(cli, isolated, tmp_path, dump):
    assert cli("init").exit_code == 0
    leads = tmp_path / "leads.csv"
    write_leads(leads, ROWS)
    with leads.open("a", encoding="utf-8") as handle:
        handle.write("Broken deal,Acme,Jo,jo@acme.com,ten,Demo,ana,2026-01-01 10:00:00\n")
    before = dump()

    failed = cli("import", str(leads))
    assert failed.exit_code == 1
    assert f"line {ROWS + 2}: value 'ten'" in failed.stderr
    assert dump() == before

    dry = cli("import", str(leads), "--dry-run", "--skip-invalid", "--json")
    assert dry.exit_code == 3
    assert dry.json()["deals"]["created"] == ROWS
    assert dump() == before

    schema_before = schema(isolated)
    partial = cli("import", str(leads), "--skip-invalid", "--json")
    assert partial.exit_code == 3
    assert count(isolated, "deals") == ROWS
    assert schema(isolated) == schema_before
    assert cli("db", "check").exit_code == 0


@pytest.mark.parametrize(
    "zone", ["Europe/Paris", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu", "UTC"]
)
def test_local_times_become_utc_exactly_as_the_clock_does(zone):
    """The importer looks a zone's offset up once per hour; around every change of offset
    (spring forward, fall back, Lord Howe's half hour) it gives what `clock.to_utc` gives."""
    from salesflow.services.imports.cell_values import local_to_utc

    Path(os.environ["SALESFLOW_CONFIG"]).write_text(f'timezone = "{zone}"\n')
    config.load_config.cache_clear()
    clock.local_zone.cache_clear()
    assert clock.local_zone() == ZoneInfo(zone)

    class Ctx:
        _offsets: dict = {}  # noqa: RUF012

    moments = []
    for start in ("2026-03-08", "2026-03-29", "2026-04-05", "2026-10-04", "2026-10-25",
                  "2026-11-01", "1986-01-01"):  # fmt: skip
        first = datetime.fromisoformat(start)
        moments += [first + timedelta(minutes=7 * i, seconds=i % 60) for i in range(600)]
    for moment in moments:
        assert local_to_utc(Ctx, moment) == clock.to_utc(moment), moment  # type: ignore[arg-type]
