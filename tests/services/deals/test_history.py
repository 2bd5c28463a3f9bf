"""`history DEAL`: every change to a deal, who made it, when, old → new."""

from __future__ import annotations


def ok(run):
    assert run.exit_code == 0, (run.stdout, run.stderr)
    return run


def test_history_tells_the_whole_story(cli, set_now):
    set_now("2026-11-02T09:00")
    ok(cli("lead", "add", "Acme rollout", "--company", "Acme", "--value", "12k"))
    set_now("2026-11-03T10:00")
    ok(cli("advance", "1", "--note", "intro call"))
    ok(cli("--as", "ben", "edit", "1", "--value", "15000", "--close-by", "2026-12-20"))
    set_now("2026-11-05T11:00")
    ok(cli("advance", "1", "--to", "qualified", "--force"))
    ok(cli("log", "1", "demo", "Demo to the team", "--outcome", "liked it"))
    set_now("2026-11-06T12:00")
    ok(cli("advance", "1", "--to", "contacted", "--note", "champion left"))
    set_now("2026-11-10T09:00")
    ok(cli("--as", "chloe", "lost", "1", "--reason", "competitor", "--competitor", "Hooli"))
    set_now("2026-11-12T09:00")
    ok(cli("reopen", "1", "--note", "Hooli fell through"))
    set_now("2026-11-20T15:00")
    ok(cli("won", "1", "--amount", "14000", "--note", "signed"))
    events = ok(cli("history", "acme", "--json")).json()
    assert events["deal_id"] == 1 and events["title"] == "Acme rollout"
    trail = [(e["at"][5:16], e["by"], e["kind"], e["field"], e["from"], e["to"], e["note"])
             for e in events["events"]
             if e["kind"] not in ("task added", "task done", "task superseded",
                                  "task cancelled")]  # fmt: skip
    assert trail == [
        ("11-02T09:00", "ana", "created", "stage", None, "prospect", None),
        ("11-03T10:00", "ben", "field", "value", "12000.00", "15000.00", None),
        ("11-03T10:00", "ben", "field", "close_by", None, "2026-12-20", None),
        ("11-03T10:00", "ana", "stage", "stage", "prospect", "contacted", "intro call"),
        ("11-05T11:00", "ana", "stage", "stage", "contacted", "qualified",
         "gate overridden: score 0 is below the gate's minimum 60"),
        ("11-05T11:00", "ana", "activity", "demo", None, "Demo to the team", "liked it"),
        ("11-06T12:00", "ana", "regression", "stage", "qualified", "contacted", "champion left"),
        ("11-10T09:00", "chloe", "lost", "stage", "contacted", "lost 15000.00 USD",
         "competitor, Hooli"),
        ("11-12T09:00", "ana", "reopened", "stage", "lost", "contacted", "Hooli fell through"),
        ("11-20T15:00", "ana", "won", "stage", "contacted", "won 14000.00 USD", "signed"),
    ]  # fmt: skip
    tasks = [e for e in events["events"] if e["kind"] == "task added"]
    assert tasks and all(e["field"] == "task" for e in tasks)

    text = ok(cli("history", "1")).stdout
    assert text.splitlines()[0] == "#1 Acme rollout"
    assert "12000.00 → 15000.00" in text
    assert "contacted → won 14000.00 USD" in text
    assert "demo logged" in text


def test_history_of_an_imported_deal_and_bad_references(cli, tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("title,stage,status,created,won_on,value\nA,demo,won,2026-10-01,2026-10-20,5\n")
    ok(cli("import", str(path)))
    events = ok(cli("history", "1", "--json")).json()["events"]
    assert [(e["kind"], e["from"], e["to"], e["note"]) for e in events] == [
        ("created", None, "demo", "imported from generic: d.csv line 2"),
        ("won", "demo", "won 5.00 USD", None),
    ]
    run = cli("history", "99")
    assert (run.exit_code, run.stderr.splitlines()[0]) == (1, "Error: no deal #99")
    run = cli("history", "nothing like it")
    assert (run.exit_code, run.stderr.splitlines()[0]) == (
        1,
        "Error: no deal matches 'nothing like it'",
    )
