"""Lead scoring through the CLI: rules, scores, explanations, lifecycle, the qualifying gate."""

from __future__ import annotations

import pytest
from conftest import REPO

from salesflow.services.scoring.rules import default_rules_toml, parse_rules

EXAMPLES = REPO / "examples"


def add(cli, *args):
    run = cli("lead", "add", *args)
    assert run.exit_code == 0, run.stderr
    return int(run.stdout)


def clear_rules(cli, tmp_path):
    empty = tmp_path / "none.toml"
    empty.write_text("rules = []\n")
    assert cli("rule", "load", str(empty), "--replace").exit_code == 0


def test_default_rules_are_installed_and_match_the_example(cli):
    rules = cli("rule", "list", "--json").json()["rules"]
    assert len(rules) == 16
    assert {
        "name": "referral",
        "kind": "fit",
        "points": 30,
        "field": "source",
        "op": "eq",
        "value": "referral",
    } in rules
    assert (EXAMPLES / "rules.toml").read_text() == default_rules_toml()
    exported = cli("rule", "export").stdout

    def by_name(specs):
        return sorted(specs, key=lambda r: r.name)

    assert by_name(parse_rules(exported)) == by_name(parse_rules(default_rules_toml()))


@pytest.mark.parametrize(
    ("fit", "matches"),
    [
        (("industry", "eq", "SaaS"), True),
        (("industry", "ne", "saas"), False),
        (("country", "in", "US,CA"), True),
        (("country", "in", "FR,DE"), False),
        (("employees", "gte", "200"), True),
        (("employees", "lte", "199"), False),
        (("value", "gte", "12,000"), True),
        (("title", "contains", "sales"), True),
        (("email_domain", "eq", "acme.io"), True),
        (("source", "eq", "cold"), False),
    ],
)
def test_fit_operators(cli, tmp_path, fit, matches):
    clear_rules(cli, tmp_path)
    add(
        cli,
        "Fit check",
        "--company",
        "Acme",
        "--industry",
        "saas",
        "--country",
        "us",
        "--employees",
        "200",
        "--value",
        "12k",
        "--title",
        "VP Sales",
        "--email",
        "vp@acme.io",
        "--source",
        "inbound",
    )
    assert cli("rule", "add", "probe", "--fit", *fit, "--points", "7").exit_code == 0
    scored = cli("score", "1", "--json").json()
    assert scored["score"] == (7 if matches else 0)
    assert scored["fit"] == scored["score"]


def test_unknown_facts_never_match(cli, tmp_path):
    clear_rules(cli, tmp_path)
    add(cli, "Bare lead")
    cli("rule", "add", "not us", "--fit", "country", "ne", "US", "--points", "5")
    assert cli("score", "1", "--json").json()["score"] == 0


def test_engagement_decays_caps_and_windows(cli, tmp_path, set_now):
    clear_rules(cli, tmp_path)
    add(cli, "Engaged")
    cli("rule", "add", "demo", "--event", "demo_requested", "--points", "40", "--half-life", "10")
    cli("rule", "add", "visits", "--event", "site_visit", "--points", "5", "--max", "12")
    cli("rule", "add", "opens", "--event", "email_opened", "--points", "3", "--within", "7")
    cli("log", "1", "demo_requested", "Demo?", "--at", "2026-11-17T09:00")  # one half-life: 20
    for _ in range(4):
        cli("log", "1", "site_visit", "Pricing page")  # 4 × 5 = 20, capped at 12
    cli("log", "1", "email_opened", "Opened", "--at", "-8d")  # outside 7 days
    cli("log", "1", "email_opened", "Opened again")  # 3
    scored = cli("score", "1", "--json").json()
    assert {p["rule"]: p["points"] for p in scored["parts"]} == {
        "demo": 20,
        "visits": 12,
        "opens": 3,
    }
    assert (scored["score"], scored["fit"], scored["engagement"]) == (35, 0, 35)
    set_now("2026-12-07T09:00")  # ten days on: the demo request is two half-lives old
    later = {p["rule"]: p["points"] for p in cli("score", "1", "--json").json()["parts"]}
    assert later == {"demo": 10, "visits": 12}


def test_negative_points_for_fit_and_engagement(cli, tmp_path):
    clear_rules(cli, tmp_path)
    add(cli, "Rival", "--email", "spy@rival.example", "--source", "referral")
    cli("rule", "add", "referral", "--fit", "source", "eq", "referral", "--points", "30")
    cli(
        "rule",
        "add",
        "competitor",
        "--fit",
        "email_domain",
        "eq",
        "rival.example",
        "--points",
        "-50",
    )
    cli("rule", "add", "complaints", "--event", "support", "--points", "-5", "--max", "8")
    for _ in range(3):
        cli("log", "1", "support", "Complained")
    scored = cli("score", "1", "--json").json()
    assert [(p["rule"], p["points"]) for p in scored["parts"]] == [
        ("competitor", -50),
        ("referral", 30),
        ("complaints", -8),
    ]
    assert scored["score"] == -28


def test_explain_lists_every_part_and_they_sum(cli):
    add(
        cli,
        "Warm",
        "--company",
        "Big Co",
        "--employees",
        "600",
        "--source",
        "referral",
        "--contact",
        "Ann",
        "--title",
        "Head of Ops",
    )
    cli("log", "1", "demo_requested", "Demo please", "--at", "-30d")
    scored = cli("score", "1", "--json").json()
    assert set(scored) >= {"deal_id", "score", "fit", "engagement", "lifecycle", "as_of", "parts"}
    assert scored["as_of"] == "2026-11-27T09:00:00Z"
    assert {p["rule"]: p["points"] for p in scored["parts"]} == {
        "referral": 30,
        "team of 50+": 10,
        "team of 500+": 5,
        "decision maker": 10,
        "demo requested": 15,
    }
    assert sum(p["points"] for p in scored["parts"]) == scored["score"] == 70
    assert scored["lifecycle"] == "sql"
    text = cli("score", "1", "--explain").stdout
    assert "total" in text and "+15" in text and "half-life 30d" in text


def test_lead_list_sorts_by_score_and_shows_lifecycle(cli):
    add(cli, "Cold one", "--source", "outbound")
    add(cli, "Referral", "--source", "referral")
    add(cli, "Inbound big", "--company", "Big", "--employees", "800", "--source", "inbound")
    cli("advance", "1")
    ranked = cli("lead", "list", "--sort", "score", "--json").json()["deals"]
    assert [(d["id"], d["score"], d["lifecycle"]) for d in ranked] == [
        (3, 35, "lead"),
        (2, 30, "lead"),
        (1, 0, "lead"),
    ]
    prospects = cli(
        "lead", "list", "--sort", "score", "--stage", "prospect", "--limit", "1", "--json"
    ).json()["deals"]
    assert [d["id"] for d in prospects] == [3]
    every = cli("score", "--all", "--json").json()["scores"]
    assert [(s["deal_id"], s["score"]) for s in every] == [(3, 35), (2, 30), (1, 0)]


def test_lifecycle_labels_and_the_qualifying_gate(cli):
    add(cli, "Lifecycle", "--source", "referral")  # 30: lead
    assert cli("show", "1", "--json").json()["lifecycle"] == "lead"
    cli("log", "1", "replied", "Sounds good")  # 45: mql
    assert cli("score", "1", "--json").json()["lifecycle"] == "mql"
    cli("advance", "1")
    refused = cli("advance", "1")
    assert refused.exit_code == 1
    assert refused.stderr.splitlines()[0] == (
        "Error: cannot enter Qualified: score 45 is below the gate's minimum 60"
    )
    cli("log", "1", "demo_requested", "Wants a demo")  # 75: sql
    assert cli("score", "1", "--json").json()["lifecycle"] == "sql"
    moved = cli("advance", "1", "--json").json()
    assert (moved["stage"], moved["lifecycle"], moved["history"][-1]["forced"]) == (
        "qualified",
        "opportunity",
        False,
    )
    assert cli("won", "1", "--json").json()["lifecycle"] == "customer"


# --- the default calibration (see the comment at the top of data/rules.toml) ----------------

WARM = ("--company", "Acme", "--contact", "Vera Lane", "--title", "VP Sales",
        "--source", "referral")  # fmt: skip


@pytest.mark.parametrize("call_at", ["today", "-14d"])
def test_a_warm_lead_with_one_call_enters_qualified_without_force(cli, call_at):
    add(cli, "Warm deal", *WARM)
    assert cli("advance", "1").exit_code == 0  # Connected
    assert cli("score", "1", "--json").json()["score"] == 40  # referral + a VP: an MQL
    assert cli("advance", "1").exit_code == 1  # on paper alone: not yet
    logged = cli("log", "1", "call", "Intro call: budget and timeline agreed", "--at", call_at)
    assert logged.exit_code == 0, logged.stderr
    moved = cli("advance", "1", "--json")
    assert moved.exit_code == 0, moved.stderr
    assert (moved.json()["stage"], moved.json()["history"][-1]["forced"]) == ("qualified", False)


def test_a_cold_lead_is_refused_at_the_gate_until_it_engages(cli, dump):
    add(cli, "Cold deal", "--company", "Coldco", "--source", "cold")
    assert cli("advance", "1").exit_code == 0
    before = dump()
    refused = cli("advance", "1")
    assert refused.exit_code == 1
    assert refused.stderr.splitlines() == [
        "Error: cannot enter Qualified: score 0 is below the gate's minimum 60",
        "Hint: `salesflow score 1 --explain` shows what would lift it; "
        "`--force` overrides the gate (the override is recorded)",
    ]
    assert dump() == before


def test_a_cold_lead_with_the_best_profile_needs_two_conversations(cli):
    add(cli, "Cold but big", "--company", "Bigco", "--employees", "800", "--contact", "Chen",
        "--title", "CTO", "--source", "cold")  # fmt: skip
    cli("advance", "1")
    assert cli("score", "1", "--json").json()["score"] == 25  # 50+ and 500+ (15) + c-level (10)
    cli("log", "1", "call", "Cold call, interested")
    refused = cli("advance", "1")
    assert "score 55 is below the gate's minimum 60" in refused.stderr
    cli("log", "1", "meeting", "Discovery meeting")
    assert cli("advance", "1").exit_code == 0


@pytest.mark.parametrize(
    "title", ["VP Sales", "SVP Revenue", "Vice President, IT", "Head of Ops", "IT Director",
              "Chief Revenue Officer", "Founder & CEO", "CFO"],
)  # fmt: skip
def test_every_senior_title_counts_once(cli, title):
    add(cli, "Titled", "--contact", "Sam", "--title", title)
    assert cli("score", "1", "--json").json()["score"] == 10


def test_explain_says_what_would_get_it_over_the_next_threshold(cli):
    add(cli, "Warm deal", *WARM)
    cli("advance", "1")
    scored = cli("score", "1", "--json").json()
    ahead = scored["to_next"]
    assert {k: ahead[k] for k in ("threshold", "label", "stage", "points_needed", "later")} == {
        "threshold": 60, "label": "sql", "stage": "Qualified", "points_needed": 20, "later": [],
    }  # fmt: skip
    offered = {s["rule"]: (s["kind"], s["points"]) for s in ahead["suggestions"]}
    assert offered["call"] == ("engagement", 30)
    assert offered["team of 50+"] == ("fit", 10)  # the company size is not recorded yet
    assert "inbound" not in offered and "c-level" not in offered  # source and title are known
    call = next(s for s in ahead["suggestions"] if s["rule"] == "call")
    assert call["how"] == "salesflow log 1 call …"
    text = cli("score", "1", "--explain").stdout
    assert "Next: 60 (sql, to enter Qualified): 20 points to go. What would add points:" in text
    assert "salesflow log 1 call" in text
    cli("log", "1", "call", "Intro call")  # 70, and a second call would add 15 (capped at 45)
    assert cli("score", "1", "--json").json()["to_next"] is None  # sql: nothing left ahead
    add(cli, "Next one", "--source", "inbound")
    gains = cli("score", "2", "--json").json()["to_next"]
    assert (gains["label"], gains["points_needed"]) == ("mql", 20)
    assert [(t["label"], t["points_needed"]) for t in gains["later"]] == [("sql", 40)]
    cli("log", "2", "call", "Call")  # 50: an MQL; a second call adds 15, up to the cap of 45
    gains = cli("score", "2", "--json").json()["to_next"]
    assert (gains["label"], gains["points_needed"]) == ("sql", 10)
    assert {s["rule"]: s["points"] for s in gains["suggestions"]}["call"] == 15


def test_a_closed_deal_has_nothing_ahead(cli):
    add(cli, "Done deal")
    cli("won", "1")
    assert cli("score", "1", "--json").json()["to_next"] is None
    assert "Next:" not in cli("score", "1", "--explain").stdout


def test_contains_takes_a_list_in_a_rules_file(cli, tmp_path):
    add(cli, "Listed", "--contact", "Kim", "--title", "Head of Growth")
    path = tmp_path / "rules.toml"
    path.write_text('[[rules]]\nname = "senior"\nfield = "title"\nop = "contains"\n'
                    'value = ["vp", "head"]\npoints = 12\n')  # fmt: skip
    assert cli("rule", "load", str(path), "--replace").exit_code == 0
    assert cli("score", "1", "--json").json()["score"] == 12
    assert cli("rule", "list", "--json").json()["rules"][0]["value"] == ["vp", "head"]
    exported = tmp_path / "again.toml"
    assert cli("rule", "export", "--out", str(exported)).exit_code == 0
    assert parse_rules(exported.read_text()) == parse_rules(path.read_text())
    path.write_text('[[rules]]\nname = "big"\nfield = "employees"\nop = "contains"\n'
                    'value = ["5", "6"]\npoints = 1\n')  # fmt: skip
    refused = cli("rule", "load", str(path))
    assert refused.exit_code == 1 and "employees is a number" in refused.stderr


def test_forcing_the_gate_is_recorded(cli):
    add(cli, "Pushy")
    cli("advance", "1")
    moved = cli("advance", "1", "--force", "--json").json()
    assert moved["stage"] == "qualified"
    assert moved["history"][-1]["forced"] is True
    assert "score 0 is below the gate's minimum 60" in moved["history"][-1]["note"]


def test_rule_remove_load_and_export_round_trip(cli, tmp_path):
    add(cli, "Round trip", "--source", "referral")
    cli("log", "1", "replied", "Yes", "--at", "-3d")
    before = cli("score", "1", "--json").json()
    exported = tmp_path / "rules.toml"
    assert cli("rule", "export", "--out", str(exported)).exit_code == 0
    assert cli("rule", "remove", "referral").exit_code == 0
    assert cli("score", "1", "--json").json()["score"] == before["score"] - 30
    assert cli("rule", "load", str(exported), "--replace").exit_code == 0
    assert cli("score", "1", "--json").json() == before
    assert cli("rule", "remove", "referral").exit_code == 0
    partial = tmp_path / "partial.toml"
    partial.write_text(
        '[[rules]]\nname = "referral"\nfield = "source"\nop = "eq"\n'
        'value = "referral"\npoints = 30\n'
    )
    assert cli("rule", "load", str(partial)).exit_code == 0
    assert cli("score", "1", "--json").json() == before


BAD_RULES = [
    (("rule", "add", "x", "--fit", "shoe_size", "eq", "9", "--points", "5"), 1, "unknown field"),
    (("rule", "add", "x", "--fit", "source", "like", "a", "--points", "5"), 1, "unknown operator"),
    (
        ("rule", "add", "x", "--fit", "employees", "gte", "lots", "--points", "5"),
        1,
        "needs a number",
    ),
    (("rule", "add", "x", "--fit", "source", "gte", "5", "--points", "5"), 1, "compares numbers"),
    (
        ("rule", "add", "x", "--event", "replied", "--points", "5", "--half-life", "-3"),
        1,
        "half-life",
    ),
    (("rule", "add", "x", "--event", "replied", "--points", "5", "--max", "0"), 1, "max"),
    (("rule", "add", "x", "--event", "telepathy", "--points", "5"), 1, "unknown event"),
    (("rule", "add", "referral", "--fit", "source", "eq", "x", "--points", "5"), 1, "exists"),
    (("rule", "add", "x", "--fit", "source", "eq", "x", "--points", "0"), 1, "points"),
    (("rule", "add", "x", "--points", "5"), 2, "exactly one"),
    (("rule", "add", "x", "--fit", "source", "eq", "x"), 2, "--points"),
    (
        ("rule", "add", "x", "--fit", "source", "eq", "x", "--points", "5", "--max", "3"),
        2,
        "belong",
    ),
    (("rule", "remove", "nope"), 1, "no rule named"),
    (("score",), 2, "DEAL or --all"),
    (("score", "99"), 1, "no deal"),
]


@pytest.mark.parametrize(("args", "code", "words"), BAD_RULES)
def test_bad_rules_change_nothing(cli, dump, args, code, words):
    add(cli, "Anchor")
    before = dump()
    run = cli(*args)
    assert run.exit_code == code
    assert run.stderr.startswith("Error: ") and words in run.stderr.splitlines()[0]
    assert "Traceback" not in run.stderr
    assert dump() == before


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("[[rules]\nname = 'x'", "rules.toml"),  # TOML syntax
        (
            '[[rules]]\nname = "a"\nevent = "replied"\npoints = 5\n'
            '[[rules]]\nname = "a"\nevent = "replied"\npoints = 6\n',
            "appears twice",
        ),
        ('[[rules]]\nname = "a"\nfield = "source"\nop = "eq"\npoints = 5\n', "needs `value`"),
        ('[[rules]]\nname = "a"\nevent = "replied"\npoints = 5\ncolour = "red"\n', "unknown key"),
        (
            '[[rules]]\nname = "ok"\nevent = "replied"\npoints = 5\n'
            '[[rules]]\nname = "bad"\nevent = "replied"\npoints = 5\nhalf_life = -1\n',
            "rule 2",
        ),
    ],
)
def test_bad_rule_files_load_nothing(cli, dump, tmp_path, text, words):
    cli("init")
    path = tmp_path / "rules.toml"
    path.write_text(text)
    before = dump()
    run = cli("rule", "load", str(path))
    assert run.exit_code == 1
    assert run.stderr.startswith("Error: ") and words in run.stderr
    assert dump() == before
