"""A playbook follow-up belongs to its stage (issue 14, item 10): entering the stage makes it
(never a second open copy), leaving the stage closes it as superseded (closing the deal: as
cancelled), recorded and said, unless its rule says `keep = true`. Manual and cadence follow-ups
stay open. `task done` takes several ids, `task remove` exists, `task list --all` shows how each
one ended."""

from __future__ import annotations

import csv
import io
import sqlite3

import pytest
from checks import assert_one_error
from icalendar import Calendar

KEEPER = """\
name = "keeper"
[[stages]]
key = "intro"
name = "Intro"
probability = 0.1
on_enter = [{ text = "Send the welcome pack", due = "+1d", keep = true },
            { text = "Call the champion", due = "+2d" }]
[[stages]]
key = "pilot"
name = "Pilot"
probability = 0.5
on_enter = [{ text = "Set up the pilot", due = "+1d" }]
"""

CADENCE = """\
name = "nudge"
[[steps]]
day = 0
kind = "call"
text = "Nudge call"
"""


def add(cli, *args):
    run = cli("lead", "add", *args)
    assert run.exit_code == 0, run.stderr
    return int(run.stdout)


def ok(run):
    assert run.exit_code == 0, run.stderr
    return run


def tasks(cli, deal="1"):
    """(id, text, closed_as) of every follow-up of the deal."""
    found = ok(cli("show", deal, "--json")).json()["tasks"]
    return {t["text"]: (t["id"], t["closed_as"]) for t in found}


def open_texts(cli, deal="1"):
    return sorted(text for text, (_, how) in tasks(cli, deal).items() if how is None)


def rows(db, sql):
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_a_playbook_follow_up_remembers_its_stage(cli, isolated):
    add(cli, "Acme")
    ok(cli("task", "add", "1", "Send the NDA", "--due", "+1d"))
    assert rows(isolated, "SELECT f.text, s.key FROM follow_ups f"
                          " LEFT JOIN stages s ON s.id = f.playbook_stage_id ORDER BY f.id") == [
        ("Research the account and find the decision maker", "prospect"),
        ("Send the NDA", None),
    ]  # fmt: skip


def test_leaving_a_stage_supersedes_its_playbook_follow_ups_and_says_so(cli):
    add(cli, "Acme")
    ok(cli("task", "add", "1", "Send the NDA", "--due", "+1d"))
    run = ok(cli("advance", "1"))
    assert run.stdout.splitlines() == [
        "#1 Acme → Connected",
        "Closed 1 playbook follow-up of Research (superseded).",
    ]
    assert open_texts(cli) == ["Follow up on first touch", "Send the NDA"]
    research = tasks(cli)["Research the account and find the decision maker"]
    assert research[1] == "superseded"
    # going back supersedes too, and a move that closes nothing says nothing more
    run = ok(cli("advance", "1", "--to", "prospect"))
    assert "Closed 1 playbook follow-up of Connected (superseded)." in run.stdout
    history = ok(cli("history", "1", "--json")).json()["events"]
    closed = [(e["kind"], e["to"]) for e in history if e["kind"] == "task superseded"]
    assert closed == [
        ("task superseded", "Research the account and find the decision maker"),
        ("task superseded", "Follow up on first touch"),
    ]
    shown = ok(cli("history", "1")).stdout
    assert "task superseded" in shown and "task done" not in shown


def test_closing_cancels_pre_sale_steps_and_keeps_manual_cadence_and_onboarding(
    cli, tmp_path, set_now
):
    path = tmp_path / "nudge.toml"
    path.write_text(CADENCE)
    ok(cli("cadence", "add", str(path)))
    add(cli, "Acme", "--created", "2026-11-01")
    ok(cli("advance", "1", "--to", "qualified", "--force"))
    ok(cli("task", "add", "1", "Send the NDA", "--due", "+1d"))
    ok(cli("cadence", "start", "1", "nudge"))
    run = ok(cli("won", "1"))
    assert run.stdout.splitlines() == [
        "Won #1 Acme. Nice.",
        "Closed 1 playbook follow-up of Qualified (cancelled).",
    ]
    assert tasks(cli)["Book the demo"][1] == "cancelled"
    # the cadence stops by itself when a deal closes (its own rule): its open step goes
    assert open_texts(cli) == [
        "Ask for feedback after onboarding",
        "Onboarding kick-off call",
        "Send the NDA",
    ]


def test_lost_cancels_the_playbook_follow_ups_too(cli):
    add(cli, "Acme")
    run = ok(cli("lost", "1", "--reason", "price"))
    assert "Closed 1 playbook follow-up of Research (cancelled)." in run.stdout
    assert open_texts(cli) == []


def test_four_days_after_a_win_the_morning_list_holds_no_pre_sale_steps(cli, set_now):
    set_now("2026-11-02T09:00")
    add(cli, "Acme", "--company", "Acme")
    for day, stage in (("11-04", "contacted"), ("11-09", "qualified"), ("11-12", "demo"),
                       ("11-16", "proposal")):  # fmt: skip
        set_now(f"2026-{day}T09:00")
        ok(cli("advance", "1", "--to", stage, "--force"))
    ok(cli("task", "add", "1", "Send the signed copy to legal", "--due", "+1d"))
    set_now("2026-11-23T09:00")
    ok(cli("won", "1"))
    set_now("2026-11-27T09:00")
    due = ok(cli("due-today", "--json")).json()
    assert [(t["text"], t["overdue_days"]) for t in due["tasks"]] == [
        ("Send the signed copy to legal", 10),
        ("Onboarding kick-off call", 2),
    ]


def test_keep_true_survives_the_move_and_never_doubles(cli, tmp_path):
    path = tmp_path / "keeper.toml"
    path.write_text(KEEPER)
    ok(cli("init", "--pipeline", str(path)))
    add(cli, "Partner")
    welcome = tasks(cli)["Send the welcome pack"][0]
    # a rep rewords the kept follow-up; re-entering the stage must not add a second copy
    ok(cli("task", "edit", str(welcome), "--text", "Send the welcome pack to Jo"))
    run = ok(cli("advance", "1"))
    assert "Closed 1 playbook follow-up of Intro (superseded)." in run.stdout
    ok(cli("advance", "1", "--to", "intro"))
    assert open_texts(cli) == ["Call the champion", "Send the welcome pack to Jo"]


def test_json_csv_and_table_say_how_each_follow_up_ended(cli):
    add(cli, "Acme")
    ok(cli("task", "add", "1", "Send the NDA", "--due", "+1d"))
    ok(cli("task", "done", "2"))
    ok(cli("advance", "1"))
    listed = ok(cli("task", "list", "--all", "--json")).json()["tasks"]
    assert [(t["text"], t["closed_as"]) for t in listed] == [
        ("Send the NDA", "done"),
        ("Research the account and find the decision maker", "superseded"),
        ("Follow up on first touch", None),
    ]
    assert list(listed[0])[10:12] == ["done_at", "closed_as"]  # next to done_at
    table = ok(cli("task", "list", "--all")).stdout.splitlines()
    assert table[0].split()[-1] == "done"
    assert table[1].rstrip().endswith("2026-11-27") and table[2].rstrip().endswith("superseded")
    parsed = list(csv.DictReader(io.StringIO(ok(cli("task", "list", "--all", "--csv")).stdout)))
    assert [r["closed_as"] for r in parsed] == ["done", "superseded", ""]


def test_the_calendar_marks_closed_playbook_steps_cancelled_not_completed(cli, tmp_path):
    add(cli, "Acme")
    ok(cli("task", "add", "1", "Send the NDA", "--due", "+1d"))
    ok(cli("task", "done", "2"))
    path = tmp_path / "f.ics"
    run = ok(cli("advance", "1"))
    run = ok(cli("export", "ics", str(path)))
    assert "1 open and 1 recently done follow-ups, 1 closed by their stage's playbook" in run.stdout
    todos = {str(t["summary"]).split(" – ")[0]: str(t["status"])
             for t in Calendar.from_ical(path.read_bytes()).walk("VTODO")}  # fmt: skip
    assert todos == {
        "Research the account and find the decision maker": "CANCELLED",
        "Send the NDA": "COMPLETED",
        "Follow up on first touch": "NEEDS-ACTION",
    }


def test_the_json_export_carries_closed_as_and_imports_it_back(cli, tmp_path):
    add(cli, "Acme")
    ok(cli("advance", "1"))
    path = tmp_path / "all.json"
    ok(cli("export", "json", "--out", str(path)))
    import json

    exported = json.loads(path.read_text())["tasks"]
    assert [t["closed_as"] for t in exported] == ["superseded", None]
    other = tmp_path / "other.db"
    ok(cli("--db", str(other), "import", str(path)))
    again = ok(cli("--db", str(other), "task", "list", "--all", "--json")).json()["tasks"]
    assert sorted(str(t["closed_as"]) for t in again) == ["None", "superseded"]


# -- task done ID…, task remove ID… -------------------------------------------------------------


def test_task_done_takes_several_ids(cli):
    add(cli, "Acme")
    for text in ("One", "Two", "Three"):
        ok(cli("task", "add", "1", text, "--due", "+1d"))
    run = ok(cli("task", "done", "2", "4"))
    assert run.stdout.splitlines() == ["Done: One", "Done: Three"]
    assert open_texts(cli) == ["Research the account and find the decision maker", "Two"]
    many = ok(cli("task", "done", "1", "3", "--json")).json()
    assert [t["id"] for t in many["tasks"]] == [1, 3]


@pytest.mark.parametrize(
    ("ids", "error"),
    [
        (("2", "99"), "no follow-up #99"),
        (("2", "2"), "follow-up #2 is given twice"),
        (("2", "1"), "follow-up #1 is already done"),
    ],
)
def test_task_done_is_all_or_nothing(cli, dump, ids, error):
    add(cli, "Acme")
    ok(cli("task", "add", "1", "One", "--due", "+1d"))
    ok(cli("task", "done", "1"))
    before = dump()
    assert_one_error(cli("task", "done", *ids), 1, error=error)
    assert dump() == before


def test_task_done_on_a_superseded_follow_up_says_so(cli, dump):
    add(cli, "Acme")
    ok(cli("advance", "1"))
    before = dump()
    assert_one_error(cli("task", "done", "1"), 1, error="follow-up #1 is already superseded")
    assert dump() == before


def test_task_remove_deletes_and_the_history_keeps_it(cli, dump):
    add(cli, "Acme")
    ok(cli("task", "add", "1", "Wrong deal", "--due", "+1d"))
    ok(cli("task", "add", "1", "Also wrong", "--due", "+2d"))
    before = dump()
    assert_one_error(cli("task", "remove", "2", "99"), 1, error="no follow-up #99")
    assert dump() == before
    run = ok(cli("task", "remove", "2", "3"))
    assert run.stdout.splitlines() == [
        "Removed follow-up 2 on deal #1: Wrong deal",
        "Removed follow-up 3 on deal #1: Also wrong",
    ]
    assert open_texts(cli) == ["Research the account and find the decision maker"]
    events = ok(cli("history", "1", "--json")).json()["events"]
    removed = [(e["by"], e["from"], e["to"]) for e in events if e["kind"] == "task removed"]
    assert removed == [
        ("ana", "Wrong deal (due 2026-11-28)", "removed: by hand"),
        ("ana", "Also wrong (due 2026-11-29)", "removed: by hand"),
    ]


def test_demo_playbook_follow_ups_name_their_stage(cli, isolated):
    ok(cli("--db", str(isolated), "demo", "--size", "40", "--seed", "3"))
    marked = rows(isolated, "SELECT count(*) FROM follow_ups WHERE playbook_stage_id IS NOT NULL")
    done = rows(isolated, "SELECT count(*) FROM follow_ups WHERE done_at IS NOT NULL"
                          " AND closed_as IS NOT 'done'")  # fmt: skip
    assert marked[0][0] > 0 and done == [(0,)]
