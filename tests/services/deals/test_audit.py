"""The audit trail is complete: every command that changes a deal leaves at least one event in
`history DEAL`, stamped with who (the acting rep) and when, and old → new where there is an old.

(tests/services/deals/test_history.py tells one deal's story in detail; this walks every kind of change.)
"""

from __future__ import annotations

import shutil

import pytest
from conftest import REPO

EXAMPLES = REPO / "examples"

# (rep, command) in order, one rep per command so each event names who made it; T is the
# follow-up added by the step marked "task add", Q1/Q2 the quotes, in the order they are made.
STEPS = [
    ("rita", ("edit", "1", "--value", "15k")),
    ("otto", ("edit", "1", "--owner", "ben")),
    ("tina", ("edit", "1", "--title", "Acme roll-out", "--close-by", "2026-12-31")),
    ("sam", ("edit", "1", "--source", "referral", "--currency", "EUR")),
    ("adam", ("advance", "1")),
    ("reg", ("advance", "1", "--to", "prospect", "--note", "went quiet")),
    ("lou", ("log", "1", "call", "Caught up with Jo")),
    ("tad", ("task", "add", "1", "Send the deck", "--due", "+2d")),
    ("ted", ("task", "edit", "T", "--due", "+5d")),
    ("tex", ("task", "edit", "T", "--text", "Send the new deck", "--owner", "zed")),
    ("dora", ("task", "done", "T")),
    ("cara", ("cadence", "start", "1", "warm-inbound")),
    ("cody", ("cadence", "stop", "1", "--reason", "they booked a call")),
    ("quin", ("quote", "new", "1", "--line", "SEAT:10:30%")),
    ("mona", ("quote", "approve", "Q1")),
    ("sid", ("quote", "send", "Q1")),
    ("rex", ("quote", "reject", "Q1", "--reason", "too many seats")),
    ("quin", ("quote", "new", "1", "--line", "SEAT:5")),
    ("ray", ("quote", "revise", "Q2", "--line", "SEAT:6")),
    ("sid", ("quote", "send", "Q3")),
    ("acey", ("quote", "accept", "Q3")),
    ("fay", ("feedback", "add", "1", "--score", "9", "--note", "smooth start")),
    ("rob", ("reopen", "1", "--note", "second phase")),
    ("lars", ("lost", "1", "--reason", "timing")),
    ("rob", ("reopen", "1")),
    ("eve", ("email", "draft", "1", "--template", "intro")),
    ("will", ("won", "1", "--amount", "9k")),
]


@pytest.fixture
def acme(cli, tmp_path, set_now):
    set_now("2026-11-01T09:00")
    shutil.copytree(EXAMPLES / "templates", tmp_path / "templates")
    for args in (
        ("lead", "add", "Acme rollout", "--company", "Acme", "--contact", "Jo Smith",
         "--email", "jo@acme.example", "--value", "12k"),
        ("product", "add", "SEAT", "Seat", "--price", "100", "--currency", "EUR"),
        ("cadence", "add", str(EXAMPLES / "cadences" / "warm-inbound.toml")),
    ):  # fmt: skip
        run = cli(*args)
        assert run.exit_code == 0, (args, run.stderr)


@pytest.mark.usefixtures("acme")
def test_every_change_to_a_deal_is_in_its_history_with_who_and_when(cli, set_now):
    ids: dict[str, str] = {}
    quotes = iter(["Q1", "Q2", "Q3"])
    for day, (rep, args) in enumerate(STEPS, start=2):
        moment = f"2026-11-{day:02d}T10:00"
        set_now(moment)
        before = cli("history", "1", "--json").json()["events"]
        wants_id = args[:2] in (("task", "add"), ("quote", "new"), ("quote", "revise"))
        run = cli("--as", rep, *[ids.get(a, a) for a in args], *(["--json"] if wants_id else []))
        assert run.exit_code == 0, (args, run.stderr)
        if args[:2] == ("task", "add"):
            ids["T"] = str(run.json()["id"])
        if args[:2] in (("quote", "new"), ("quote", "revise")):
            ids[next(quotes)] = str(run.json()["id"])
        after = cli("history", "1", "--json").json()["events"]
        new = after[len(before) :] if after[: len(before)] == before else None
        assert new, f"{args}: no new event in the history (or older events changed)"
        assert all(e["by"] == rep for e in new), (args, new)
        assert all(e["at"].startswith(moment) for e in new), (args, new)

    trail = cli("history", "1", "--json").json()["events"]

    def changes(kind, field=None):
        return [(e["by"], e["from"], e["to"]) for e in trail
                if e["kind"] == kind and (field is None or e["field"] == field)]  # fmt: skip

    assert changes("field", "value") == [("rita", "12000.00", "15000.00")]
    assert changes("field", "owner") == [("otto", "ana", "ben")]
    assert changes("field", "title") == [("tina", "Acme rollout", "Acme roll-out")]
    assert changes("field", "currency") == [("sam", "USD", "EUR")]
    assert changes("field", "source") == [("sam", None, "referral")]
    t = ids["T"]
    assert changes("task edited") == [
        ("ted", "2026-11-11", "2026-11-15"),
        ("tex", "Send the deck", "Send the new deck"),
        ("tex", "tad", "zed"),  # a follow-up is owned by whoever added it
    ]
    assert [e["field"] for e in trail if e["kind"] == "task edited"] == [
        f"task #{t} due", f"task #{t} text", f"task #{t} owner"]  # fmt: skip
    done = [e for e in trail if e["kind"] == "task done"]
    assert [(e["by"], e["to"]) for e in done] == [("dora", "Send the new deck")]  # not the owner
    assert changes("cadence") == [("cara", None, "warm-inbound"),
                                  ("cody", "warm-inbound", "stopped: they booked a call")]  # fmt: skip
    removed = changes("task removed")
    assert removed and all(by == "cody" and old.startswith("warm-inbound ")
                           and new == "removed: cadence warm-inbound stopped"
                           for by, old, new in removed)  # fmt: skip
    # the removed follow-ups stay in the trail as added, by whoever started the cadence
    added = [e["to"] for e in trail if e["kind"] == "task added" and e["by"] == "cara"]
    assert sorted(added) == sorted(old for _, old, _ in removed)
    q1, q2, q3 = (f"quote #{ids[q]}" for q in ("Q1", "Q2", "Q3"))
    quote_trail = [(e["by"], e["field"], e["from"], e["to"]) for e in trail if e["kind"] == "quote"]
    assert quote_trail == [
        ("quin", q1, None, "pending_approval v1, total 700.00 EUR"),
        ("mona", q1, "pending_approval", "approved"),
        ("sid", q1, "approved", "sent"),
        ("rex", q1, "sent", "rejected: too many seats"),
        ("quin", q2, None, "draft v1, total 500.00 EUR"),
        ("ray", q2, "draft", "superseded"),
        ("ray", q3, None, "draft v2, total 600.00 EUR"),
        ("sid", q3, "draft", "sent"),
        ("acey", q3, "sent", "accepted"),
    ]
    assert ("acey", "prospect", "won 600.00 EUR") in changes("won")
    assert changes("feedback") == [("fay", None, "9/10")]
    assert changes("reopened")[0][0] == "rob" and changes("lost")[0][0] == "lars"
    assert [(e["by"], e["field"]) for e in trail if e["kind"] == "activity"][-1] == ("eve", "email")

    text = cli("history", "1").stdout
    assert "pending_approval → approved" in text
    assert "warm-inbound → stopped: they booked a call" in text
    assert "2026-11-11 → 2026-11-15" in text
