"""Stage moves: next stage, --to, regressions, gates and --force, won/lost/reopen, playbooks."""

from __future__ import annotations

GATED = """
name = "gated"
[[stages]]
key = "new"
name = "New"
probability = 0.1
[[stages]]
key = "vetted"
name = "Vetted"
probability = 0.5
min_score = 50
[[stages]]
key = "priced"
name = "Priced"
probability = 0.8
requires_quote = true
"""


def add(cli, *args):
    run = cli("lead", "add", *args)
    assert run.exit_code == 0, run.stderr
    return int(run.stdout)


def test_advance_walks_the_stages_in_order_and_records_history(cli, set_now):
    # a referral (30) at a 100-person company (10) that asked for a demo (30): an SQL (70),
    # so the Qualified gate lets it through without --force
    add(
        cli,
        "Walker",
        "--company",
        "Walker Ltd",
        "--value",
        "5k",
        "--source",
        "referral",
        "--employees",
        "100",
    )
    assert cli("log", "1", "demo_requested", "Asked for a demo").exit_code == 0
    # Proposal needs a quote
    assert cli("product", "add", "SEAT", "Seat", "--price", "50").exit_code == 0
    assert cli("quote", "new", "1", "--line", "SEAT:100").exit_code == 0
    stages = []
    for day in ("2026-11-27", "2026-11-27", "2026-11-30", "2026-12-01"):
        set_now(day + "T10:00")
        stages.append(cli("advance", "1", "--json").json()["stage"])
    assert stages == ["contacted", "qualified", "demo", "proposal"]
    run = cli("advance", "1")
    assert run.exit_code == 1
    assert "last open stage" in run.stderr and "salesflow won 1" in run.stderr
    history = cli("show", "1", "--json").json()["history"]
    assert [(h["from"], h["to"], h["at"]) for h in history] == [
        (None, "prospect", "2026-11-27T09:00:00Z"),
        ("prospect", "contacted", "2026-11-27T10:00:00Z"),
        ("contacted", "qualified", "2026-11-27T10:00:00Z"),
        ("qualified", "demo", "2026-11-30T10:00:00Z"),
        ("demo", "proposal", "2026-12-01T10:00:00Z"),
    ]


def test_moving_back_is_a_recorded_regression(cli):
    add(cli, "Backslider")
    assert cli("advance", "1", "--to", "Demo", "--force").exit_code == 0  # past Qualified's gate
    card = cli("advance", "1", "--to", "contacted", "--note", "champion left", "--json").json()
    assert card["stage"] == "contacted"
    last = card["history"][-1]
    assert (last["from"], last["to"], last["regression"], last["note"]) == (
        "demo",
        "contacted",
        True,
        "champion left",
    )
    assert cli("advance", "1", "--to", "contacted").exit_code == 1  # already there


def test_advance_to_an_outcome_points_at_won_and_lost(cli):
    add(cli, "Shortcut")
    run = cli("advance", "1", "--to", "won")
    assert run.exit_code == 1
    assert "salesflow won 1" in run.stderr


def test_gates_block_unless_forced_and_the_override_is_recorded(cli, tmp_path):
    path = tmp_path / "gated.toml"
    path.write_text(GATED)
    assert cli("pipeline", "add", str(path)).exit_code == 0
    add(cli, "Gatecrasher", "--pipeline", "gated")
    run = cli("advance", "1")
    assert run.exit_code == 1
    assert run.stderr.splitlines()[0] == (
        "Error: cannot enter Vetted: score 0 is below the gate's minimum 50"
    )
    assert "--force" in run.stderr
    card = cli("advance", "1", "--force", "--json").json()
    assert card["stage"] == "vetted"
    assert card["history"][-1]["forced"] is True
    assert "gate overridden" in card["history"][-1]["note"]
    run = cli("advance", "1")
    assert run.exit_code == 1 and "needs a quote" in run.stderr


def test_won_lost_reopen(cli, set_now):
    add(cli, "Closer", "--value", "10k", "--created", "2026-11-20")
    assert cli("advance", "1", "--to", "proposal", "--force").exit_code == 0
    card = cli("won", "1", "--amount", "9,500", "--on", "yesterday", "--json").json()
    assert (card["status"], card["stage"], card["lifecycle"]) == ("won", "won", "customer")
    assert card["close"] == {
        "outcome": "won",
        "amount": "9500.00",
        "currency": "USD",
        "reason": None,
        "competitor": None,
        "note": None,
        "date": "2026-11-26",
    }
    # the won playbook: onboarding follow-ups
    assert "Onboarding kick-off call" in [t["text"] for t in card["tasks"]]
    assert cli("lost", "1", "--reason", "price").exit_code == 1
    card = cli("reopen", "1", "--json").json()
    assert (card["status"], card["stage"], card["close"]) == ("open", "proposal", None)
    assert card["history"][-1]["regression"] is True
    card = cli("lost", "1", "--reason", "Competitor", "--competitor", "Initech", "--json").json()
    assert card["close"]["reason"] == "competitor"
    assert card["close"]["competitor"] == "Initech"
    assert cli("reopen", "1", "--to", "demo", "--json").json()["stage"] == "demo"


def test_won_in_the_future_is_refused(cli):
    add(cli, "Time traveller")
    run = cli("won", "1", "--on", "+3d")
    assert run.exit_code == 1 and "future" in run.stderr


def test_playbook_never_duplicates_an_open_follow_up(cli):
    add(cli, "Yo-yo")
    cli("advance", "1")  # contacted: "Follow up on first touch"
    cli("advance", "1", "--to", "prospect")  # back
    cli("advance", "1")  # contacted again
    tasks = cli("show", "1", "--json").json()["tasks"]
    texts = [t["text"] for t in tasks if t["done_at"] is None]
    assert texts.count("Follow up on first touch") == 1
    # leaving a stage closes its playbook follow-up: at most one open copy, never two
    assert texts.count("Research the account and find the decision maker") == 0


def test_pipeline_add_list_show_and_init_with_pipeline(cli):
    run = cli("init", "--pipeline", "examples/partners.toml")
    assert run.exit_code == 0, run.stderr
    assert cli("init", "--pipeline", "examples/partners.toml").exit_code == 0
    pipelines = cli("pipeline", "list", "--json").json()["pipelines"]
    assert [(p["name"], p["default"]) for p in pipelines] == [("partners", True), ("sales", False)]
    shown = cli("pipeline", "show", "partners", "--json").json()
    assert [s["key"] for s in shown["stages"]] == ["intro", "pilot", "contract", "won", "lost"]
    assert shown["stages"][0]["collateral"] == [
        {"title": "Pilot one-pager", "link": "docs/pilot.pdf"}
    ]
    assert cli("pipeline", "add", "examples/partners.toml").exit_code == 1
    assert cli("show", str(add(cli, "Partner lead")), "--json").json()["stage"] == "intro"
