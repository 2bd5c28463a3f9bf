"""`export csv|json`: spreadsheet-safe CSV, and JSON that imports back unchanged."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest


def ok(run):
    assert run.exit_code == 0, (run.stdout, run.stderr)
    return run


@pytest.fixture
def busy(cli, set_now, tmp_path):
    """A database with most of what salesflow records: two pipelines, products, edits, moves
    back and forth, wins, a loss, a reopen, an upsell, activities and follow-ups."""
    toml = tmp_path / "partners.toml"
    toml.write_text('name = "partners"\n[[stages]]\nkey = "intro"\nname = "Intro"\n'
                    'probability = 0.2\n[[stages]]\nkey = "pilot"\nname = "Pilot"\n'
                    'probability = 0.6\n')  # fmt: skip
    set_now("2026-11-02T09:00")
    ok(cli("pipeline", "add", str(toml)))
    ok(cli("product", "add", "SEAT", "Seat licence", "--price", "300", "--recurring", "year"))
    ok(cli("lead", "add", "Acme rollout", "--company", "Acme", "--contact", "Jo Smith",
           "--email", "jo@acme.com", "--phone", "+1 555 0100", "--title", "CTO",
           "--value", "12.5k", "--source", "referral", "--industry", "Software",
           "--employees", "120", "--country", "US"))  # fmt: skip
    ok(cli("lead", "add", "Globex pilot", "--company", "Globex", "--contact", "Hank",
           "--value", "8000", "--currency", "EUR", "--pipeline", "partners"))  # fmt: skip
    ok(cli("lead", "add", "=HYPERLINK(\"http://evil\")", "--company", "@Evil Corp",
           "--contact", "-Mallory", "--email", "mal@evil.example", "--value", "1"))  # fmt: skip
    set_now("2026-11-05T10:30")
    ok(cli("advance", "1", "--note", "intro call went well"))
    ok(cli("advance", "1", "--to", "demo", "--force"))
    ok(cli("edit", "1", "--value", "15000", "--close-by", "2026-12-20", "--owner", "ben"))
    ok(cli("log", "1", "call", "Discovery call", "--outcome", "budget confirmed"))
    deck = ok(cli("task", "add", "1", "Send the deck", "--due", "2026-11-07", "--json")).json()
    ok(cli("task", "add", "1", "Weekly check-in", "--due", "2026-11-10", "--repeat", "weekly"))
    set_now("2026-11-09T09:00")
    ok(cli("advance", "1", "--to", "contacted", "--note", "champion left"))
    ok(cli("task", "done", str(deck["id"])))
    ok(cli("advance", "Globex", "--to", "pilot"))
    set_now("2026-11-20T16:00")
    ok(cli("won", "Acme", "--amount", "14000", "--note", "signed"))
    ok(cli("lost", "Globex", "--reason", "price", "--competitor", "Hooli"))
    ok(cli("lead", "add", "Acme expansion", "--company", "Acme", "--value", "3000",
           "--upsell-of", "1"))  # fmt: skip
    set_now("2026-11-23T09:00")
    ok(cli("reopen", "2", "--note", "they came back"))
    set_now("2026-11-27T09:00")
    return cli


def test_json_round_trip_is_identical(busy, tmp_path, monkeypatch):
    first = ok(busy("export", "json")).stdout
    data = json.loads(first)
    assert data["salesflow_export"] == 1
    assert data["what"] == "all"
    assert [p["name"] for p in data["pipelines"]] == ["sales", "partners"]
    assert [d["title"] for d in data["deals"]][:2] == ["Acme rollout", "Globex pilot"]
    acme = data["deals"][0]
    assert [(m["from"], m["to"]) for m in acme["history"]] == [
        (None, "prospect"), ("prospect", "contacted"), ("contacted", "demo"),
        ("demo", "contacted"), ("contacted", "won")]  # fmt: skip
    # the change log: playbook follow-ups closed by each move, the edit's fields, the follow-up
    # finished, and the stage's follow-up the win cancelled
    assert [c["field"] for c in acme["changes"]] == [
        "task #1", "task #3", "value", "owner", "close_by", "task #4", "task #5", "task #7"]  # fmt: skip
    assert acme["outcomes"][0]["amount"] == "14000.00"
    assert data["deals"][3]["upsell_of_id"] == 1
    assert len(data["tasks"]) >= 3

    path = tmp_path / "backup.json"
    path.write_text(first)
    monkeypatch.setenv("SALESFLOW_DB", str(tmp_path / "fresh" / "new.db"))
    imported = ok(busy("import", str(path), "--json")).json()
    assert imported["preset"] == "salesflow"
    assert imported["deals"]["created"] == 4
    second = ok(busy("export", "json")).stdout
    assert second == first
    # and what users see is the same too
    card = busy("show", "1", "--json").json()
    assert card["close"]["amount"] == "14000.00"
    assert "Send the deck" in [t["text"] for t in card["tasks"]]


def test_json_into_a_database_with_data_renumbers_and_skips_duplicates(busy, tmp_path):
    path = tmp_path / "all.json"
    ok(busy("export", "json", "--out", str(path)))
    again = ok(busy("import", str(path), "--json")).json()
    assert again["deals"] == {"created": 0, "updated": 0, "skipped": 4,
                              "by_status": {"open": 0, "won": 0, "lost": 0}}  # fmt: skip
    assert again["companies"]["reused"] == 3
    data = json.loads(path.read_text())
    data["deals"][0]["title"] = "Acme second rollout"  # a new deal now
    data["deals"] = data["deals"][:1]
    data["tasks"] = [t for t in data["tasks"] if t["deal_id"] == 1]
    path.write_text(json.dumps(data))
    report = ok(busy("import", str(path), "--json")).json()
    assert report["deals"]["created"] == 1
    new = busy("show", "Acme second rollout", "--json").json()
    assert new["id"] == 5  # the next free id, not 1
    assert new["company"] == "Acme"
    assert len(new["history"]) == 5


def test_partial_json_exports_import_by_name(busy, tmp_path, monkeypatch):
    deals_only = tmp_path / "deals.json"
    ok(busy("export", "json", "--what", "deals", "--out", str(deals_only)))
    assert set(json.loads(deals_only.read_text())) == {
        "salesflow_export", "salesflow", "what", "deals"}  # fmt: skip
    monkeypatch.setenv("SALESFLOW_DB", str(tmp_path / "fresh" / "new.db"))
    ok(busy("pipeline", "add", str(tmp_path / "partners.toml")))
    ok(busy("product", "add", "SEAT", "Seat licence", "--price", "300", "--recurring", "year"))
    report = ok(busy("import", str(deals_only), "--json")).json()
    assert report["deals"]["created"] == 4
    card = busy("show", "1", "--json").json()
    assert (card["company"], card["contact"], card["email"]) == ("Acme", "Jo Smith", "jo@acme.com")


def test_bad_json_is_refused_whole(cli, tmp_path, dump):
    cli("init")
    before = dump()
    broken = tmp_path / "broken.json"
    broken.write_text('{"salesflow_export": 1, "deals": [')
    run = cli("import", str(broken))
    assert run.exit_code == 1 and "is not valid JSON: line 1" in run.stderr
    other = tmp_path / "other.json"
    other.write_text('{"hello": 1}')
    assert "is not a salesflow export" in cli("import", str(other)).stderr
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"salesflow_export": 1, "deals": [
        {"id": 1, "title": "X", "pipeline": "sales", "stage": "nope", "status": "open",
         "value": "1.00", "currency": "USD", "owner": "ana", "created_at": "2026-01-01T00:00:00Z",
         "updated_at": "2026-01-01T00:00:00Z"},
        {"id": 2, "title": "Y", "pipeline": "sales", "stage": "prospect", "status": "maybe",
         "value": "1.00", "currency": "USD", "owner": "ana", "created_at": "2026-01-01T00:00:00Z",
         "updated_at": "2026-01-01T00:00:00Z"}]}))  # fmt: skip
    run = cli("import", str(bad))
    assert run.exit_code == 1
    assert run.stderr.startswith(
        "Error: bad.json: deals[0]: stage 'nope' is not in pipeline 'sales' (2 rows are bad)"
    )
    assert dump() == before


def rows_of(text):
    return list(csv.reader(io.StringIO(text)))


def test_csv_neutralises_formulas(busy):
    deals = rows_of(ok(busy("export", "csv")).stdout)
    assert deals[0][:4] == ["id", "title", "company", "contact"]
    evil = next(r for r in deals if r[0] == "3")
    assert evil[1] == '\'=HYPERLINK("http://evil")'
    assert evil[2] == "'@Evil Corp"
    assert evil[3] == "'-Mallory"
    assert next(r for r in deals if r[0] == "1")[5] == "'+1 555 0100"  # a phone starting with +
    for row in deals:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), row
    contacts = rows_of(ok(busy("export", "csv", "--what", "contacts")).stdout)
    assert contacts[3][1:3] == ["'-Mallory", "mal@evil.example"]
    companies = rows_of(ok(busy("export", "csv", "--what", "companies")).stdout)
    assert companies[1][:5] == ["1", "Acme", "Software", "120", "US"]
    tasks = rows_of(ok(busy("export", "csv", "--what", "tasks")).stdout)
    assert tasks[0] == ["id", "deal_id", "deal", "text", "due", "owner", "repeat", "done_at",
                        "created", "created_by", "closed_as"]  # fmt: skip


def test_csv_all_writes_a_folder_and_reimports(busy, tmp_path, monkeypatch):
    run = busy("export", "csv", "--what", "all")
    assert run.exit_code == 2 and "needs --out FOLDER" in run.stderr
    folder = tmp_path / "backup"
    out = ok(busy("export", "csv", "--what", "all", "--out", str(folder))).stdout
    assert out.startswith("Wrote 4 deals, 3 contacts, 3 companies,")
    assert sorted(p.name for p in folder.iterdir()) == [
        "companies.csv", "contacts.csv", "deals.csv", "tasks.csv"]  # fmt: skip
    assert oct((folder / "deals.csv").stat().st_mode & 0o777) == "0o600"
    monkeypatch.setenv("SALESFLOW_DB", str(tmp_path / "fresh" / "new.db"))
    ok(busy("pipeline", "add", str(tmp_path / "partners.toml")))
    report = ok(busy("import", str(folder / "deals.csv"), "--json")).json()
    assert report["preset"] == "generic"
    assert report["deals"]["by_status"] == {"open": 3, "won": 1, "lost": 0}  # Globex reopened
    card = busy("show", "Acme rollout", "--json").json()
    assert (card["status"], card["value"], card["owner"], card["email"]) == (
        "won", "15000.00", "ben", "jo@acme.com")  # fmt: skip


def test_export_usage(cli, tmp_path):
    run = cli("export", "json", "--what", "everything")
    assert run.exit_code == 2 and "--what must be one of" in run.stderr
    run = cli("export", "csv", "--out", str(tmp_path / "no" / "such" / "dir" / "x.csv"))
    assert run.exit_code == 1 and run.stderr.startswith("Error: cannot write")
    assert not Path(tmp_path / "no").exists()


def test_round_trip_holds_with_a_running_clock(busy, tmp_path, monkeypatch, set_now):
    first = ok(busy("export", "json")).stdout
    path = tmp_path / "backup.json"
    path.write_text(first)
    set_now("2026-12-24T18:30")  # later: nothing in the file says when it was written
    monkeypatch.setenv("SALESFLOW_DB", str(tmp_path / "fresh" / "new.db"))
    ok(busy("import", str(path)))
    assert ok(busy("export", "json")).stdout == first
