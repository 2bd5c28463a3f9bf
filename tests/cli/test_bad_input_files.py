"""Bad input from files and from the far corners of the command line.

Every case: the contract's exit code (1 for a bad value or file, 2 for a usage error), exactly
one `Error:` line on stderr (and at most a `Hint:`), no traceback, nothing on stdout, and the
database dumped before and after identical. CSV files for `import` (encodings, BOMs, quotes, NUL
bytes, huge fields, duplicate headers, formula cells), names with control characters and line
breaks, broken pipeline, rules and cadence files, and dates, money, currencies, deal references,
stages, closed deals, quotes and discounts.

What is *valid* is pinned too: names in any script, emoji and right-to-left text are kept exactly;
a formula in a name is data (stored as typed, neutralised when exported to CSV); a UTF-8 BOM is
not part of the first header. Control characters are refused on the command line (a title that
could recolour a terminal is never stored), and text that reached the database another way (an
older version, a CSV cell) is printed with its control characters shown, not obeyed.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

import pytest
from checks import assert_one_error

BAD_VALUE = 1
USAGE = 2

ACME = ("lead", "add", "Acme rollout", "--company", "Acme", "--contact", "Jo Smith", "--email",
        "jo@acme.com", "--value", "12k")  # fmt: skip


@pytest.fixture
def world(cli):
    """Two open deals, one won, a product, a draft quote and an engagement rule."""
    for args in (
        ACME,
        ("lead", "add", "Globex pilot", "--company", "Globex", "--value", "500"),
        ("lead", "add", "Initech", "--company", "Initech", "--value", "50,000"),
        ("won", "3"),
        ("product", "add", "SEAT", "Seat licence", "--price", "100"),
        ("quote", "new", "1", "--line", "SEAT:10"),
        ("rule", "add", "calls", "--event", "call", "--points", "5"),
    ):
        run = cli(*args)
        assert run.exit_code == 0, (args, run.stderr)


@pytest.fixture
def refused(cli, dump, world):
    """Run a command that must fail; prove the error's shape and that nothing changed."""

    def run(*args, code=BAD_VALUE, error=None):
        before = dump()
        result = cli(*args)
        lines = assert_one_error(result, code, error=error)
        assert dump() == before, f"`{' '.join(args)}` changed the database"
        return lines

    return run


# -- CSV files for `import` ---------------------------------------------------------------------

CSV_CASES = [
    # (id, file bytes, extra options, exit code, what the error says)
    ("latin-1", b"title,value\nCaf\xe9 deal,10\n", (), 1, "is not UTF-8: byte 0xe9 on line 2"),
    ("cp1252-quotes", b"title,value\n\x93Quoted\x94,10\n", (), 1, "is not UTF-8: byte 0x93"),
    ("bom-then-latin-1", b"\xef\xbb\xbftitle,value\nCaf\xe9,1\n", (), 1, "is not UTF-8"),
    ("utf-16-with-bom", "title,value\nA,1\n".encode("utf-16"), (), 1, "is UTF-16"),
    ("utf-16-without-bom", "title,value\nA,1\n".encode("utf-16-le"), (), 1, "NUL byte (line 1)"),
    ("bom-only", b"\xef\xbb\xbf", (), 1, "is empty: no header row"),
    ("empty-file", b"", (), 1, "is empty: no header row"),
    ("blank-header", b" , ,\nA,B,C\n", (), 1, "the header row is empty"),
    ("unbalanced-quote", b'title,value\n"Acme,10\nGlobex,20\n', (), 1, "unbalanced quote"),
    ("nul-byte", b"title,value\nAc\x00me,10\n", (), 1, "holds a NUL byte (line 2)"),
    ("nul-byte-skip-invalid", b"title,value\nA,1\nB\x00,2\n", ("--skip-invalid",), 1,
     "holds a NUL byte (line 3)"),
    ("200-kb-field", b"title,value\n" + b"x" * 200_000 + b",10\n", (), 1,
     "a field is longer than 131,072 characters"),
    ("200-kb-quoted-field", b'title,value\n"' + b"y" * 200_000 + b'",10\n', (), 1,
     "longer than 131,072"),
    ("duplicate-header", b"title,title,value\nA,B,10\n", (), 1,
     "names column 'title' twice (columns 1 and 2)"),
    ("duplicate-header-other-case-bom", b"\xef\xbb\xbfTitle,value,TITLE\nA,1,B\n", (), 1,
     "names column 'TITLE' twice (columns 1 and 3)"),
    ("formula-in-value", b"title,value\nAcme,=1+1\n", (), 1, "'=1+1' is not an amount"),
    ("formula-in-date", b"title,close_by\nAcme,@SUM(A1)\n", (), 1,
     "cannot understand the date '@SUM(A1)'"),
    ("formula-in-currency", b"title,value,currency\nAcme,5,=USD\n", (), 1, "currency '=USD'"),
    ("too-many-fields", b"title,value\nAcme,1,2\n", (), 1, "3 fields, expected 2"),
    ("crlf-short-row", b"title,value\r\nAcme\r\nGlobex,10\r\n", (), 1, "1 fields, expected 2"),
    ("negative-value", b"title,value\nAcme,-5\n", (), 1, "is negative"),
    ("unknown-currency", b"title,value,currency\nAcme,5,XYZ\n", (), 1, "currency 'XYZ'"),
    ("impossible-date", b"title,created\nAcme,2026-02-30\n", (), 1, "is not a real date"),
    ("unknown-stage", b"title,stage\nAcme,nowhere\n", (), 1, "stage 'nowhere' is not in pipeline"),
    ("no-title", b"title,value\n,5\n", (), 1, "the deal has no title"),
    ("bad-json", b"{not json", (), 1, "is not valid JSON"),
    ("map-unknown-field", b"title\nA\n", ("--map", "title=nonsense"), 2, "unknown field"),
    ("unknown-encoding", b"title\nA\n", ("--encoding", "klingon"), 2, "unknown encoding"),
    ("unknown-preset", b"title\nA\n", ("--preset", "salesforce"), 2, "unknown preset"),
    ("on-duplicate-bogus", b"title\nA\n", ("--on-duplicate", "explode"), 2, "--on-duplicate"),
    ("invisible-title", "title,value\n\u200b\u200d,5\n".encode(), (), 1,
     "line 2: title '\\u200b\\u200d' holds only invisible characters"),
    ("invisible-owner", "title,owner\nA,\u2066\u2069\n".encode(), (), 1,
     "owner '\\u2066\\u2069' holds only invisible characters"),
    ("owner-too-long", b"title,owner\nA," + b"o" * 101 + b"\n", (), 1,
     "owner is longer than 100 characters"),
    ("bidi-override-in-email", "title,email\nA,a\u202e@b.com\n".encode(), (), 1,
     "invisible character U+202E"),
    ("value-badly-grouped", b"title,value\nA,1 2\n", (), 1, "'1 2' is not an amount"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("data", "options", "code", "error"),
    [pytest.param(*case[1:], id=case[0]) for case in CSV_CASES],
)
def test_a_bad_csv_file_imports_nothing(refused, tmp_path, data, options, code, error):
    path = tmp_path / ("bad.json" if data.startswith(b"{") else "bad.csv")
    path.write_bytes(data)
    refused("import", str(path), *options, code=code, error=error)


def test_a_missing_or_unreadable_import_file(refused, tmp_path):
    refused("import", str(tmp_path / "missing.csv"), error="no file")
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    refused("import", str(folder), error=str(folder))


def test_a_bom_and_a_formula_in_a_name_are_data(cli, tmp_path):
    path = tmp_path / "good.csv"
    path.write_bytes(b'\xef\xbb\xbftitle,company\n=HYPERLINK("http://x.example"),+Plus Co\n')
    run = cli("import", str(path))
    assert run.exit_code == 0, run.stderr
    card = cli("show", "1", "--json").json()
    assert (card["title"], card["company"]) == ('=HYPERLINK("http://x.example")', "+Plus Co")
    exported = cli("export", "csv", "--what", "deals").stdout
    assert "'=HYPERLINK" in exported and "'+Plus Co" in exported


# -- names: emoji and right-to-left text are names; control characters are not ---------------


@pytest.mark.parametrize(
    "name",
    [
        "Café Müller 🚀",
        "👩‍💻 Dev team",  # a ZWJ sequence: the joiner is part of the emoji
        "שלום עולם",  # Hebrew
        "شركة المستقبل",  # Arabic
        "Acme \u202eevil\u202c",  # a bidi override is text, shown as typed
        "東京 株式会社",
    ],
)
def test_names_in_any_script_are_kept_exactly(cli, name):
    run = cli("lead", "add", name, "--company", name, "--contact", name, "--json")
    assert run.exit_code == 0, run.stderr
    card = run.json()
    assert (card["title"], card["company"], card["contact"]) == (name, name, name)
    assert cli("show", name, "--json").json()["id"] == card["id"]
    listing = cli("lead", "list").stdout
    assert name in listing


NAME_CASES = [
    # (id, args, error)
    ("escape-in-title", ("lead", "add", "Evil \x1b[31mred"), "control character U+001B"),
    ("crlf-in-title", ("lead", "add", "Line\r\nbreak"), "control character U+000D"),
    ("newline-in-title", ("lead", "add", "Line\nbreak"), "title: must be one line"),
    ("line-separator-in-title", ("lead", "add", "Line\u2028break"), "contains a line break"),
    ("tab-in-company", ("lead", "add", "X", "--company", "Tab\tCo"), "company: must be one line"),
    ("bell-in-contact", ("lead", "add", "X", "--contact", "Jo\x07"), "U+0007"),
    ("newline-in-contact", ("lead", "add", "X", "--contact", "Jo\nBcc: x@evil.example"),
     "contact: must be one line"),
    ("nul-in-summary", ("log", "1", "call", "bad\x00call"), "U+0000"),
    ("del-in-task", ("task", "add", "1", "Call\x7f", "--due", "today"), "U+007F"),
    ("c1-csi-in-source", ("lead", "add", "X", "--source", "web\x9b31m"), "U+009B"),
    ("cr-in-edit-title", ("edit", "1", "--title", "A\rB"), "U+000D"),
    ("newline-in-owner", ("edit", "1", "--owner", "bo\nb"), "owner: must be one line"),
    ("escape-in-note", ("advance", "1", "--note", "ok\x1b]0;pwned\x07"), "U+001B"),
    ("newline-in-rep", ("--as", "bo\nb", "log", "1", "call", "hi"), "--as 'bo\\nb'"),
    ("blank-rep", ("--as", "  ", "log", "1", "call", "hi"), "is not a rep's name"),
    ("not-utf-8-argument", ("lead", "add", "caf\udce9"), "is not valid UTF-8 text"),
    ("escape-in-product", ("product", "add", "X\x1b", "N", "--price", "1"), "U+001B"),
    # A04, V20, V15: text made only of invisible characters, and a bidi override in an address
    ("invisible-title", ("lead", "add", "\u200b\u200b"),
     "title: must show something, and '\\u200b\\u200b' holds only invisible characters"),
    ("bidi-only-title", ("lead", "add", "\u202e\u2066 \u200f"), "title: must show something"),
    ("invisible-company", ("lead", "add", "X", "--company", "\ufeff\u2060"),
     "company: must show something"),
    ("invisible-owner", ("lead", "add", "X", "--owner", "\u200d"), "owner: must show something"),
    ("invisible-task-owner", ("task", "edit", "1", "--owner", "\u200b"),
     "owner: must show something"),
    ("invisible-rep", ("--as", "\u200b", "log", "1", "call", "x"),
     "--as '\\u200b' is not a rep's name"),
    ("rep-of-120-kb", ("--as", "r" * 120_000, "log", "1", "call", "x"), "is not a rep's name"),
    ("bidi-override-in-email", ("lead", "add", "X", "--email", "a\u202e@b.com"),
     "email: 'a\\u202e@b.com' is not an email address: it holds the invisible character U+202E"),
    ("zero-width-space-in-email", ("lead", "add", "X", "--email", "jo\u200b@acme.com"),
     "invisible character U+200B"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("args", "error"), [pytest.param(*case[1:], id=case[0]) for case in NAME_CASES]
)
def test_control_characters_in_text_are_refused(refused, args, error):
    refused(*args, error=error)


def test_a_bad_rep_in_the_environment_is_refused(cli, dump, world):
    before = dump()
    run = cli("log", "1", "call", "hi", env={"SALESFLOW_USER": "x\ty"})
    assert_one_error(run, BAD_VALUE, error="SALESFLOW_USER 'x\\ty'")
    assert dump() == before


def test_a_command_line_that_is_not_utf_8_in_a_real_process(world, isolated, dump):
    before = dump()
    run = subprocess.run(
        [sys.executable, "-m", "salesflow", "lead", "add", os.fsencode("caf\udce9")],
        capture_output=True,
        env={**os.environ, "LC_ALL": "C.UTF-8"},
        timeout=120,
        check=False,
    )
    stderr = run.stderr.decode()
    assert run.returncode == BAD_VALUE, stderr
    assert stderr.splitlines()[0] == r"Error: argument 'caf\udce9' is not valid UTF-8 text"
    assert "Traceback" not in stderr
    assert dump() == before


def test_control_characters_already_stored_are_shown_not_obeyed(cli, tmp_path, isolated):
    # a database written by an older version (or another tool) may carry them: the terminal
    # must not run them, and Rich markup in a name is text too
    path = tmp_path / "legacy.csv"
    path.write_bytes(b"title,company\nEvil wipe,[red]Red[/red] [/b]\n")
    assert cli("import", str(path)).exit_code == 0
    conn = sqlite3.connect(isolated)
    with conn:
        conn.execute("UPDATE deals SET title = ? WHERE id = 1", ("Evil\x1b[2Jwipe",))
    conn.close()
    for color in ("never", "always"):
        shown = cli("--color", color, "lead", "list", env={"COLUMNS": "200"})
        assert shown.exit_code == 0, shown.stderr
        assert "\x1b[2J" not in shown.stdout
        assert "Evil␛[2Jwipe" in shown.stdout
        assert "[red]Red[/red] [/b]" in shown.stdout
        card = cli("--color", color, "show", "1")
        assert card.exit_code == 0 and "\x1b[2J" not in card.stdout
    assert cli("show", "1", "--json").json()["title"] == "Evil\x1b[2Jwipe"  # JSON escapes it


def test_an_import_refuses_control_characters_and_joins_broken_lines(cli, tmp_path, dump):
    """A cell is one line of text: a line break or tab in it becomes a space; an escape
    sequence or another control character rejects its row, as on the command line."""
    evil = tmp_path / "evil.csv"
    evil.write_bytes(b'title,company\nGood,Acme\n"Evil \x1b[2Jwipe",Initech\n')
    assert cli("init").exit_code == 0
    before = dump()
    run = cli("import", str(evil))
    assert run.exit_code == 1
    assert run.stderr.splitlines()[0].startswith(
        "Error: evil.csv line 3: title contains the control character U+001B"
    )
    assert dump() == before
    partial = cli("import", str(evil), "--skip-invalid", "--errors", str(tmp_path / "bad.csv"))
    assert partial.exit_code == 3
    assert "control character U+001B" in (tmp_path / "bad.csv").read_text()
    broken = tmp_path / "broken.csv"
    broken.write_text('title,company\n"Two\nline\tdeal","Globex\r\nCorp"\n')
    assert cli("import", str(broken)).exit_code == 0
    listed = cli("lead", "list", "--json").json()["deals"]
    assert [(d["title"], d["company"]) for d in listed] == [
        ("Good", "Acme"), ("Two line deal", "Globex Corp")]  # fmt: skip


# -- pipeline, rules and cadence files ------------------------------------------------------------

PIPELINE = """\
name = "partners"
[[stages]]
key = "intro"
name = "Intro"
probability = 0.1
"""

FILE_CASES = [
    # (id, command, file text or bytes, error)
    ("pipeline-binary", ("pipeline", "add"), b"\x00\x01\x02\xff", "cannot read"),
    ("pipeline-escape-in-stage-name", ("pipeline", "add"),
     PIPELINE.replace('"Intro"', '"In\\u001b[31mtro"'), "field stages.0.name: must be one line"),
    ("pipeline-newline-in-stage-name", ("pipeline", "add"),
     PIPELINE.replace('"Intro"', '"In\\ntro"'), "contains a line break"),
    ("pipeline-name-not-a-key", ("pipeline", "add"),
     PIPELINE.replace('"partners"', '"Sales Team"'), "line 1, field name"),
    ("pipeline-stage-key-with-space", ("pipeline", "add"),
     PIPELINE.replace('"intro"', '"in tro"'), "field stages.0.key"),
    ("pipeline-gate-on-unset-threshold", ("pipeline", "add"),
     PIPELINE + 'min_score = "sql"\n', "gates on 'sql', which the file does not set"),
    ("pipeline-no-stages", ("pipeline", "add"), 'name = "partners"\nstages = []\n',
     "at least 1 item"),
    ("pipeline-sales-redefined", ("pipeline", "add"), PIPELINE.replace('"partners"', '"sales"'),
     "pipeline 'sales' already exists with different stages"),
    ("init-broken-pipeline", ("init", "--pipeline"), 'name = ', "Invalid value"),
    ("rules-syntax", ("rule", "load"), "[[rules]\nname = 'x'\n", "Expected ']]'"),
    ("rules-fit-without-field", ("rule", "load"), "[[rules]]\nname = 'x'\nkind = 'fit'\n",
     "a fit rule needs `field`"),
    ("rules-unknown-operator", ("rule", "load"),
     "[[rules]]\nname='a'\nkind='fit'\nfield='industry'\nop='zz'\nvalue='x'\npoints=5\n",
     "unknown operator 'zz'"),
    ("rules-points-out-of-range", ("rule", "load"),
     "[[rules]]\nname='a'\nkind='fit'\nfield='industry'\nop='eq'\nvalue='x'\npoints=5000\n",
     "points must be between -1000 and 1000"),
    ("rules-same-name-twice", ("rule", "load"),
     "[[rules]]\nname='a'\nkind='engagement'\nevent='call'\npoints=5\n" * 2, "appears twice"),
    ("rules-escape-in-name", ("rule", "load"),
     '[[rules]]\nname="a\\u001b[2J"\nkind="engagement"\nevent="call"\npoints=5\n',
     "the rule's name 'a\\x1b[2J' contains a control character"),
    ("rules-nul-in-value", ("rule", "load"),
     '[[rules]]\nname="a"\nkind="fit"\nfield="industry"\nop="eq"\nvalue="x\\u0000"\npoints=5\n',
     "the rule's value"),
    ("cadence-negative-day", ("cadence", "add"),
     "name='x'\n[[steps]]\nday=-1\nkind='call'\ntext='x'\n", "steps.0.day"),
    ("cadence-unknown-kind", ("cadence", "add"),
     "name='x'\n[[steps]]\nday=1\nkind='fax'\ntext='x'\n", "unknown kind 'fax'"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("command", "text", "error"), [pytest.param(*case[1:], id=case[0]) for case in FILE_CASES]
)
def test_a_broken_file_changes_nothing(refused, tmp_path, command, text, error):
    path = tmp_path / "file.toml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    refused(*command, str(path), error=error)


# -- dates, money, currencies, references, stages, closed deals, quotes, discounts ----------------

VALUE_CASES = [
    ("won-exponent", ("won", "1", "--amount", "1e5"), 1, "'1e5' is not an amount"),
    ("won-nan", ("won", "1", "--amount", "NaN"), 1, "'NaN' is not an amount"),
    ("won-infinity", ("won", "1", "--amount", "Infinity"), 1, "is not an amount"),
    ("fullwidth-digits", ("lead", "add", "X", "--value", "１２"), 1, "'１２' is not an amount"),
    ("dollar-sign", ("lead", "add", "X", "--value", "$12"), 1, "'$12' is not an amount"),
    ("currency-two-letters", ("lead", "add", "X", "--currency", "US"), 1, "unknown currency"),
    ("currency-word", ("lead", "add", "X", "--currency", "EURO"), 1, "unknown currency"),
    ("product-currency-xxx", ("product", "add", "X", "N", "--price", "1", "--currency", "XXX"), 1,
     "unknown currency code 'XXX'"),
    ("year-zero", ("lead", "add", "X", "--close-by", "0000-01-01"), 1, "year 0 is out of range"),
    ("month-13", ("funnel", "--since", "2026-13-01"), 1, "'2026-13-01' is not a real date"),
    ("hour-25", ("log", "1", "call", "x", "--at", "2026-11-27T25:00"), 1,
     "is not a valid date-time"),
    ("huge-offset", ("task", "add", "1", "x", "--due", "+1000000m"), 1, "cannot understand"),
    ("activity-in-future", ("log", "1", "call", "x", "--at", "tomorrow"), 1, "in the future"),
    ("won-on-bad-date", ("won", "1", "--on", "2026-13-01"), 1, "not a real date"),
    ("superscript-ref", ("show", "²"), 1, "no deal matches '²'"),
    ("huge-deal-id", ("show", "99999999999999999999999"), 1, "no deal #99999999999999999999999"),
    ("huge-task-id", ("task", "done", "99999999999999999999999"), 1, "out of range"),
    ("huge-quantity", ("quote", "new", "1", "--line", "SEAT:99999999999999999999"), 1,
     "is too large"),
    ("huge-contact-id", ("contact", "forget", "99999999999999999999999", "--yes"), 1,
     "no contact #"),
    ("negative-id-is-an-option", ("task", "done", "-1"), 2, "No such option: -1"),
    ("renewals-superscript", ("renewals", "--within", "²d"), 1, "not a number of days"),
    ("renewals-centuries", ("renewals", "--within", "99999999d"), 1, "up to 100 years"),
    ("advance-to-outcome", ("advance", "1", "--to", "Won"), 1, "is an outcome"),
    ("advance-to-unknown", ("advance", "1", "--to", "limbo"), 1, "no stage 'limbo'"),
    ("advance-closed", ("advance", "3"), 1, "deal #3 is already won"),
    ("lose-closed", ("lost", "3", "--reason", "price"), 1, "already won"),
    ("reopen-open", ("reopen", "1"), 1, "is open already"),
    ("quote-closed-deal", ("quote", "new", "3", "--line", "SEAT:1"), 1, "deal #3 is won"),
    ("quote-unknown-sku", ("quote", "new", "1", "--line", "NOPE:1"), 1, "no product with SKU"),
    ("quote-qty-zero", ("quote", "new", "1", "--line", "SEAT:0"), 1, "must be 1 or more"),
    ("quote-qty-fraction", ("quote", "new", "1", "--line", "SEAT:1.5"), 1, "not a whole number"),
    ("quote-line-discount-150", ("quote", "new", "1", "--line", "SEAT:1:150%"), 1,
     "between 0 and 100"),
    ("quote-line-discount-text", ("quote", "new", "1", "--line", "SEAT:1:abc"), 1,
     "is not a number"),
    ("quote-line-shape", ("quote", "new", "1", "--line", "SEAT:1:5%:x"), 1,
     "is not SKU:QTY[:DISCOUNT%]"),
    ("quote-discount-101", ("quote", "new", "1", "--line", "SEAT:1", "--discount", "101"), 1,
     "between 0 and 100"),
    ("quote-discount-negative", ("quote", "new", "1", "--line", "SEAT:1", "--discount", "-5"), 1,
     "between 0 and 100"),
    ("quote-tax-text", ("quote", "new", "1", "--line", "SEAT:1", "--tax", "abc"), 1,
     "not a number"),
    ("quote-valid-days-0", ("quote", "new", "1", "--line", "SEAT:1", "--valid-days", "0"), 1,
     "--valid-days"),
    ("quote-no-lines", ("quote", "new", "1"), 1, "at least one --line"),
    ("quote-unknown", ("quote", "send", "99"), 1, "no quote #99"),
    ("quote-id-text", ("quote", "accept", "abc"), 1, "Invalid value for 'Q'"),
    ("quote-reject-no-reason", ("quote", "reject", "1", "--reason", ""), 1, "--reason"),
    ("product-sku-space", ("product", "add", "SK U", "N", "--price", "1"), 1, "SKU 'SK U'"),
    ("product-negative-price", ("product", "add", "X", "N", "--price", "-1"), 1, "negative"),
    ("edit-stale-version", ("edit", "1", "--value", "5", "--if-version", "9"), 1,
     "deal #1 changed since version 9"),
    ("edit-version-zero", ("edit", "1", "--value", "5", "--if-version", "0"), 1,
     "--if-version"),
    ("feedback-score-11", ("feedback", "add", "3", "--score", "11"), 1, "0 to 10"),
    ("upsell-of-open-deal", ("lead", "add", "More", "--upsell-of", "1"), 1, "is open"),
    ("title-too-long", ("lead", "add", "X" * 501), 1, "at most 500 characters"),
    # M51: digit grouping only where it is well formed
    ("value-1-space-2", ("lead", "add", "X", "--value", "1 2"), 1, "'1 2' is not an amount"),
    ("value-12-space-00", ("lead", "add", "X", "--value", "12 00"), 1, "'12 00' is not an amount"),
    ("value-1-underscore-0", ("lead", "add", "X", "--value", "1_0"), 1, "'1_0' is not an amount"),
    ("value-1-2-underscores-0", ("lead", "add", "X", "--value", "1__0"), 1,
     "'1__0' is not an amount"),
    ("value-leading-underscore", ("lead", "add", "X", "--value", "_1"), 1,
     "'_1' is not an amount"),
    ("value-mixed-grouping", ("edit", "1", "--value", "1 000_000"), 1, "is not an amount"),
    ("won-amount-badly-grouped", ("won", "1", "--amount", "1 2"), 1, "'1 2' is not an amount"),
    ("forget-without-yes", ("contact", "forget", "jo"), 2, "add --yes"),
    ("export-into-missing-folder", ("export", "csv", "--out", "/nonexistent/x.csv"), 1,
     "cannot write"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("args", "code", "error"), [pytest.param(*case[1:], id=case[0]) for case in VALUE_CASES]
)
def test_a_bad_value_changes_nothing(refused, args, code, error):
    refused(*args, code=code, error=error)


def test_an_unusable_database_is_one_line(cli, tmp_path):
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not a database at all" * 100)
    assert_one_error(cli("--db", str(garbage), "show", "1"), 1, error="file is not a database")
    assert garbage.read_bytes() == b"not a database at all" * 100
    for url, error in [
        ("bogus://", "cannot open database 'bogus://'"),
        ("postgresql+psycopg://nobody@/nodb?host=/nonexistent", "database error"),
    ]:
        assert_one_error(cli("--db", url, "show", "1"), 1, error=error)


def test_the_count_of_bad_inputs_in_this_module():
    """The README quotes this figure; keep it honest."""
    cases = len(CSV_CASES) + len(NAME_CASES) + len(FILE_CASES) + len(VALUE_CASES)
    assert cases >= 40
