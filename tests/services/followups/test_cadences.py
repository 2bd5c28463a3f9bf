"""Cadences: add from TOML, list, start on a deal (follow-ups per step), stop by hand, and stop
by themselves when the deal closes or the buyer replies."""

from __future__ import annotations

import shutil
import sqlite3

import pytest
from conftest import REPO

EXAMPLES = REPO / "examples"


def one_error(run, dump_before, dump_after, text):
    assert run.exit_code == 1, (run.exit_code, run.stdout, run.stderr)
    assert run.stdout == ""
    lines = run.stderr.splitlines()
    assert 1 <= len(lines) <= 2 and lines[0].startswith("Error: "), run.stderr
    assert len(lines) == 1 or lines[1].startswith("Hint: ")
    assert text in lines[0], run.stderr
    assert dump_after == dump_before


@pytest.fixture
def templates(tmp_path):
    """The example email templates, in the templates folder beside the test config."""
    folder = tmp_path / "templates"
    shutil.copytree(EXAMPLES / "templates", folder)
    return folder


@pytest.fixture
def cadences(cli, templates):
    for name in ("cold-outbound", "warm-inbound"):
        run = cli("cadence", "add", str(EXAMPLES / "cadences" / f"{name}.toml"))
        assert run.exit_code == 0, run.stderr


def lead(cli, *args):
    run = cli("lead", "add", *args)
    assert run.exit_code == 0, run.stderr
    return run.stdout.strip()


def runs(db):
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT deal_id, cadence_id, started_on, stopped_at, stop_reason FROM cadence_runs"
            " ORDER BY id"
        ).fetchall()
    finally:
        conn.close()


def cadence_tasks(cli, deal="1", done=False):
    tasks = cli("task", "list", "--deal", deal, *(["--all"] if done else []), "--json").json()
    return [(t["text"], t["due"], t["done_at"] is not None) for t in tasks["tasks"]
            if "/" in t["text"]]  # fmt: skip


def test_add_and_list_the_examples(cli, cadences):
    listed = cli("cadence", "list", "--json").json()["cadences"]
    assert [c["name"] for c in listed] == ["cold-outbound", "warm-inbound"]
    cold = listed[0]
    assert [(s["day"], s["kind"], s["template"]) for s in cold["steps"]] == [
        (0, "email", "intro"),
        (2, "call", None),
        (5, "email", "follow-up"),
        (9, "task", None),
        (14, "email", "break-up"),
    ]
    assert cold["running"] == 0
    assert cold["description"] == "Five touches in two weeks for a cold lead"
    text = cli("cadence", "list").stdout
    assert "cold-outbound" in text and "d0 email → d2 call" in text


def test_start_makes_one_follow_up_per_step_from_today(cli, cadences, isolated):
    lead(cli, "Acme rollout", "--company", "Acme", "--contact", "Jo", "--email", "jo@acme.com")
    started = cli("cadence", "start", "acme", "cold-outbound", "--json").json()
    assert started["cadence"] == "cold-outbound" and started["deal_id"] == 1
    assert started["started_on"] == "2026-11-27"
    assert [(t["due"], t["text"]) for t in started["tasks"]] == [
        ("2026-11-27", "cold-outbound 1/5: email – send the intro email"),
        ("2026-11-29", "cold-outbound 2/5: call – Did the intro land? Ask who owns the problem"),
        ("2026-12-02", "cold-outbound 3/5: email – send the follow-up email"),
        (
            "2026-12-06",
            "cold-outbound 4/5: task – Connect on LinkedIn and comment on a recent post",
        ),
        ("2026-12-11", "cold-outbound 5/5: email – send the break-up email"),
    ]
    assert all(t["owner"] == "ana" for t in started["tasks"])
    conn = sqlite3.connect(isolated)
    linked = conn.execute(
        "SELECT count(*) FROM follow_ups WHERE cadence_run_id = ?", (started["run_id"],)
    ).fetchone()[0]
    conn.close()
    assert linked == 5
    assert cli("cadence", "list", "--json").json()["cadences"][0]["running"] == 1


def test_follow_ups_appear_day_by_day(cli, cadences, set_now):
    lead(cli, "Globex pilot", "--company", "Globex", "--owner", "ben")
    cli("cadence", "start", "globex", "warm-inbound")

    def due(moment):
        set_now(moment)
        return [t["text"] for t in cli("due-today", "--owner", "ben", "--json").json()["tasks"]
                if "warm-inbound" in t["text"]]  # fmt: skip

    today = due("2026-11-27T09:00")
    assert today == [
        "warm-inbound 1/4: call – Call within the hour: qualify need, budget and timing",
        "warm-inbound 2/4: email – Send the intro with two slots for a discovery call "
        "(template intro)",
    ]
    assert len(due("2026-11-29T09:00")) == 2  # nothing new yet; the first two are overdue
    assert len(due("2026-11-30T09:00")) == 3  # day 3: the second call
    assert len(due("2026-12-03T09:00")) == 4  # day 6: the last step
    overdue = cli("due-today", "--owner", "ben", "--json").json()["tasks"]
    assert [t["overdue_days"] for t in overdue if "warm-inbound 1/4" in t["text"]] == [6]


def test_one_running_cadence_per_deal_and_none_on_closed_deals(cli, cadences, dump):
    lead(cli, "Acme rollout", "--company", "Acme")
    lead(cli, "Initech", "--company", "Initech")
    assert cli("cadence", "start", "1", "cold-outbound").exit_code == 0
    before = dump()
    run = cli("cadence", "start", "1", "warm-inbound")
    one_error(run, before, dump(), "already running cadence 'cold-outbound'")
    assert "cadence stop 1" in run.stderr
    cli("won", "2")
    before = dump()
    one_error(cli("cadence", "start", "2", "warm-inbound"), before, dump(), "is won")
    one_error(cli("cadence", "start", "1", "nope"), before, dump(), "no cadence 'nope'")
    one_error(cli("cadence", "stop", "2"), before, dump(), "runs no cadence")
    one_error(cli("cadence", "start", "999", "warm-inbound"), before, dump(), "no deal #999")


def test_stop_removes_open_steps_keeps_done_ones_and_records_why(cli, cadences, isolated):
    lead(cli, "Acme rollout", "--company", "Acme")
    started = cli("cadence", "start", "1", "cold-outbound", "--json").json()
    first = started["tasks"][0]["id"]
    assert cli("task", "done", str(first)).exit_code == 0
    stopped = cli("cadence", "stop", "acme", "--reason", "went dark", "--json").json()
    assert stopped["stop_reason"] == "went dark"
    assert stopped["stopped_at"] == "2026-11-27T09:00:00Z"
    assert len(stopped["tasks"]) == 4 and stopped["kept"] == 1
    assert cadence_tasks(cli, done=True) == [
        ("cold-outbound 1/5: email – send the intro email", "2026-11-27", True)
    ]
    assert runs(isolated) == [(1, 1, "2026-11-27", "2026-11-27 09:00:00.000000", "went dark")]
    # the deal's own follow-ups (the stage playbook) are not the cadence's to remove
    assert [t["text"] for t in cli("task", "list", "--json").json()["tasks"]] == [
        "Research the account and find the decision maker"
    ]
    text = cli("cadence", "stop", "1")
    assert text.exit_code == 1
    again = cli("cadence", "start", "1", "warm-inbound")
    assert again.exit_code == 0, again.stderr
    assert "Started warm-inbound on #1 Acme rollout: 4 follow-ups." in again.stdout
    plain = cli("cadence", "stop", "1").stdout
    assert plain.startswith("Stopped warm-inbound on #1 Acme rollout (stopped by ana): removed 4")


@pytest.mark.parametrize(
    ("close", "reason"),
    [(("won", "1"), "deal won"), (("lost", "1", "--reason", "timing"), "deal lost")],
)
def test_closing_the_deal_stops_its_cadence(cli, cadences, isolated, close, reason):
    lead(cli, "Acme rollout", "--company", "Acme")
    cli("cadence", "start", "1", "cold-outbound")
    assert cli(*close).exit_code == 0
    assert runs(isolated)[0][4] == reason
    assert cadence_tasks(cli, done=True) == []
    assert cli("cadence", "list", "--json").json()["cadences"][0]["running"] == 0


def test_a_reply_stops_the_cadence_other_events_do_not(cli, cadences, isolated, set_now):
    lead(cli, "Acme rollout", "--company", "Acme")
    cli("cadence", "start", "1", "cold-outbound")
    set_now("2026-11-30T10:00")
    cli("task", "done", "2")  # the first email went out
    cli("log", "1", "email_opened", "Opened the intro")
    cli("log", "1", "call", "Left a voicemail")
    assert runs(isolated)[0][3] is None
    assert len(cadence_tasks(cli)) == 4
    assert cli("log", "1", "replied", "Jo wrote back: call me Tuesday").exit_code == 0
    assert runs(isolated)[0][3:] == ("2026-11-30 10:00:00.000000", "replied")
    assert cadence_tasks(cli, done=True) == [
        ("cold-outbound 1/5: email – send the intro email", "2026-11-27", True)
    ]


BAD_FILES = [
    ("negative day", 'name = "x"\n[[steps]]\nday = -1\nkind = "call"\ntext = "Hi"\n',
     "line 3, field steps.0.day: Input should be greater than or equal to 0"),
    ("unknown kind", 'name = "x"\n[[steps]]\nday = 0\nkind = "call"\ntext = "Hi"\n'
     '[[steps]]\nday = 2\nkind = "fax"\ntext = "Hi"\n',
     "line 8, field steps.1.kind: unknown kind 'fax'"),
    ("no text", 'name = "x"\n[[steps]]\nday = 0\nkind = "task"\n',
     "line 2, field steps.0: a step needs `text` or `template`"),
    ("template on a call", 'name = "x"\n[[steps]]\nday = 0\nkind = "call"\ntemplate = "intro"\n',
     "`template` is for email steps"),
    ("unknown template", 'name = "x"\n[[steps]]\nday = 0\nkind = "email"\ntemplate = "nope"\n',
     "line 5, field steps.0.template: no email template 'nope'"),
    ("malformed", 'name = "x"\n[[steps]\nday = 0\n', "line 2"),
    ("no steps", 'name = "x"\n', "field steps: Field required"),
    ("bad name", 'name = "Cold Outbound"\n[[steps]]\nday = 0\nkind = "call"\ntext = "Hi"\n',
     "line 1, field name"),
    ("unknown key", 'name = "x"\n[[steps]]\nday = 0\nkind = "call"\ntext = "Hi"\nwait = 3\n',
     "line 6, field steps.0.wait: Extra inputs are not permitted"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "text", "error"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_cadence_files(cli, templates, dump, tmp_path, case, text, error):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    cli("init")
    before = dump()
    one_error(cli("cadence", "add", str(path)), before, dump(), error)


def test_duplicate_name_and_missing_file(cli, cadences, dump, tmp_path):
    before = dump()
    run = cli("cadence", "add", str(EXAMPLES / "cadences" / "cold-outbound.toml"))
    one_error(run, before, dump(), "cadence 'cold-outbound' already exists")
    one_error(cli("cadence", "add", str(tmp_path / "none.toml")), before, dump(), "cannot read")


def test_unknown_template_hint_names_the_templates_there_are(cli, templates, tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('name = "x"\n[[steps]]\nday = 0\nkind = "email"\ntemplate = "intr"\n')
    run = cli("cadence", "add", str(path))
    assert run.stderr.splitlines()[1] == "Hint: templates: break-up, follow-up, intro"
