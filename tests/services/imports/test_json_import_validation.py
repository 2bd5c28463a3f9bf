"""`import FILE.json` (our own export format) lets in only what the command line and the CSV
import let in: the rules are `salesflow.domain`, one set for every way data comes in.

Each case takes a real `export json` of a small database, edits one value and imports the file
into a fresh database: one `Error:` line naming the item as a JSON path (`deals[0].currency`),
exit 1, and the database byte-for-byte as it was.
"""

from __future__ import annotations

import copy
import json

import pytest
from checks import assert_one_error


@pytest.fixture
def exported(cli, tmp_path):
    """The export of a small database (kept apart from the test's own, empty, database)."""
    source = str(tmp_path / "source.db")
    for args in (
        ("lead", "add", "Acme rollout", "--company", "Acme", "--contact", "Jo Smith",
         "--email", "jo@acme.com", "--value", "12k"),
        ("lead", "add", "Acme expansion", "--company", "Acme", "--value", "5k"),
        ("lead", "add", "Initech", "--company", "Initech", "--value", "50,000"),
        ("won", "3"),
        ("lead", "add", "Initech: more seats", "--upsell-of", "3", "--value", "2k"),
        ("task", "add", "1", "Call Jo", "--due", "today", "--repeat", "weekly"),
        ("log", "1", "call", "first call"),
    ):  # fmt: skip
        run = cli("--db", source, *args)
        assert run.exit_code == 0, (args, run.stderr)
    path = tmp_path / "export.json"
    run = cli("--db", source, "export", "json", "--out", str(path))
    assert run.exit_code == 0, run.stderr
    return json.loads(path.read_text())


@pytest.fixture
def importing(cli, dump, tmp_path, exported):
    """Import an edited copy of the export into the empty database: the result, and whether
    the database was left as it was."""
    assert cli("init").exit_code == 0

    def run(edit=None, *, text=None, options=()):
        data = copy.deepcopy(exported)
        if edit is not None:
            edit(data)
        path = tmp_path / "export.json"
        path.write_text(text if text is not None else json.dumps(data))
        before = dump()
        result = cli("import", str(path), *options)
        return result, dump() == before

    return run


def _set(section, index, key, value):
    def edit(data):
        data[section][index][key] = value

    return edit


def _won_in_prospect(data):
    data["deals"][0]["status"] = "won"


def _won_without_outcome(data):
    data["deals"][2]["outcomes"] = []


def _open_with_a_standing_win(data):
    data["deals"][0]["outcomes"] = copy.deepcopy(data["deals"][2]["outcomes"])


def _fax(data):
    data["deals"][0]["activities"][0]["type"] = "fax"


def _format_true(data):
    data["salesflow_export"] = True


CASES = [
    # (id, edit, the error line after "Error: export.json: ")
    ("J12-currency", _set("deals", 0, "currency", "XYZ"),
     "deals[0].currency: unknown currency code 'XYZ'"),
    ("J13-control-characters", _set("deals", 0, "title", "Evil\x1b]0;PWNED\x07\x1b[2Jwipe"),
     "deals[0].title: must be one line of text, and 'Evil\\x1b]0;PWNED\\x07\\x1b[2Jwipe' "
     "contains the control character U+001B"),
    ("J14-long-title", _set("deals", 0, "title", "x" * 10_000),
     "deals[0].title: must be at most 500 characters, not 10,000"),
    ("J15-empty-owner", _set("deals", 0, "owner", ""), "deals[0].owner: must not be empty"),
    ("J16-two-line-owner", _set("deals", 0, "owner", "bo\nb"),
     "deals[0].owner: must be one line of text, and 'bo\\nb' contains a line break"),
    ("J17-won-in-an-open-stage", _won_in_prospect,
     "deals[0]: status 'won' but stage 'prospect' is an open stage"),
    ("J17-won-without-an-outcome", _won_without_outcome,
     "deals[2]: status 'won' but no won outcome stands"),
    ("J17-open-with-a-standing-win", _open_with_a_standing_win,
     "deals[0]: status 'open' but a won outcome still stands"),
    ("J19-activity-fax", _fax, "deals[0].activities[0].type: unknown activity type 'fax'"),
    ("J24-email", _set("contacts", 0, "email", "not-an-email"),
     "contacts[0].email: 'not-an-email' is not an email address"),
    ("J25-repeat-hourly", _set("tasks", 0, "repeat", "hourly"),
     "tasks[0].repeat: repeat must be one of daily, weekly, 2w, monthly"),
    ("J05-dangling-upsell", _set("deals", 1, "upsell_of_id", 999),
     "deals[1]: upsell_of_id 999 is not a deal in the file"),
    ("invisible-title", _set("deals", 0, "title", "\u200b\u200b"),
     "deals[0].title: must show something, and '\\u200b\\u200b' holds only invisible characters"),
    ("invisible-owner", _set("deals", 0, "owner", "\u202e\u2066"),
     "deals[0].owner: must show something"),
    ("bidi-in-email", _set("contacts", 0, "email", "a\u202e@b.com"),
     "contacts[0].email: 'a\\u202e@b.com' is not an email address: it holds the invisible "
     "character U+202E"),
    ("invisible-company", _set("companies", 0, "name", "\ufeff"),
     "companies[0].name: must show something"),
    ("control-character-in-a-note", lambda d: d["deals"][0]["history"][0].update(note="a\x1bb"),
     "deals[0].history[0].note: 'a\\x1bb' contains the control character U+001B"),
]  # fmt: skip


@pytest.mark.parametrize(("edit", "error"), [pytest.param(*c[1:], id=c[0]) for c in CASES])
def test_the_json_import_refuses_what_the_command_line_refuses(importing, edit, error):
    run, unchanged = importing(edit)
    (line, *_) = assert_one_error(run, 1)
    assert line.startswith(f"Error: export.json: {error}"), line
    assert line.endswith("nothing was imported"), line
    assert unchanged


@pytest.mark.parametrize(
    ("edit", "text", "error"),
    [
        pytest.param(_format_true, None, "is salesflow export format True; this salesflow "
                     "reads format 1", id="J20-format-true"),
        pytest.param(None, '{"salesflow_export": 1, "deals": ' + "[" * 200_000 + "]" * 200_000
                     + "}", "export.json is nested too deeply", id="J31-deep-array"),
        pytest.param(None, '{"salesflow_export": 1, "deals": [{"id": ' + "7" * 5000 + "}]}",
                     "export.json holds a number of more than 4,300 digits", id="J32-huge-int"),
    ],
)  # fmt: skip
def test_a_file_that_is_not_an_export_is_one_clear_error(importing, edit, text, error):
    run, unchanged = importing(edit, text=text)
    (line, *_) = assert_one_error(run, 1)
    assert error in line
    assert "unexpected" not in line
    assert unchanged


def test_an_upsell_of_a_refused_deal_is_refused_too(importing, cli, tmp_path):
    """With --skip-invalid, a deal whose upsell_of_id deal was refused is refused with it, not
    imported with its link dropped."""
    errors = tmp_path / "errors.csv"
    run, _ = importing(_set("deals", 2, "currency", "XYZ"),
                       options=("--skip-invalid", "--errors", str(errors)))  # fmt: skip
    assert run.exit_code == 3, run.stderr
    titles = {d["title"] for d in cli("lead", "list", "--all", "--json").json()["deals"]}
    assert titles == {"Acme rollout", "Acme expansion"}
    rejected = errors.read_text()
    assert "deals[2].currency: unknown currency code 'XYZ'" in rejected
    assert "deals[3]: upsell_of_id 3 is a deal that was not imported" in rejected
