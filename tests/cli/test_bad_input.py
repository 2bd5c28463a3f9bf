"""Bad input: one `Error:` line (and maybe one `Hint:`), the contract's exit code, no traceback,
and a database that is byte-for-byte what it was before the command."""

from __future__ import annotations

import pytest
from checks import GOOD_PIPELINE, NOT_FOUND_OR_INVALID, USAGE, assert_one_error


@pytest.fixture
def refused(cli, dump):
    """Run a command that must fail, and prove it changed nothing."""

    def run(*args, code=NOT_FOUND_OR_INVALID, error=None, hint=None, env=None):
        before = dump()
        result = cli(*args, env=env)
        lines = assert_one_error(result, code, error=error, hint=hint)
        assert dump() == before, f"`{' '.join(args)}` changed the database"
        return lines

    return run


@pytest.fixture
def seeded(cli):
    """Three leads: two at Acme (so `acme` is ambiguous) and one at Globex, plus a follow-up."""
    for args in (
        (
            "lead",
            "add",
            "Acme rollout",
            "--company",
            "Acme",
            "--contact",
            "Jo Smith",
            "--email",
            "jo@acme.com",
            "--value",
            "12k",
        ),
        ("lead", "add", "Acme expansion", "--company", "Acme", "--value", "5k"),
        ("lead", "add", "Globex pilot", "--company", "Globex"),
    ):
        assert cli(*args).exit_code == 0


pytestmark = pytest.mark.usefixtures("seeded")


@pytest.mark.parametrize(
    ("args", "error", "hint"),
    [
        (("show", "999"), "no deal #999", "lead list"),
        (("show", "#999"), "no deal #999", None),
        (("advance", "nosuchthing"), "nosuchthing", "lead list"),
        (("advance", "1", "--to", "nowhere"), "no stage 'nowhere'", "prospect"),
        (("advance", "1", "--to", "won"), "outcome", "won 1"),
        (("reopen", "1"), "open already", None),
        (("lost", "1", "--reason", "whatever"), "unknown lost reason 'whatever'", "no-budget"),
        (("won", "1", "--on", "tomorrow"), "in the future", None),
        (("won", "1", "--amount", "abc"), "'abc' is not an amount", None),
        (("lead", "add", "X", "--value", "-5"), "negative", None),
        (("lead", "add", "X", "--value", "abc"), "'abc' is not an amount", "12.5k"),
        (("lead", "add", "X", "--value", "12..5"), "'12..5' is not an amount", None),
        (("lead", "add", "X", "--value", "1,00"), "'1,00' is not an amount", None),
        (("lead", "add", "X", "--value", "1.234"), "more decimals than USD allows (2)", None),
        (("lead", "add", "X", "--value", "10000000000000"), "too large", None),
        (("lead", "add", "X", "--value", "1.5", "--currency", "JPY"), "JPY allows (0)", None),
        (("lead", "add", "X", "--currency", "XYZ"), "unknown currency code 'XYZ'", "ISO 4217"),
        (("edit", "1", "--currency", "XYZ"), "unknown currency code 'XYZ'", "ISO 4217"),
        (("edit", "1", "--value", "1.234"), "more decimals", None),
        (("lead", "add", "X", "--close-by", "2026-02-30"), "'2026-02-30' is not a real date", None),
        (("lead", "add", "X", "--close-by", "03/04/2026"), "ambiguous", "date_order"),
        (("edit", "1", "--close-by", "someday"), "someday", "YYYY-MM-DD"),
        (("task", "add", "1", "Call Jo", "--due", "someday"), "someday", "tomorrow"),
        (("task", "add", "1", "Call Jo", "--due", "today", "--repeat", "hourly"), "repeat", None),
        (("task", "add", "1", "", "--due", "today"), "text", None),
        (("task", "done", "999"), "no follow-up #999", "task list"),
        (("task", "edit", "999", "--due", "today"), "no follow-up #999", None),
        (("task", "edit", "1"), "nothing to change", None),
        (("edit", "1"), "nothing to change", "--value"),
        (("edit", "1", "--value", "12k"), "nothing to change", None),  # already 12,000
        (("edit", "1", "--title", ""), "title", None),
        (("lead", "add", ""), "title", None),
        (("lead", "add", "X", "--email", "nope"), "not an email address", None),
        (("lead", "add", "X", "--employees", "-4"), "employees", None),
        (("lead", "add", "X", "--pipeline", "nope"), "no pipeline 'nope'", "sales"),
        (("lead", "list", "--sort", "bogus"), "cannot sort by 'bogus'", None),
        (("pipeline", "show", "nope"), "no pipeline 'nope'", None),
        # a value that does not convert is a bad value (1), not a usage error
        (("task", "done", "abc"), "Invalid value for 'ID'", "task done --help"),
        (("lead", "add", "X", "--employees", "abc"), "--employees", None),
        (("lead", "list", "--limit", "abc"), "--limit", None),
        (("--color", "bogus", "show", "1"), "--color", None),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, tuple) else None,
)
def test_bad_value_is_one_error_line_exit_1_and_changes_nothing(refused, args, error, hint):
    refused(*args, error=error, hint=hint)


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (("frobnicate",), "No such command 'frobnicate'"),
        (("show", "1", "--frob"), "No such option: --frob"),
        (("lead", "add", "X", "--frob", "1"), "--frob"),
        (("show",), "Missing argument"),
        (("task", "add", "1"), "Missing argument"),
        (("task", "add", "1", "Call Jo"), "--due"),
        (("lost", "1"), "Missing option '--reason'"),
        (("lead", "add", "X", "--value"), "'--value' requires an argument"),
        (("due-today", "--owner", "x", "--all"), "--owner and --all"),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, tuple) else None,
)
def test_usage_error_is_one_error_line_exit_2_and_changes_nothing(refused, args, error):
    refused(*args, code=USAGE, error=error)


def test_unknown_command_hints_at_help(refused):
    refused("frobnicate", code=USAGE, hint="salesflow --help")


@pytest.mark.parametrize("command", ["show", "advance", "edit", "won"])
def test_ambiguous_deal_lists_the_candidates(refused, command):
    extra = ("--title", "New title") if command == "edit" else ()
    (line, *_) = refused(command, "acme", *extra, error="matches 2 deals")
    assert "#1 Acme rollout" in line
    assert "#2 Acme expansion" in line
    assert "#3" not in line


def test_a_reference_matching_one_deal_is_not_ambiguous(cli):
    assert cli("show", "globex", "--json").json()["id"] == 3
    assert cli("show", "ACME ROLLOUT", "--json").json()["id"] == 1


@pytest.mark.parametrize("outcome", [("won",), ("lost", "--reason", "price")])
@pytest.mark.parametrize(
    "again",
    [
        ("advance", "3"),
        ("advance", "3", "--to", "demo"),
        ("won", "3"),
        ("lost", "3", "--reason", "timing"),
    ],
)
def test_a_closed_deal_cannot_move_and_the_hint_says_reopen(cli, refused, outcome, again):
    assert cli(outcome[0], "3", *outcome[1:]).exit_code == 0
    refused(*again, error="already", hint="reopen 3")


def test_lowercase_currency_is_accepted_and_upper_cased(cli):
    card = cli(
        "lead", "add", "Initech", "--value", "1,500.25", "--currency", "usd", "--json"
    ).json()
    assert (card["value"], card["currency"]) == ("1500.25", "USD")


def test_slashed_date_needs_date_order(cli, refused, isolated):
    refused(
        "lead", "add", "Hooli", "--close-by", "03/04/2026", error="ambiguous", hint="date_order"
    )
    config = isolated.parent.parent / "config.toml"
    config.write_text('timezone = "UTC"\ncurrency = "USD"\ndate_order = "DMY"\n')
    card = cli("lead", "add", "Hooli", "--close-by", "03/04/2026", "--json").json()
    assert card["close_by"] == "2026-04-03"  # 3 April
    config.write_text('timezone = "UTC"\ncurrency = "USD"\ndate_order = "MDY"\n')
    card = cli("lead", "add", "Hooli 2", "--close-by", "03/04/2026", "--json").json()
    assert card["close_by"] == "2026-03-04"
    refused("lead", "add", "Hooli 3", "--close-by", "31/04/2026", error="not a real date")


def test_finishing_a_follow_up_twice(cli, refused):
    added = cli("task", "add", "1", "Send the deck", "--due", "today", "--json").json()
    assert cli("task", "done", str(added["id"])).exit_code == 0
    refused("task", "done", str(added["id"]), error="already done")


# -- pipeline files -----------------------------------------------------------------------------


def _edit(old, new):
    assert old in GOOD_PIPELINE
    return GOOD_PIPELINE.replace(old, new, 1)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        pytest.param(_edit('name = "Pilot"', 'name = "Pilot'), "line 11", id="toml-syntax"),
        pytest.param(
            _edit("probability = 0.5", "probability = 1.5"),
            "line 12, field stages.1.probability: Input should be less than or equal to 1",
            id="probability-1.5",
        ),
        pytest.param(
            _edit("probability = 0.5", 'probability = "high"'),
            "line 12, field stages.1.probability",
            id="probability-text",
        ),
        pytest.param(
            _edit('key = "pilot"', 'key = "intro"'),
            "stage key 'intro' appears twice",
            id="duplicate-stage-key",
        ),
        pytest.param(
            _edit('name = "partners"\n', ""), ": field name: Field required", id="missing-name"
        ),
        pytest.param(
            _edit('name = "partners"\n', 'name = "partners"\ncolour = "red"\n'),
            "line 2, field colour: Extra inputs are not permitted",
            id="unknown-top-level-key",
        ),
        pytest.param(
            _edit("probability = 0.5\n", "probability = 0.5\ncolour = 1\n"),
            "line 13, field stages.1.colour: Extra inputs are not permitted",
            id="unknown-stage-key",
        ),
        pytest.param(
            _edit("rot_days = 5", "rot_days = 0"),
            "line 7, field stages.0.rot_days",
            id="rot-days-0",
        ),
        pytest.param(
            _edit("rot_days = 5", 'rot_days = 5\non_enter = [{ text = "Call", due = "someday" }]'),
            "line 8, field stages.0.on_enter.0.due: cannot understand the date 'someday'",
            id="playbook-due",
        ),
        pytest.param(_edit('key = "won"', 'key = "intro"'), "also an open stage", id="outcome-key"),
        pytest.param('name = "partners"\n', "field stages: Field required", id="no-stages"),
    ],
)
def test_malformed_pipeline_file_is_refused_with_line_and_field(refused, tmp_path, text, error):
    path = tmp_path / "partners.toml"
    path.write_text(text)
    (line, *_) = refused("pipeline", "add", str(path), error=error)
    assert line.startswith(f"Error: {path}: ")


def test_the_good_pipeline_file_is_accepted(cli, tmp_path):
    path = tmp_path / "partners.toml"
    path.write_text(GOOD_PIPELINE)
    added = cli("pipeline", "add", str(path))
    assert added.exit_code == 0, added.stderr


def test_missing_name_does_not_point_at_a_stage_name(refused, tmp_path):
    path = tmp_path / "partners.toml"
    path.write_text(_edit('name = "partners"\n', ""))
    (line,) = refused("pipeline", "add", str(path))
    assert line == f"Error: {path}: field name: Field required"


@pytest.mark.parametrize("where", ["missing.toml", ".", "latin1.toml"])
def test_unreadable_pipeline_file(refused, tmp_path, where):
    (tmp_path / "latin1.toml").write_bytes(b'name = "caf\xe9"\n')
    refused("pipeline", "add", str(tmp_path / where), error="cannot read")


# -- all or nothing -----------------------------------------------------------------------------


def test_bad_close_by_creates_no_company_or_contact(cli, refused, dump):
    refused(
        "lead",
        "add",
        "Umbrella deal",
        "--company",
        "Umbrella",
        "--contact",
        "Al Wesker",
        "--close-by",
        "2026-02-30",
    )
    assert "Umbrella" not in dump()
    assert "Wesker" not in dump()


def test_a_failure_half_way_through_a_write_rolls_everything_back(cli, refused, dump, tmp_path):
    # The playbook's `+7990y` is valid when the file is checked (from 2000) but overflows the
    # calendar from 2026, so `lead add` fails after the company, contact, deal and stage move
    # were already flushed: none of them may survive.
    path = tmp_path / "doomed.toml"
    path.write_text(
        _edit(
            "rot_days = 5", 'rot_days = 5\non_enter = [{ text = "Far", due = "+7990y" }]'
        ).replace('"partners"', '"doomed"')
    )
    assert cli("pipeline", "add", str(path)).exit_code == 0
    refused(
        "lead",
        "add",
        "Doomed deal",
        "--company",
        "Umbrella",
        "--contact",
        "Al Wesker",
        "--pipeline",
        "doomed",
        error="out of range",
    )
    assert "Umbrella" not in dump()
    assert "Doomed deal" not in dump()


# -- no traceback unless asked ------------------------------------------------------------------


@pytest.fixture
def broken_card(monkeypatch):
    """`show` hits a bug: an exception salesflow did not expect."""
    import salesflow.services.deals.card as card

    def explode(*_args, **_kwargs):
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr(card, "deal_card", explode)


@pytest.mark.usefixtures("broken_card")
def test_unexpected_error_is_one_line_without_traceback(refused):
    (_, hint) = refused("show", "1", error="unexpected RuntimeError: boom second line")
    assert "--debug" in hint


@pytest.mark.usefixtures("broken_card")
@pytest.mark.parametrize(
    ("args", "env"), [(("--debug", "show", "1"), None), (("show", "1"), {"SALESFLOW_DEBUG": "1"})]
)
def test_debug_lets_the_traceback_of_an_unexpected_error_through(cli, args, env):
    with pytest.raises(RuntimeError, match="boom"):
        cli(*args, env=env)


@pytest.mark.parametrize(
    ("args", "env"),
    [(("--debug", "show", "999"), None), (("show", "999"), {"SALESFLOW_DEBUG": "1"})],
)
def test_debug_keeps_domain_errors_to_one_line(refused, args, env):
    refused(*args, env=env, error="no deal #999")


def test_an_unopenable_database_is_one_line(cli, tmp_path):
    run = cli("--db", str(tmp_path), "show", "1")  # a folder, not a database file
    # was SQLite's "database error: unable to open database file"; now it says why
    assert_one_error(
        run, NOT_FOUND_OR_INVALID, error=f"cannot open database {tmp_path}: it is a folder"
    )


@pytest.mark.parametrize("args", [(), ("lead",), ("task",)])
def test_a_group_without_a_command_shows_its_help_not_an_error(cli, args):
    run = cli(*args)
    assert run.exit_code == USAGE
    assert run.stderr.startswith("Usage: salesflow")
    assert "Error:" not in run.stderr
    assert "Traceback" not in run.stderr


def test_a_blank_reference_is_a_bad_value(refused):
    refused("show", "  ", error="empty deal reference")


@pytest.mark.parametrize("ref", ["%", "_", "#", "#abc", "acme%"])
def test_like_wildcards_in_a_reference_are_literal(refused, ref):
    refused("show", ref, error="no deal matches")
