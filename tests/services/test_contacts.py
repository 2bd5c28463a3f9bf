"""`contact export` hands a person their data; `contact forget --yes` erases it, from the
database file too."""

from __future__ import annotations

from pathlib import Path

import pytest

EMAIL = "jo.smith@acme-example.com"


def ok(run):
    assert run.exit_code == 0, (run.stdout, run.stderr)
    return run


@pytest.fixture
def jo(cli, set_now):
    set_now("2026-11-02T09:00")
    ok(cli("lead", "add", "Jo Smith rollout", "--company", "Acme", "--contact", "Jo Smith",
           "--email", EMAIL, "--phone", "+1 555 0100", "--title", "CTO", "--value", "12k"))  # fmt: skip
    ok(cli("lead", "add", "Acme phase two", "--company", "Acme", "--email", EMAIL.upper(),
           "--value", "5k"))  # fmt: skip
    ok(cli("lead", "add", "Globex pilot", "--company", "Globex", "--contact", "Hank Scorpio",
           "--email", "hank@globex.example", "--value", "8k"))  # fmt: skip
    set_now("2026-11-10T09:00")
    ok(cli("log", "1", "call", "Called Jo Smith about the rollout", "--outcome",
           f"sent the deck to {EMAIL}"))  # fmt: skip
    ok(cli("advance", "1", "--note", "Jo Smith is keen"))
    ok(cli("task", "add", "1", "Send Jo Smith the contract", "--due", "2026-11-12"))
    ok(cli("won", "2", "--amount", "5000"))
    set_now("2026-11-27T09:00")
    return cli


def test_contact_export_hands_over_their_data(jo):
    data = ok(jo("contact", "export", EMAIL)).json()
    assert data["contact"] == {"id": 1, "name": "Jo Smith", "email": EMAIL, "phone": "+1 555 0100",
                               "title": "CTO", "company": "Acme",
                               "created_at": "2026-11-02T09:00:00Z"}  # fmt: skip
    assert [(d["id"], d["title"], d["status"]) for d in data["deals"]] == [
        (1, "Jo Smith rollout", "open"), (2, "Acme phase two", "won")]  # fmt: skip
    assert data["deals"][0]["activities"][0]["summary"] == "Called Jo Smith about the rollout"
    assert "Send Jo Smith the contract" in [t["text"] for t in data["deals"][0]["tasks"]]
    assert ok(jo("contact", "export", "#1")).json() == data
    assert ok(jo("contact", "export", "jo sm")).json() == data
    assert ok(jo("contact", "export", "jo sm", "--json")).json() == data  # JSON either way


def test_contact_export_to_a_file_and_bad_references(jo, tmp_path):
    out = tmp_path / "jo.json"
    assert (
        ok(jo("contact", "export", "1", "--out", str(out))).stdout
        == f"Wrote Jo Smith's data to {out}.\n"
    )
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    written = ok(jo("contact", "export", "1", "--out", str(out), "--json")).json()
    assert written == {"contact_id": 1, "written": str(out)}
    run = jo("contact", "export", "99")
    assert (run.exit_code, run.stderr) == (1, "Error: no contact #99\n")
    run = jo("contact", "export", "nobody@nowhere.example")
    assert run.exit_code == 1 and "no contact with email" in run.stderr
    ok(jo("lead", "add", "Other Jo", "--contact", "Jo Smithers"))
    run = jo("contact", "export", "jo smith")  # exactly one is called that
    assert run.json()["contact"]["id"] == 1
    run = jo("contact", "export", "smith")
    assert run.exit_code == 1 and "'smith' matches 2 contacts" in run.stderr


def test_forget_needs_yes_and_changes_nothing_without(jo, dump):
    before = dump()
    run = jo("contact", "forget", EMAIL)
    assert run.exit_code == 2
    assert run.stderr.splitlines()[0] == "Error: forgetting a person cannot be undone: add --yes"
    assert dump() == before


def file_bytes(db: Path) -> bytes:
    data = db.read_bytes()
    wal = Path(str(db) + "-wal")
    return data + (wal.read_bytes() if wal.exists() else b"")


def test_forget_erases_the_person_and_leaves_no_bytes(jo, isolated):
    from salesflow.config import outbox_dir

    outbox = outbox_dir(str(isolated))
    outbox.mkdir(parents=True, exist_ok=True)
    (outbox / "2026-11-10-deal1-intro.eml").write_text(f"To: Jo Smith <{EMAIL}>\n\nHi Jo\n")
    (outbox / "2026-11-10-deal3-intro.eml").write_text("To: hank@globex.example\n\nHi Hank\n")
    assert EMAIL.encode() in file_bytes(isolated)

    run = ok(jo("contact", "forget", "Jo Smith", "--yes"))
    assert run.stdout.splitlines() == [
        "Forgot contact #1. Their deals (#1, #2) keep anonymous figures.",
        "Scrubbed their name or email from 7 places in their deals.",  # incl. the hand-off note
        "Removed 1 drafted email to them from the outbox.",
        "Checked: the database file no longer holds their email.",
    ]
    assert EMAIL.encode() not in file_bytes(isolated)
    assert b"Jo Smith" not in file_bytes(isolated)
    assert b"hank@globex.example" in file_bytes(isolated)  # nobody else is touched
    assert sorted(p.name for p in outbox.iterdir()) == ["2026-11-10-deal3-intro.eml"]

    card = ok(jo("show", "1", "--json")).json()
    assert (card["title"], card["contact"], card["email"]) == ("(forgotten) rollout", None, None)
    assert (card["value"], card["stage"], card["company"]) == ("12000.00", "contacted", "Acme")
    assert card["activities"][0]["summary"] == "Called (forgotten) about the rollout"
    assert card["activities"][0]["outcome"] == "sent the deck to (forgotten)"
    won = ok(jo("show", "2", "--json")).json()
    assert (won["status"], won["close"]["amount"]) == ("won", "5000.00")
    trail = ok(jo("history", "1", "--json")).json()["events"]
    assert trail[-1]["kind"] == "field" and trail[-1]["field"] == "contact"
    assert (trail[-1]["from"], trail[-1]["to"], trail[-1]["by"]) == ("(forgotten)", None, "ana")
    funnel = ok(jo("funnel", "--json")).json()
    assert funnel["won"] == {"count": 1, "value": "5000.00"}
    run = jo("contact", "export", EMAIL)
    assert run.exit_code == 1
    forgotten = ok(jo("contact", "forget", "hank@globex.example", "--yes", "--json")).json()
    assert forgotten == {"contact_id": 2, "deals": [3], "texts_scrubbed": 0, "outbox_files": 1,
                         "verified": True, "vacuumed": False, "note": None,
                         "written_files": []}  # fmt: skip


def test_forget_scrubs_whole_words_only(cli):
    ok(cli("lead", "add", "Annual plan for Ann", "--contact", "Ann", "--email", "ann@x.example"))
    ok(cli("contact", "forget", "ann@x.example", "--yes"))
    assert cli("show", "1", "--json").json()["title"] == "Annual plan for (forgotten)"
