"""Follow-ups: add, list, done (with repeats), edit, and the morning list."""

from __future__ import annotations

import pytest

from salesflow.services.followups.tasks import next_due


def add(cli, *args):
    run = cli("lead", "add", *args)
    assert run.exit_code == 0, run.stderr
    return int(run.stdout)


@pytest.mark.parametrize(
    ("due", "repeat", "expected"),
    [
        ("2026-01-31", "monthly", "2026-02-28"),
        ("2028-01-31", "monthly", "2028-02-29"),
        ("2026-03-31", "monthly", "2026-04-30"),
        ("2026-12-31", "daily", "2027-01-01"),
        ("2026-11-27", "weekly", "2026-12-04"),
        ("2026-11-27", "2w", "2026-12-11"),
    ],
)
def test_next_due_counts_from_the_due_day(due, repeat, expected):
    from datetime import date

    assert next_due(date.fromisoformat(due), repeat).isoformat() == expected


def test_repeating_follow_up_schedules_the_next_from_its_due_date(cli, set_now):
    add(cli, "Retainer")
    task = cli(
        "task",
        "add",
        "1",
        "Monthly check-in",
        "--due",
        "2026-10-31",
        "--repeat",
        "monthly",
        "--json",
    ).json()
    assert task["due"] == "2026-10-31"
    done = cli("task", "done", str(task["id"]), "--json").json()
    assert done["next"]["due"] == "2026-11-30"  # from the due day, not from today (11-27)
    assert cli("task", "done", str(task["id"])).exit_code == 1


def test_task_list_edit_and_json_keys(cli):
    add(cli, "Listy", "--company", "Listy Inc")
    made = cli(
        "task", "add", "listy", "Send the deck", "--due", "tomorrow", "--owner", "ben", "--json"
    ).json()
    assert set(made) >= {"id", "deal_id", "text", "due"}
    assert (made["deal_id"], made["due"]) == (1, "2026-11-28")
    edited = cli(
        "task", "edit", str(made["id"]), "--due", "+1w", "--text", "Send the deck v2", "--json"
    ).json()
    assert (edited["due"], edited["text"]) == ("2026-12-04", "Send the deck v2")
    tasks = cli("task", "list", "--owner", "ben", "--json").json()["tasks"]
    assert [t["text"] for t in tasks] == ["Send the deck v2"]
    card_tasks = cli("show", "1", "--json").json()["tasks"]
    assert {"id", "text", "due", "done_at", "owner", "repeat"} <= set(card_tasks[0])


def test_due_today_overdue_first_with_days_and_deal_facts(cli):
    add(cli, "Old", "--company", "Oldco", "--value", "1k")  # playbook task due +2d
    add(cli, "Hot", "--company", "Hotco", "--value", "20k")
    cli("task", "add", "1", "Chase invoice", "--due", "2026-11-20")
    cli("task", "add", "2", "Call back", "--due", "today")
    cli("task", "add", "2", "Next week", "--due", "+7d")
    cli("task", "add", "2", "Someone else's", "--due", "-1d", "--owner", "ben")
    due = cli("due-today", "--json").json()
    assert due["as_of"] == "2026-11-27"
    assert [
        (
            t["text"],
            t["overdue_days"],
            t["deal"],
            t["company"],
            t["stage"],
            t["value"],
            t["currency"],
            t["owner"],
        )
        for t in due["tasks"]
    ] == [
        ("Chase invoice", 7, "Old", "Oldco", "prospect", "1000.00", "USD", "ana"),
        ("Call back", 0, "Hot", "Hotco", "prospect", "20000.00", "USD", "ana"),
    ]
    everyone = cli("due-today", "--all", "--json").json()["tasks"]
    assert [t["text"] for t in everyone] == ["Chase invoice", "Someone else's", "Call back"]
    assert [t["text"] for t in cli("due-today", "--owner", "BEN", "--json").json()["tasks"]] == [
        "Someone else's"
    ]
    limited = cli("due-today", "--all", "--limit", "1").stdout
    assert "3 due by end of 2026-11-27: 2 overdue, 1 due today (showing 1 of 3)." in limited
    text = cli("due-today").stdout
    assert "7d" in text and "1 overdue, 1 due today" in text


def test_due_today_says_so_when_nothing_is_due(cli):
    run = cli("due-today")
    assert run.exit_code == 0
    assert "Nothing due today" in run.stdout


def test_due_today_for_someone_who_owns_no_deals_says_whose_there_are(cli):
    for owner, count in (("ana", 2), ("ben", 3), ("chloe", 1), ("dev", 1)):
        for n in range(count):
            add(cli, f"{owner} deal {n}", "--owner", owner)
    root = cli("due-today", env={"SALESFLOW_USER": "root"})
    assert root.exit_code == 0
    assert root.stdout.splitlines()[0] == (
        "Nothing due for root: you own no deals. Deals here belong to ben (3), ana (2), "
        "chloe (1)… — try: salesflow due-today --all"
    )
    data = cli("due-today", "--json", env={"SALESFLOW_USER": "root"}).json()
    assert (data["tasks"], data["total"], data["owner"]) == ([], 0, "root")
    assert data["deal_owners"][:2] == [{"owner": "ben", "deals": 3}, {"owner": "ana", "deals": 2}]
    other = cli("due-today", "--owner", "zed").stdout
    assert other.startswith("Nothing due for zed: zed owns no deals.")
    # someone who owns deals, with nothing due, gets the usual line and no owners list
    own = cli("due-today", "--json", env={"SALESFLOW_USER": "dev"}).json()
    assert own["tasks"] == [] and own["deal_owners"] is None
    assert "Nothing due today for dev" in cli("due-today", env={"SALESFLOW_USER": "dev"}).stdout


def test_finished_follow_ups_leave_the_list(cli):
    add(cli, "Doer")
    task = cli("task", "add", "1", "Do it", "--due", "today", "--json").json()
    cli("task", "done", str(task["id"]))
    assert cli("due-today", "--json").json()["tasks"] == []
    everything = cli("task", "list", "--all", "--json").json()["tasks"]
    assert any(t["id"] == task["id"] and t["done_at"] == "2026-11-27T09:00:00Z" for t in everything)


def test_lost_deals_leave_the_morning_list_but_keep_their_follow_ups(cli):
    add(cli, "Gone")
    add(cli, "Kept")
    cli("task", "add", "1", "Thank-you note", "--due", "today")
    cli("task", "add", "2", "Call", "--due", "today")
    cli("lost", "1", "--reason", "fit")
    assert [t["text"] for t in cli("due-today", "--json").json()["tasks"]] == ["Call"]
    assert "Thank-you note" in [t["text"] for t in cli("task", "list", "--json").json()["tasks"]]
