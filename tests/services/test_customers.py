"""After the win: contracts and renewals, feedback and NPS, upsells, customers at risk."""

from __future__ import annotations


def ok(cli, *args):
    run = cli(*args)
    assert run.exit_code == 0, run.stderr
    return run


def won_customer(cli, name="Acme", months=None):
    ok(
        cli,
        "product",
        "add",
        f"{name[:3].upper()}-SUB",
        "Subscription",
        "--price",
        "100",
        "--recurring",
        "month",
    )
    deal = int(
        ok(
            cli,
            "lead",
            "add",
            f"{name} deal",
            "--company",
            name,
            "--contact",
            "Jo",
            "--email",
            f"jo@{name.lower()}.com",
        ).stdout
    )
    ok(cli, "quote", "new", str(deal), "--line", f"{name[:3].upper()}-SUB:5")
    ok(cli, "won", str(deal), "--handoff", "Promised SSO by March")
    return deal


def test_a_win_starts_a_contract_with_renewal_and_handoff(cli):
    won_customer(cli)
    customer = cli("customer", "list", "--json").json()["customers"][0]
    assert customer["company"] == "Acme"
    assert customer["recurring"] == [{"currency": "USD", "value": "500.00"}]
    assert customer["renewal_on"] == "2027-11-27"
    assert customer["handoff"] == (
        "Sold: 5 × Subscription (ACM-SUB) for 0.00 USD\nTalk to: Jo <jo@acme.com>\n"
        "Account owner: ana\nPromised: Promised SSO by March"
    )
    assert customer["won"] == [{"currency": "USD", "value": "0.00"}]


def test_renewals_within_a_window(cli, set_now):
    won_customer(cli)
    assert cli("renewals", "--json").json()["renewals"] == []
    set_now("2027-09-15T09:00")
    rows = cli("renewals", "--within", "90d", "--json").json()["renewals"]
    assert [
        (r["deal_id"], r["renewal_on"], r["days_left"], r["recurring"], r["period"]) for r in rows
    ] == [(1, "2027-11-27", 73, "500.00", "month")]
    assert cli("renewals", "--within", "8w", "--json").json()["renewals"] == []
    bad = cli("renewals", "--within", "soon")
    assert bad.exit_code == 1 and bad.stderr.startswith("Error: ")


def test_feedback_gives_nps_and_low_scores_flag_risk(cli):
    won_customer(cli)
    ok(cli, "log", "1", "support", "Set-up question")
    for score in ("10", "9", "7", "3"):
        ok(cli, "feedback", "add", "1", "--score", score)
    customer = cli("customer", "list", "--json").json()["customers"][0]
    assert (customer["nps"], customer["feedback_count"]) == (25, 4)  # (2 − 1) / 4
    assert customer["at_risk"] == ["low feedback: last score 3/10"]
    assert [
        c["company"] for c in cli("customer", "list", "--at-risk", "--json").json()["customers"]
    ] == ["Acme"]
    bad = cli("feedback", "add", "1", "--score", "11")
    assert bad.exit_code == 1 and "0 to 10" in bad.stderr


def test_quiet_customers_and_renewals_without_a_next_step_are_at_risk(cli, set_now):
    won_customer(cli)
    ok(cli, "log", "1", "call", "Kick-off")
    assert cli("customer", "list", "--at-risk", "--json").json()["customers"] == []
    set_now("2027-10-01T09:00")
    for task in cli("task", "list", "--json").json()["tasks"]:
        ok(cli, "task", "done", str(task["id"]))
    reasons = cli("customer", "list", "--json").json()["customers"][0]["at_risk"]
    assert reasons == ["no activity for 308 days", "renewal on 2027-11-27 and no open follow-up"]


def test_upsell_opens_an_expansion_deal_at_the_same_customer(cli):
    won_customer(cli)
    expansion = ok(cli, "lead", "add", "More seats", "--upsell-of", "1", "--json").json()
    assert (expansion["company"], expansion["stage"]) == ("Acme", "prospect")
    other = cli("lead", "add", "Wrong", "--upsell-of", "1", "--company", "Globex")
    assert other.exit_code == 1 and "not Globex" in other.stderr
    ok(cli, "lead", "add", "Open one", "--company", "Initech")
    not_won = cli("lead", "add", "Too early", "--upsell-of", "3")
    assert not_won.exit_code == 1 and "won deal" in not_won.stderr


def test_reopening_a_win_voids_the_contract_but_keeps_the_outcome_history(cli, isolated):
    import sqlite3

    won_customer(cli)
    ok(cli, "reopen", "1")
    assert cli("customer", "list", "--json").json()["customers"] == []
    conn = sqlite3.connect(isolated)
    outcomes = conn.execute(
        "SELECT outcome, reopened_at IS NOT NULL FROM close_outcomes"
    ).fetchall()
    contracts = conn.execute("SELECT count(*) FROM contracts").fetchone()[0]
    conn.close()
    assert outcomes == [("won", 1)] and contracts == 0
    ok(cli, "lost", "1", "--reason", "timing")
    history = cli("show", "1", "--json").json()["history"]
    assert [h["to"] for h in history] == ["prospect", "won", "prospect", "lost"]
