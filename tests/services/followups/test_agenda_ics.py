"""`agenda` (follow-ups per day, overdue first) and `export ics` (an RFC 5545 calendar that
calendar apps import, parsed back here with icalendar)."""

from __future__ import annotations

from datetime import date

import pytest
from icalendar import Calendar


@pytest.fixture
def week(cli):
    """Follow-ups around Friday 2026-11-27: overdue, today, tomorrow, next Thursday, a week on."""
    for args in (
        ("Acme rollout", "--company", "Acme", "--value", "12.5k"),
        ("Globex pilot", "--company", "Globex", "--value", "8k"),
    ):
        assert cli("lead", "add", *args).exit_code == 0
    for deal, text, due, *more in (
        ("1", "Chase the signature", "2026-11-24"),
        ("2", "Call back", "today"),
        ("1", "Send pricing", "tomorrow"),
        ("2", "Weekly check-in", "2026-12-03", "--repeat", "weekly"),
        ("1", "Quarterly review", "2026-12-04"),
        ("2", "Ben's call", "today", "--owner", "ben"),
    ):
        assert cli("task", "add", deal, text, "--due", due, *more).exit_code == 0
    # the playbook added "Research the account…" due 11-29 to both deals (ids 1 and 2)


def texts(tasks):
    return [t["text"] for t in tasks]


def test_agenda_groups_by_day_with_overdue_first(cli, week):
    agenda = cli("agenda", "--json").json()
    assert (agenda["as_of"], agenda["through"], agenda["owner"]) == (
        "2026-11-27",
        "2026-12-03",
        "ana",
    )
    assert texts(agenda["overdue"]) == ["Chase the signature"]
    assert agenda["overdue"][0]["overdue_days"] == 3
    days = {d["date"]: texts(d["tasks"]) for d in agenda["days"]}
    assert list(days) == [f"2026-{d}" for d in ("11-27", "11-28", "11-29", "11-30", "12-01",
                                                  "12-02", "12-03")]  # fmt: skip
    assert days["2026-11-27"] == ["Call back"]
    assert days["2026-11-28"] == ["Send pricing"]
    assert days["2026-11-29"] == ["Research the account and find the decision maker"] * 2
    assert days["2026-12-03"] == ["Weekly check-in"]
    assert days["2026-11-30"] == []
    assert "Quarterly review" not in str(agenda)  # day 8 is past --days 7
    assert "Quarterly review" in str(cli("agenda", "--days", "8", "--json").json())
    everyone = cli("agenda", "--all", "--json").json()
    assert texts(everyone["days"][0]["tasks"]) == ["Call back", "Ben's call"]
    assert texts(cli("agenda", "--owner", "ben", "--json").json()["days"][0]["tasks"]) == [
        "Ben's call"
    ]


def test_agenda_plain_text_when_piped(cli, week):
    text = cli("agenda", "--days", "3").stdout
    assert "\x1b[" not in text
    lines = text.splitlines()
    assert lines[0] == "Agenda for ana, 2026-11-27 to 2026-11-29"
    assert lines.index("Overdue (1)") < lines.index("Fri 2026-11-27 (today)")
    assert lines.index("Fri 2026-11-27 (today)") < lines.index("Sat 2026-11-28")
    assert "Chase the signature" in text and "3d" in text
    assert lines[-1] == "5 follow-ups, 1 overdue."
    quiet = cli("agenda", "--days", "7").stdout
    assert "Mon 2026-11-30: nothing planned" in quiet


def test_follow_ups_move_through_the_agenda_and_repeat(cli, week, set_now):
    set_now("2026-12-03T09:00")
    agenda = cli("agenda", "--days", "1", "--json").json()
    assert texts(agenda["days"][0]["tasks"]) == ["Weekly check-in"]
    assert "Send pricing" in texts(agenda["overdue"])
    check_in = agenda["days"][0]["tasks"][0]["id"]
    assert cli("task", "done", str(check_in)).exit_code == 0
    set_now("2026-12-10T09:00")
    today = cli("agenda", "--days", "1", "--json").json()["days"][0]["tasks"]
    assert [(t["text"], t["due"], t["repeat"]) for t in today] == [
        ("Weekly check-in", "2026-12-10", "weekly")
    ]


def test_lost_deals_leave_the_agenda(cli, week):
    cli("lost", "2", "--reason", "fit")
    agenda = cli("agenda", "--all", "--json").json()
    assert all(t["deal_id"] == 1 for d in agenda["days"] for t in d["tasks"])


def test_agenda_csv(cli, week):
    rows = cli("agenda", "--csv").stdout.splitlines()
    assert rows[0].startswith("id,deal_id,deal,company,stage,text,due,overdue_days")
    assert "Chase the signature" in rows[1]
    assert len(rows) == 1 + 6


@pytest.mark.parametrize(
    ("args", "code", "error"),
    [
        (("agenda", "--days", "0"), 1, "--days must be between 1 and 366"),
        (("agenda", "--days", "x"), 1, "Invalid value for '--days'"),
        (("agenda", "--owner", "ben", "--all"), 2, "exclude each other"),
        (("export", "ics", "x.ics", "--owner", "ben", "--all"), 2, "exclude each other"),
    ],
)
def test_agenda_bad_input(cli, week, dump, args, code, error):
    before = dump()
    run = cli(*args)
    assert run.exit_code == code and run.stdout == ""
    assert run.stderr.startswith("Error: ") and error in run.stderr.splitlines()[0]
    assert dump() == before


def read_calendar(path):
    calendar = Calendar.from_ical(path.read_bytes())
    return calendar, {str(t["uid"]): t for t in calendar.walk("VTODO")}


def test_export_ics_writes_vtodos_a_calendar_reads_back(cli, week, tmp_path):
    path = tmp_path / "followups.ics"
    run = cli("export", "ics", str(path))
    assert run.exit_code == 0, run.stderr
    assert run.stdout == f"Wrote 7 open and 0 recently done follow-ups to {path}.\n"
    calendar, todos = read_calendar(path)
    assert str(calendar["version"]) == "2.0"
    assert str(calendar["prodid"]) == "-//salesflow//follow-ups//EN"
    assert len(todos) == 7  # ana's: everything but Ben's call
    chase = next(t for t in todos.values() if "Chase the signature" in str(t["summary"]))
    assert str(chase["uid"]) == "followup-3@salesflow"
    assert chase.decoded("due") == date(2026, 11, 24)
    assert chase["due"].params.get("VALUE") == "DATE"
    assert str(chase["summary"]) == "Chase the signature – Acme rollout (Acme)"
    description = str(chase["description"])
    assert "Stage: prospect" in description and "Value: 12,500.00 USD" in description
    assert str(chase["status"]) == "NEEDS-ACTION"
    assert b"BEGIN:VTODO\r\n" in path.read_bytes()  # RFC 5545 lines end in CRLF


def test_re_export_keeps_uids_and_marks_done_ones_completed(cli, week, tmp_path, set_now):
    path = tmp_path / "followups.ics"
    cli("export", "ics", str(path))
    _, first = read_calendar(path)
    set_now("2026-11-27T15:30")
    cli("task", "done", "3")
    cli("task", "add", "1", "Book the kick-off", "--due", "+3d")
    cli("export", "ics", str(path))
    _, second = read_calendar(path)
    assert set(first) < set(second)  # same UIDs, one more: an import updates, not duplicates
    assert len(second) == len(first) + 1
    done = second["followup-3@salesflow"]
    assert str(done["status"]) == "COMPLETED"
    assert done.decoded("completed").isoformat() == "2026-11-27T15:30:00+00:00"
    set_now("2027-01-15T09:00")  # more than 30 days after it was done: no longer exported
    cli("export", "ics", str(path))
    assert "followup-3@salesflow" not in read_calendar(path)[1]


def test_export_ics_owner_all_and_stdout(cli, week):
    bens = Calendar.from_ical(cli("export", "ics", "-", "--owner", "ben").stdout.encode())
    assert [str(t["summary"]) for t in bens.walk("VTODO")] == ["Ben's call – Globex pilot (Globex)"]
    everyone = Calendar.from_ical(cli("export", "ics", "-", "--all").stdout.encode())
    assert len(everyone.walk("VTODO")) == 8


def test_export_ics_to_a_missing_folder_writes_nothing(cli, week, tmp_path):
    path = tmp_path / "nowhere" / "f.ics"
    run = cli("export", "ics", str(path))
    assert run.exit_code == 1
    assert run.stderr.startswith(f"Error: cannot write {path}")
    assert not path.parent.exists()


def test_export_is_a_group(cli):
    run = cli("export")  # a group other formats join: `export` alone shows its commands
    assert run.exit_code == 2
    assert "Commands:\n  ics" in run.stderr
