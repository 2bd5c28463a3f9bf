"""The spine end to end on PostgreSQL, with the same expected output as on SQLite.

Every test runs twice: on the SQLite file from conftest and on a fresh PostgreSQL database
(`tests/pg.py`: `SALESFLOW_TEST_PG_URL`, or a throwaway local cluster). A user must see the same
ids, JSON values and funnel figures whichever database sits underneath.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from pg import pg_database, pg_server  # noqa: F401  (fixtures, requested by name below)

# One story, told in UTC days of November 2026 (conftest freezes now at 2026-11-27T09:00):
# 02 four leads arrive · 05 three are contacted · 09 Acme gets a demo, Initech jumps to a proposal
# · 13 Acme's champion leaves (back to contacted) · 20 Initech won, Globex lost on price, Umbrella
# won from contacted · 23 Umbrella's win is undone (reopened) · 27 today: follow-ups.
LEADS = [
    ("Acme rollout", "--company", "Acme", "--contact", "Jo Smith", "--email", "jo@acme.com",
     "--value", "12.5k", "--source", "referral"),
    ("Globex pilot", "--company", "Globex", "--contact", "Hank Scorpio", "--value", "8000"),
    ("Initech renewal", "--company", "Initech", "--value", "20,000.50"),
    ("Umbrella expansion", "--company", "Umbrella", "--value", "5k"),
]  # fmt: skip


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def sf(request: pytest.FixtureRequest, cli: Callable[..., Any]) -> Callable[..., Any]:
    """Run salesflow against this backend; fails the test on a non-zero exit unless told."""
    env = None
    if request.param == "postgresql":
        env = {"SALESFLOW_DB": request.getfixturevalue("pg_database")}

    def run(*args: str, code: int = 0) -> Any:
        result = cli(*args, env=env)
        assert result.exit_code == code, (args, result.stdout, result.stderr)
        return result

    run.backend = request.param  # type: ignore[attr-defined]
    return run


@pytest.fixture
def story(sf: Callable[..., Any], set_now: Callable[[str], None]) -> Callable[..., Any]:
    """The database after the story above, as of 2026-11-27T09:00."""
    set_now("2026-11-02T09:00")
    for lead in LEADS:
        sf("lead", "add", *lead)
    set_now("2026-11-05T09:00")
    for deal in ("1", "Globex", "#4"):
        sf("advance", deal)
    set_now("2026-11-09T09:00")
    sf("advance", "acme", "--to", "demo", "--force")
    sf("advance", "3", "--to", "Proposal", "--note", "fast track", "--force")
    set_now("2026-11-13T09:00")
    sf("advance", "1", "--to", "contacted", "--note", "champion left")
    set_now("2026-11-20T09:00")
    sf("won", "Initech")
    sf("lost", "2", "--reason", "price", "--competitor", "Hooli")
    sf("won", "4", "--amount", "4500")
    set_now("2026-11-23T09:00")
    sf("reopen", "4")
    set_now("2026-11-27T09:00")
    return sf


def move(
    frm: str | None,
    to: str,
    day: str,
    note: str | None = None,
    regression: bool = False,
    forced: bool = False,
):
    return {"from": frm, "to": to, "at": f"2026-11-{day}T09:00:00Z", "by": "ana", "note": note,
            "forced": forced, "regression": regression}  # fmt: skip


def test_init_is_idempotent_and_shows_the_default_pipeline(sf):
    first = sf("init")
    assert first.stdout.startswith("Database ready: ")
    assert sf("init").stdout == first.stdout
    pipeline = sf("pipeline", "show", "--json").json()
    assert pipeline["name"] == "sales"
    assert pipeline["default"] is True
    assert pipeline["open_deals"] == 0
    assert [(s["key"], s["name"], s["kind"], s["probability"]) for s in pipeline["stages"]] == [
        ("prospect", "Research", "open", 0.05),
        ("contacted", "Connected", "open", 0.1),
        ("qualified", "Qualified", "open", 0.25),
        ("demo", "Demo", "open", 0.45),
        ("proposal", "Proposal", "open", 0.7),
        ("won", "Closed Won", "won", 1.0),
        ("lost", "Closed Lost", "lost", 0.0),
    ]
    assert pipeline["stages"][0]["on_enter"] == [
        {"text": "Research the account and find the decision maker", "due": "+2d"}
    ]
    assert "Research" in sf("pipeline", "show").stdout


def test_lead_add_list_and_show(sf):
    assert sf("lead", "add", *LEADS[0]).stdout == "1\n"
    added = sf("lead", "add", *LEADS[1], "--json").json()
    assert (added["id"], added["stage"], added["value"], added["contact"]) == (
        2,
        "prospect",
        "8000.00",
        "Hank Scorpio",
    )
    # the same company and email again reuse the company and the contact
    sf("lead", "add", "Acme phase two", "--company", "ACME", "--email", "JO@acme.com",
       "--value", "1,000.25")  # fmt: skip
    listed = sf("lead", "list", "--json").json()["deals"]
    assert [(d["id"], d["title"], d["company"], d["contact"], d["value"]) for d in listed] == [
        (1, "Acme rollout", "Acme", "Jo Smith", "12500.00"),
        (2, "Globex pilot", "Globex", "Hank Scorpio", "8000.00"),
        (3, "Acme phase two", "Acme", "Jo Smith", "1000.25"),
    ]
    assert "history" not in listed[0]
    assert [d["id"] for d in sf("lead", "list", "--sort", "value", "--json").json()["deals"]] == [
        1,
        2,
        3,
    ]
    for sort in ("close", "age", "score", "id"):  # each ORDER BY of the light list
        ranked = sf("lead", "list", "--sort", sort, "--stage", "Research", "--owner", "ANA",
                    "--json").json()["deals"]  # fmt: skip
        assert sorted(d["id"] for d in ranked) == [1, 2, 3]
    assert [d["score"] for d in sf("lead", "list", "--sort", "score", "--json").json()["deals"]]
    card = sf("show", "1", "--json").json()
    assert {k: card[k] for k in ("id", "title", "pipeline", "stage", "stage_name", "status",
                                 "value", "currency", "probability", "owner", "company",
                                 "contact", "email", "source", "score", "created_at")} == {
        "id": 1, "title": "Acme rollout", "pipeline": "sales", "stage": "prospect",
        "stage_name": "Research", "status": "open", "value": "12500.00", "currency": "USD",
        "probability": 0.05, "owner": "ana", "company": "Acme", "contact": "Jo Smith",
        "email": "jo@acme.com", "source": "referral", "score": 30,
        "created_at": "2026-11-27T09:00:00Z",
    }  # fmt: skip
    assert card["history"] == [move(None, "prospect", "27")]
    assert card["tasks"] == [{
        "id": 1, "deal_id": 1, "deal": "Acme rollout", "company": "Acme", "stage": "prospect",
        "text": "Research the account and find the decision maker", "due": "2026-11-29",
        "overdue_days": 0, "owner": "ana", "repeat": None, "done_at": None, "closed_as": None,
        "value": "12500.00",
        "currency": "USD",
    }]  # fmt: skip
    assert card["close"] is None
    # an ambiguous reference is a domain error naming the candidates
    assert "matches 2 deals" in sf("show", "acme", code=1).stderr


def test_advance_regression_won_lost_and_reopen(story):
    acme = story("show", "1", "--json").json()
    assert (acme["stage"], acme["status"]) == ("contacted", "open")
    assert acme["history"] == [
        move(None, "prospect", "02"),
        move("prospect", "contacted", "05"),
        move(
            "contacted",
            "demo",
            "09",
            forced=True,
            note="gate overridden: Qualified on the way: score 30 is below the gate's minimum 60",
        ),
        move("demo", "contacted", "13", "champion left", regression=True),
    ]
    initech = story("show", "Initech", "--json").json()
    assert (initech["stage"], initech["status"]) == ("won", "won")
    assert initech["history"][1:] == [
        move("prospect", "proposal", "09", "fast track", forced=True),  # no quote: forced
        move("proposal", "won", "20"),
    ]
    assert initech["close"] == {"outcome": "won", "amount": "20000.50", "currency": "USD",
                                "reason": None, "competitor": None, "note": None,
                                "date": "2026-11-20"}  # fmt: skip
    globex = story("show", "2", "--json").json()
    assert (globex["stage"], globex["status"]) == ("lost", "lost")
    assert globex["close"] == {"outcome": "lost", "amount": "8000.00", "currency": "USD",
                               "reason": "price", "competitor": "Hooli", "note": None,
                               "date": "2026-11-20"}  # fmt: skip
    umbrella = story("show", "4", "--json").json()
    assert (umbrella["stage"], umbrella["status"], umbrella["close"]) == ("contacted", "open", None)
    assert umbrella["history"][2:] == [
        move("contacted", "won", "20"),
        move("won", "contacted", "23", "reopened", regression=True),
    ]
    # a closed deal cannot be advanced; the hint says how to reopen it
    refused = story("advance", "3", code=1)
    assert refused.stderr.startswith("Error: deal #3 is already won")
    assert "reopen 3" in refused.stderr
    assert story("show", "3", "--json").json() == initech  # the failed command changed nothing
    # advance --json prints the card after the move
    # the Proposal gate wants a quote: price one and quote it (the same on both backends)
    story("product", "add", "PILOT", "Pilot package", "--price", "4,999.99")
    quote = story("quote", "new", "4", "--line", "PILOT:2:10", "--tax", "8.25", "--json").json()
    assert (quote["subtotal"], quote["tax"], quote["total"]) == ("8999.98", "742.50", "9742.48")
    # the quote satisfies Proposal, but the jump also crosses Qualified, whose score gate
    # Umbrella (score 0, no fit or engagement) fails: refused, naming only that gate
    gated = story("advance", "4", "--to", "proposal", code=1)
    assert gated.stderr.startswith(
        "Error: cannot enter Proposal: "
        "Qualified on the way: score 0 is below the gate's minimum 60\n"
    )
    assert "salesflow score 4 --explain" in gated.stderr
    before = story("show", "4", "--json").json()
    assert before["stage"] == "contacted"
    moved = story("advance", "4", "--to", "proposal", "--force", "--json").json()
    assert moved["stage"] == "proposal"
    assert moved["history"][:-1] == before["history"]
    assert moved["history"][-1] == move(
        "contacted",
        "proposal",
        "27",
        forced=True,
        note="gate overridden: Qualified on the way: score 0 is below the gate's minimum 60",
    )
    # leaving Connected supersedes its playbook follow-up (#15, made by the reopen) and entering
    # Proposal makes #16; the card lists all of the deal's follow-ups by due day, then id
    assert [(t["id"], t["due"], t["closed_as"]) for t in moved["tasks"]] == [
        (4, "2026-11-04", "superseded"),  # Research, left on the 5th
        (7, "2026-11-08", "cancelled"),  # Connected, ended by the win on the 20th
        (13, "2026-11-22", "superseded"),  # Closed Won's two, ended by the reopen on the 23rd
        (15, "2026-11-26", "superseded"),
        (16, "2026-11-30", None),  # "Follow up on proposal", +3d
        (14, "2026-12-20", "superseded"),
    ]
    listed = story("lead", "list", "--json").json()["deals"]
    assert [(d["id"], d["stage"]) for d in listed] == [(1, "contacted"), (4, "proposal")]
    every = story("lead", "list", "--all", "--json").json()["deals"]
    assert [(d["id"], d["status"]) for d in every] == [
        (1, "open"),
        (2, "lost"),
        (3, "won"),
        (4, "open"),
    ]


def test_follow_ups_and_due_today(story):
    # the story made follow-ups 1-15: each stage entered ran its playbook, and each stage left
    # closed the open ones of the stage before (superseded; cancelled on a win or loss)
    added = story("task", "add", "1", "Call Jo about the new champion", "--due", "today",
                  "--json").json()  # fmt: skip
    assert added == {"id": 16, "deal_id": 1, "text": "Call Jo about the new champion",
                     "due": "2026-11-27", "owner": "ana", "repeat": None}  # fmt: skip
    story("task", "add", "Acme", "Monthly check-in", "--due", "2026-10-31", "--repeat", "monthly")
    done = story("task", "done", "17", "--json").json()
    # Oct 31 + one month is clamped to Nov 30
    assert done == {"id": 17, "done_at": "2026-11-27T09:00:00Z",
                    "next": {"id": 18, "due": "2026-11-30"}}  # fmt: skip
    # Acme's Research follow-up was superseded when it moved to Connected on the 5th
    superseded = story("task", "done", "1", code=1)
    assert superseded.stderr.startswith("Error: follow-up #1 is already superseded\n")
    assert "`salesflow task add` makes a new one" in superseded.stderr
    again = story("task", "done", "17", code=1)
    assert again.stderr.startswith("Error: follow-up #17 is already done")
    acme_tasks = story("task", "list", "--deal", "1", "--json").json()["tasks"]
    # open: Connected's playbook follow-up from the regression on the 13th (+3d), and the two above
    assert [(t["id"], t["due"], t["repeat"], t["overdue_days"]) for t in acme_tasks] == [
        (10, "2026-11-16", None, 11),
        (16, "2026-11-27", None, 0),
        (18, "2026-11-30", "monthly", 0),
    ]
    with_done = story("task", "list", "--deal", "1", "--all", "--json").json()["tasks"]
    assert [(t["id"], t["done_at"], t["closed_as"]) for t in with_done if t["done_at"]] == [
        (17, "2026-11-27T09:00:00Z", "done"),
        (1, "2026-11-05T09:00:00Z", "superseded"),  # Research, left for Connected
        (5, "2026-11-09T09:00:00Z", "superseded"),  # Connected, left for Demo
        (8, "2026-11-13T09:00:00Z", "superseded"),  # Demo, left back for Connected
    ]
    # the lost deal's playbook follow-ups (2 and 6) were closed by its moves; one a rep adds
    # after the loss stays open on its card and in `task list`, but leaves the morning list
    story("task", "add", "2", "Ask Hank again when Hooli's contract ends", "--due", "2026-11-25")
    globex_tasks = story("task", "list", "--deal", "2", "--all", "--json").json()["tasks"]
    assert [(t["id"], t["due"], t["closed_as"]) for t in globex_tasks] == [
        (2, "2026-11-04", "superseded"),
        (6, "2026-11-08", "cancelled"),
        (19, "2026-11-25", None),
    ]
    # due the same day as Umbrella's #15: the bigger (won) deal comes first despite its later id
    story("task", "add", "Initech", "Send the signed order to finance", "--due", "2026-11-26")

    due = story("due-today", "--all", "--json").json()
    assert (due["as_of"], due["owner"], due["total"]) == ("2026-11-27", None, 5)
    # overdue first (oldest due day, then the biggest deal), today's last; Initech's second
    # onboarding follow-up (#12) is due Dec 20
    assert [(t["id"], t["deal_id"], t["stage"], t["due"], t["overdue_days"], t["value"])
            for t in due["tasks"]] == [
        (10, 1, "contacted", "2026-11-16", 11, "12500.00"),
        (11, 3, "won", "2026-11-22", 5, "20000.50"),
        (20, 3, "won", "2026-11-26", 1, "20000.50"),
        (15, 4, "contacted", "2026-11-26", 1, "5000.00"),
        (16, 1, "contacted", "2026-11-27", 0, "12500.00"),
    ]  # fmt: skip
    assert due["tasks"][-1] == {
        "id": 16, "deal_id": 1, "deal": "Acme rollout", "company": "Acme", "stage": "contacted",
        "text": "Call Jo about the new champion", "due": "2026-11-27", "overdue_days": 0,
        "owner": "ana", "repeat": None, "done_at": None, "closed_as": None,
        "value": "12500.00", "currency": "USD",
    }  # fmt: skip
    limited = story("due-today", "--all", "--limit", "2", "--json").json()
    assert (limited["total"], [t["id"] for t in limited["tasks"]]) == (5, [10, 11])


def test_funnel_figures(story):
    funnel = story("funnel", "--json").json()
    assert funnel == {
        "pipeline": "sales",
        "currency": "USD",
        "since": None,
        "until": None,
        "owner": None,
        "stages": [
            {"key": "prospect", "name": "Research", "entered": 4, "current": 0,
             "current_value": "0.00", "converted": 4, "conversion_rate": 1.0, "median_days": 3.0},
            # Umbrella's win was undone by the reopen, so only Acme (→ demo) converted
            {"key": "contacted", "name": "Connected", "entered": 3, "current": 2,
             "current_value": "17500.00", "converted": 1, "conversion_rate": 0.3333,
             "median_days": 15.0},
            {"key": "qualified", "name": "Qualified", "entered": 0, "current": 0,
             "current_value": "0.00", "converted": 0, "conversion_rate": None,
             "median_days": None},
            {"key": "demo", "name": "Demo", "entered": 1, "current": 0, "current_value": "0.00",
             "converted": 0, "conversion_rate": 0.0, "median_days": 4.0},
            {"key": "proposal", "name": "Proposal", "entered": 1, "current": 0,
             "current_value": "0.00", "converted": 1, "conversion_rate": 1.0,
             "median_days": 11.0},
        ],
        "won": {"count": 1, "value": "20000.50"},
        "lost": {"count": 1, "value": "8000.00"},
        "win_rate": 0.5,
        "left_out": {},
    }  # fmt: skip
    # a window from the 10th: stays that ended before it drop out, and so do their medians
    window = story("funnel", "--since", "2026-11-10", "--until", "2026-11-19", "--json").json()
    assert [(s["key"], s["entered"], s["converted"], s["median_days"])
            for s in window["stages"]] == [
        ("prospect", 0, 0, None),
        ("contacted", 3, 0, 15.0),  # Acme's second stay has not converted (yet)
        ("qualified", 0, 0, None),
        ("demo", 1, 0, 4.0),
        ("proposal", 1, 1, 11.0),
    ]  # fmt: skip
    assert (window["won"], window["lost"], window["win_rate"]) == (
        {"count": 0, "value": "0.00"},
        {"count": 0, "value": "0.00"},
        None,
    )
    mine = story("funnel", "--owner", "ANA", "--json").json()
    assert mine["stages"] == funnel["stages"]
    nobody = story("funnel", "--owner", "bo", "--json").json()
    assert [s["entered"] for s in nobody["stages"]] == [0, 0, 0, 0, 0]


def test_kpis_velocities(story):
    """Sales velocity: Acme and Umbrella open × Initech's 20,000.50 won × 1 of 2 closed ÷ its
    18 days (02 → 20) = 1,111.14 a day. Lead velocity: October, the last complete month, had
    no qualified leads (nor did September), so there is no change to give."""
    kpis = story("report", "kpis", "--json").json()
    assert kpis["sales_velocity"] == {"per_day": "1111.14", "open_opportunities": 2,
                                      "avg_won_value": "20000.50", "win_rate": 0.5,
                                      "avg_cycle_days": 18.0}  # fmt: skip
    assert kpis["lead_velocity"] is None
    assert kpis["qualified_leads"] == {"stage": "qualified", "period": "2026-10",
                                       "this_period": 0, "last_period": 0}  # fmt: skip


def test_teams_and_reps_by_team(story):
    """ana's deals under her team: Initech won (20,000.50, 18 days), Globex lost, Acme and
    Umbrella open; the same on both backends."""
    story("team", "add", "North", "--manager", "Kim", "--office", "Leeds")
    story("team", "member", "ANA", "--team", "north")
    assert story("team", "list", "--json").json()["teams"] == [
        {"id": 1, "name": "North", "manager": "Kim", "office": "Leeds", "reps": ["ANA"]}
    ]
    groups = story("report", "reps", "--by", "office", "--json").json()["groups"]
    assert [{k: g[k] for k in ("group", "open", "won", "lost", "won_value", "avg_won_value",
                                "median_cycle_days")} for g in groups] == [
        {"group": "Leeds", "open": 2, "won": 1, "lost": 1, "won_value": "20000.50",
         "avg_won_value": "20000.50", "median_cycle_days": 18.0}]  # fmt: skip
    kpis = story("report", "kpis", "--by", "team", "--json").json()["groups"]
    assert [(g["group"], g["deals_created"], g["won"], g["lost"], g["open_deals"]) for g in kpis] == [
        ("North", 4, 1, 1, 2)]  # fmt: skip
    sources = story("report", "kpis", "--by", "source", "--json").json()["groups"]
    assert [(g["group"], g["deals_created"]) for g in sources] == [("referral", 1), (None, 3)]
    story("team", "member", "ana", "--none")
    assert story("report", "reps", "--by", "team", "--json").json()["groups"][0]["group"] is None


@pytest.mark.postgres
def test_team_writes_at_once_wait_for_each_other(request: pytest.FixtureRequest) -> None:
    """Processes putting reps in teams at once all succeed (the last one says where each rep
    is), and adding the same team at once is one team and `exists` for the others."""
    import os
    import subprocess
    import sys

    env = os.environ | {"SALESFLOW_DB": request.getfixturevalue("pg_database")}

    def start(*args: str) -> subprocess.Popen[str]:
        return subprocess.Popen([sys.executable, "-m", "salesflow", *args], env=env, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip

    for name in ("A", "B"):
        assert start("team", "add", name).wait(timeout=60) == 0
    members = [start("team", "member", f"rep{n % 2}", "--team", "AB"[n % 2]) for n in range(6)]
    same = [start("team", "add", "Same") for _ in range(4)]
    members_done = [(p.wait(timeout=120), p.stderr.read()) for p in members]  # type: ignore[union-attr]
    same_done = [(p.wait(timeout=120), p.stderr.read()) for p in same]  # type: ignore[union-attr]
    assert [code for code, _ in members_done] == [0] * 6, members_done
    assert sorted(code for code, _ in same_done) == [0, 1, 1, 1], same_done
    assert all("team 'Same' exists" in err for code, err in same_done if code), same_done
    teams = subprocess.run([sys.executable, "-m", "salesflow", "team", "list", "--json"],
                           env=env, capture_output=True, text=True, check=True)  # fmt: skip
    import json

    assert {t["name"]: t["reps"] for t in json.loads(teams.stdout)["teams"]} == {
        "A": ["rep0"], "B": ["rep1"], "Same": []}  # fmt: skip


def test_db_status_and_check(story):
    status = story("db", "status", "--json").json()
    assert status["backend"] == story.backend
    assert (status["revision"], status["up_to_date"]) == (status["head"], True)
    assert status["rows"] == {"pipelines": 1, "companies": 4, "contacts": 2, "deals": 4,
                              "stage_moves": 14, "follow_ups": 15}  # fmt: skip
    if story.backend == "postgresql":
        assert status["database"].startswith("postgresql+psycopg://")
        assert "size_bytes" not in status
    assert story("db", "check", "--json").json() == {"ok": True, "problems": []}
    assert story("db", "check").stdout == "ok: integrity and foreign keys check out.\n"
    assert "revision" in story("db", "upgrade").stdout


def test_amounts_beyond_32_bits(sf):
    """Minor units are 64-bit on every backend: $21,474,836.48 and up, or rupiah deals."""
    sf("lead", "add", "Megadeal", "--value", "9,999,999,999,999.99")
    sf("lead", "add", "Jakarta rollout", "--value", "2,500,000,000", "--currency", "IDR")
    sf("won", "1")
    assert sf("show", "1", "--json").json()["close"]["amount"] == "9999999999999.99"
    assert sf("show", "2", "--json").json()["value"] == "2500000000.00"
    funnel = sf("funnel", "--currency", "USD", "--json").json()
    assert (funnel["won"], funnel["left_out"]) == (
        {"count": 1, "value": "9999999999999.99"},
        {"IDR": 1},
    )
    assert sf("funnel", "--currency", "IDR", "--json").json()["stages"][0]["current_value"] == (
        "2500000000.00"
    )


def test_cold_deals_and_agenda(story):
    """`stale` and `agenda` read through the light path (psycopg on PostgreSQL)."""
    stale = story("stale", "--json").json()
    assert stale == {
        "as_of": "2026-11-27",
        "rotting": [{"deal_id": 1, "deal": "Acme rollout", "stage": "contacted", "idle_days": 14,
                     "rot_days": 7, "company": "Acme", "owner": "ana",
                     "last_touch": "2026-11-13T09:00:00Z"}],
        "no_next_step": [], "rotting_total": 1, "no_next_step_total": 0,
    }  # fmt: skip
    agenda = story("agenda", "--all", "--days", "3", "--json").json()
    assert [t["id"] for t in agenda["overdue"]] == [
        10,
        11,
        15,
    ]  # the rest were superseded as their deals moved on
    assert [(d["date"], d["tasks"]) for d in agenda["days"]] == [
        ("2026-11-27", []), ("2026-11-28", []), ("2026-11-29", []),
    ]  # fmt: skip


@pytest.mark.postgres
def test_every_connection_has_jit_off_unless_the_url_says_otherwise(request):
    """PostgreSQL's JIT compiled each funnel query for longer than the query ran (0.36 s of
    0.41 s on 100,000 deals): salesflow turns it off on its connections, read and write; the
    URL's own `options` still win."""
    from sqlalchemy import text

    from salesflow.db.reader import open_reader
    from salesflow.services.workspace import open_workspace

    url = request.getfixturevalue("pg_database")
    database = open_workspace(url)  # creates the schema
    try:
        with database.write() as session:
            assert session.execute(text("SHOW jit")).scalar() == "off"
            assert session.execute(text("SHOW lock_timeout")).scalar() != "0"
    finally:
        database.dispose()
    with open_reader(url) as reader:
        assert reader is not None and reader.scalar("SHOW jit") == "off"
    with open_reader(url + "&options=-c%20jit%3Don") as reader:
        assert reader is not None and reader.scalar("SHOW jit") == "on"
