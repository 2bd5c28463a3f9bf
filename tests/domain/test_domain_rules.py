"""Rules the domain holds whatever the path (issue 14, item 7): gates guard every stage at or
after them, the quote approval sees the effective discount, a deal closes no earlier than it
started, and a pipeline file cannot make an outcome look like an open stage."""

from __future__ import annotations

import pytest
from checks import GOOD_PIPELINE, assert_one_error

INVALID = 1


@pytest.fixture
def refused(cli, dump):
    """A command that must fail with one `Error:` line and leave the database as it was."""

    def run(*args, error=None, hint=None):
        before = dump()
        lines = assert_one_error(cli(*args), INVALID, error=error, hint=hint)
        assert dump() == before, f"`{' '.join(args)}` changed the database"
        return lines

    return run


def add(cli, *args):
    run = cli("lead", "add", *args)
    assert run.exit_code == 0, run.stderr
    return int(run.stdout)


# -- score gates cannot be jumped ----------------------------------------------------------------


def test_jumping_over_a_gated_stage_is_refused(cli, refused):
    # a referral (30) at a 100-person company (10): score 40, below Qualified's gate of 70
    add(cli, "Jumper", "--company", "Jump Co", "--source", "referral", "--employees", "100")
    (line, hint) = refused("advance", "1", "--to", "demo")
    assert line == (
        "Error: cannot enter Demo: Qualified on the way: score 40 is below the gate's minimum 60"
    )
    assert "--force" in hint
    # the gate of a stage further on is checked too: Proposal needs a quote
    (line, _) = refused("advance", "1", "--to", "proposal")
    assert "Qualified on the way: score 40" in line and "needs a quote" in line
    # once the deal passes every gate on the way, it jumps without --force
    assert cli("log", "1", "demo_requested", "Asked for a demo").exit_code == 0  # +30: 70
    card = cli("advance", "1", "--to", "demo", "--json").json()
    assert (card["stage"], card["history"][-1]["forced"]) == ("demo", False)


def test_force_jumps_the_gates_and_the_override_is_recorded(cli):
    add(cli, "Jumper")
    card = cli("advance", "1", "--to", "demo", "--force", "--json").json()
    assert card["stage"] == "demo"
    move = card["history"][-1]
    assert move["forced"] is True
    assert move["note"] == (
        "gate overridden: Qualified on the way: score 0 is below the gate's minimum 60"
    )
    # moving back over the gate is never gated
    card = cli("advance", "1", "--to", "prospect", "--json").json()
    assert (card["stage"], card["history"][-1]["forced"]) == ("prospect", False)


# -- quote approval: the effective discount -------------------------------------------------------


@pytest.fixture
def seat(cli, tmp_path):
    (tmp_path / "config.toml").write_text('timezone = "UTC"\ncurrency = "USD"\nmax_discount = 25\n')
    add(cli, "Quoted", "--value", "1k")
    assert cli("product", "add", "SEAT", "Seat", "--price", "100").exit_code == 0


def test_line_and_quote_discounts_together_need_approval(cli, seat):
    # 20% off the line and 20% off the quote: 36% off list, above the 25% limit
    quote = cli("quote", "new", "1", "--line", "SEAT:10:20%", "--discount", "20%", "--json")
    assert quote.exit_code == 0, quote.stderr
    assert quote.json()["status"] == "pending_approval"
    run = cli("quote", "send", str(quote.json()["id"]))
    assert run.exit_code == 1 and "above the 25% limit" in run.stderr
    # 10% and 10%: 19% off list, within the limit
    quote = cli("quote", "new", "1", "--line", "SEAT:10:10%", "--discount", "10%", "--json")
    assert quote.json()["status"] == "draft"


def test_a_revision_that_adds_a_quote_discount_needs_approval(cli, seat):
    quote = cli("quote", "new", "1", "--line", "SEAT:10:20%", "--json").json()
    assert quote["status"] == "draft"
    revised = cli("quote", "revise", str(quote["id"]), "--discount", "20%", "--json").json()
    assert revised["status"] == "pending_approval"


def test_a_quote_too_large_to_be_won_is_refused_when_written(cli, refused):
    add(cli, "Huge")
    assert cli("product", "add", "SEAT", "Seat", "--price", "100").exit_code == 0
    refused("quote", "new", "1", "--line", "SEAT:1000000000000",
            error="amount 100000000000000.00 USD is too large")  # fmt: skip
    quote = cli("quote", "new", "1", "--line", "SEAT:1", "--json").json()
    refused("quote", "revise", str(quote["id"]), "--line", "SEAT:1000000000000",
            error="amount 100000000000000.00 USD is too large")  # fmt: skip


# -- close dates and start dates ---------------------------------------------------------------


@pytest.mark.parametrize("day", ["1970-01-01", "0001-01-01", "2026-11-26"])
def test_won_before_the_deal_was_created_is_refused(cli, refused, day):
    add(cli, "Time traveller")
    (line, _) = refused("won", "1", "--on", day)
    assert line == f"Error: {day} is before deal #1 was created (2026-11-27)"


def test_lost_before_the_deal_was_created_is_refused(cli, refused):
    add(cli, "Time traveller")
    refused("lost", "1", "--reason", "price", "--on", "2026-01-01",
            error="before deal #1 was created (2026-11-27)")  # fmt: skip


def test_a_deal_that_started_earlier_closes_with_a_true_cycle(cli):
    add(cli, "Old friend", "--created", "2026-11-01")
    card = cli("show", "1", "--json").json()
    assert card["history"][0]["at"] == "2026-11-01T00:00:00Z"
    assert cli("won", "1", "--on", "2026-11-11").exit_code == 0
    kpis = cli("report", "kpis", "--json").json()
    assert kpis["median_cycle_days"] == 10.0
    # the funnel sees it enter its first stage on the day it started
    funnel = cli("funnel", "--since", "2026-11-01", "--until", "2026-11-05", "--json").json()
    assert funnel["stages"][0]["entered"] == 1


def test_a_start_date_in_the_future_is_refused(cli, refused):
    assert cli("init").exit_code == 0
    refused("lead", "add", "Soon", "--created", "2026-12-01",
            error="created 2026-12-01 is in the future")  # fmt: skip


# -- pipeline files --------------------------------------------------------------------------------


def _edit(old, new):
    assert old in GOOD_PIPELINE
    return GOOD_PIPELINE.replace(old, new, 1)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        pytest.param(
            _edit('key = "won"', 'key = "signed"').replace('key = "pilot"', 'key = "won"'),
            "line 10, field stages.1.key: 'won' names an outcome, not an open stage",
            id="Y01-open-stage-won",
        ),
        pytest.param(
            _edit('key = "pilot"', 'key = "lost"'),
            "line 10, field stages.1.key: 'lost' names an outcome",
            id="Y02-open-stage-lost",
        ),
        pytest.param(
            _edit('key = "won"', 'key = "pilot"'),
            "line 15, field won.key: outcome key 'pilot' is also an open stage",
            id="outcome-key-of-an-open-stage",
        ),
        pytest.param(
            "mql = -5\n" + GOOD_PIPELINE,
            "line 1, field mql: Input should be greater than or equal to 0",
            id="Y09-mql-negative",
        ),
        pytest.param(
            "mql = 80\nsql = 20\n" + GOOD_PIPELINE,
            "line 2, field sql: sql (20) is below mql (80)",
            id="Y10-sql-below-mql",
        ),
        pytest.param(
            _edit("rot_days = 5", 'rot_days = 5\non_enter = [{ text = "Call", keep = "yes" }]'),
            "line 8, field stages.0.on_enter.0.keep: Input should be a valid boolean",
            id="keep-not-a-bool",
        ),
    ],
)
@pytest.mark.parametrize("command", [("pipeline", "add"), ("init", "--pipeline")])
def test_a_pipeline_file_cannot_blur_outcomes_or_thresholds(
    cli, refused, tmp_path, text, error, command
):
    assert cli("init").exit_code == 0
    path = tmp_path / "partners.toml"
    path.write_text(text)
    (line, *_) = refused(*command, str(path), error=error)
    assert line.startswith(f"Error: {path}: line ")


def test_a_score_gate_on_the_way_points_at_score_explain(cli):
    assert cli("lead", "add", "Globex CRM", "--company", "Globex").exit_code == 0
    run = cli("advance", "1", "--to", "demo")
    assert run.exit_code == 1
    assert "Qualified on the way" in run.stderr
    assert "`salesflow score 1 --explain` shows what would lift it" in run.stderr
