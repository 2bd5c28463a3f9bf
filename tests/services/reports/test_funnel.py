"""`funnel` against a hand-built stage history where every figure is known.

The history (all times UTC, the report runs at 2026-03-02 09:00). Deals 1-6 are USD, pipeline
`sales`, owner ana unless said; `+Nd` is the length of the stay that the move ends.

  #1 Alpha    10,000  prospect 01-05 → contacted 01-08 (+3d) → qualified 01-15 (+7d)
                      → demo 01-20 (+5d) → proposal 01-29 (+9d)
                      → won 02-10 (+12d), for 9,500, closed --on 02-09
  #2 Bravo     4,000  prospect 01-06 → contacted 01-07 (+1d) → demo 01-12 (+5d, skips qualified)
                      → lost 01-26 (+14d), reason price
  #3 Charlie   6,000  prospect 01-10 → contacted 01-12 (+2d) → qualified 01-14 (+2d)
                      → demo 01-16 (+2d) → back to contacted 01-22 (+6d, regression)
                      → qualified 02-03 (+12d) → demo 02-05 (+2d), still open there
  #4 Delta     2,500  prospect 01-20 09:00 → contacted 01-21 21:00 (+1.5d), still open there
  #5 Echo      8,000  owner ben: prospect 01-09 → contacted 01-13 (+4d) → lost 02-02 (+20d)
  #6 Foxtrot   3,000  prospect 01-25 → proposal 01-28 (+3d) → won 02-02 (+5d)
                      → reopened to proposal 02-04 → lost 02-16 (+12d), reason competitor
  #7 Golf      7,000 EUR  prospect 01-11 → contacted 01-19 (+8d) → won 02-20 (+32d)
  #8-#10 in a second pipeline `partners` (intro → pilot → contract):
  #8 Papa      5,000 EUR  intro 02-01 → pilot 02-03 (+2d) → won 02-10 (+7d)
  #9 Quebec    2,000 EUR  intro 02-02 → pilot 02-06 (+4d), still open there
  #10 Romeo    1,000 USD  intro 02-02, still open there
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import replay
from pg import pg_database, pg_server  # noqa: F401  (fixtures, requested by name)

REPORT_AT = "2026-03-02T09:00"

PARTNERS_TOML = """\
name = "partners"
[[stages]]
key = "intro"
name = "Intro"
probability = 0.1
[[stages]]
key = "pilot"
name = "Pilot"
probability = 0.4
[[stages]]
key = "contract"
name = "Contract"
probability = 0.8
[won]
key = "won"
name = "Signed"
[lost]
key = "lost"
name = "Dropped"
"""

# (when, command): the whole history, deal by deal; ids follow the order of `lead add`.
HISTORY: list[tuple[str, tuple[str, ...]]] = [
    # 1 Alpha: straight through, won for less than its value, close date the day before the move
    ("2026-01-05T09:00", ("lead", "add", "Alpha", "--company", "Alpha Co", "--value", "10,000")),
    ("2026-01-08T09:00", ("advance", "1")),
    ("2026-01-15T09:00", ("advance", "1", "--force")),
    ("2026-01-20T09:00", ("advance", "1")),
    ("2026-01-29T09:00", ("advance", "1", "--force")),
    ("2026-02-10T09:00", ("won", "1", "--amount", "9,500", "--on", "2026-02-09")),
    # 2 Bravo: skips qualified, lost from demo
    ("2026-01-06T09:00", ("lead", "add", "Bravo", "--value", "4000")),
    ("2026-01-07T09:00", ("advance", "2")),
    ("2026-01-12T09:00", ("advance", "2", "--to", "demo", "--force")),
    ("2026-01-26T09:00", ("lost", "2", "--reason", "price")),
    # 3 Charlie: demo → contacted (regression), then up again to demo
    ("2026-01-10T09:00", ("lead", "add", "Charlie", "--value", "6k")),
    ("2026-01-12T09:00", ("advance", "3")),
    ("2026-01-14T09:00", ("advance", "3", "--force")),
    ("2026-01-16T09:00", ("advance", "3")),
    ("2026-01-22T09:00", ("advance", "3", "--to", "contacted", "--note", "champion left")),
    ("2026-02-03T09:00", ("advance", "3", "--force")),
    ("2026-02-05T09:00", ("advance", "3")),
    # 4 Delta: a day and a half in prospect, still open in contacted
    ("2026-01-20T09:00", ("lead", "add", "Delta", "--value", "2.5k")),
    ("2026-01-21T21:00", ("advance", "4")),
    # 5 Echo: another owner, lost from contacted
    ("2026-01-09T09:00", ("lead", "add", "Echo", "--value", "8000", "--owner", "ben")),
    ("2026-01-13T09:00", ("advance", "5")),
    ("2026-02-02T09:00", ("lost", "5", "--reason", "timing")),
    # 6 Foxtrot: won, reopened (the win no longer stands), then lost
    ("2026-01-25T09:00", ("lead", "add", "Foxtrot", "--value", "3000")),
    ("2026-01-28T09:00", ("advance", "6", "--to", "proposal", "--force")),
    ("2026-02-02T09:00", ("won", "6")),
    ("2026-02-04T09:00", ("reopen", "6")),
    ("2026-02-16T09:00", ("lost", "6", "--reason", "competitor")),
    # 7 Golf: the one EUR deal of `sales`
    ("2026-01-11T09:00", ("lead", "add", "Golf", "--value", "7000", "--currency", "EUR")),
    ("2026-01-19T09:00", ("advance", "7")),
    ("2026-02-20T09:00", ("won", "7")),
    # 8-10: the `partners` pipeline, mostly EUR
    ("2026-01-31T09:00", ("pipeline", "add", "{partners}")),
    (
        "2026-02-01T09:00",
        ("lead", "add", "Papa", "--value", "5000", "--currency", "EUR", "--pipeline", "partners"),
    ),
    ("2026-02-03T09:00", ("advance", "8")),
    ("2026-02-10T09:00", ("won", "8")),
    (
        "2026-02-02T09:00",
        ("lead", "add", "Quebec", "--value", "2000", "--currency", "EUR", "--pipeline", "partners"),
    ),
    ("2026-02-06T09:00", ("advance", "9")),
    ("2026-02-02T09:00", ("lead", "add", "Romeo", "--value", "1000", "--pipeline", "partners")),
]

SALES = [("prospect", "Research"), ("contacted", "Connected"), ("qualified", "Qualified"),
         ("demo", "Demo"), ("proposal", "Proposal")]  # fmt: skip
PARTNERS = [("intro", "Intro"), ("pilot", "Pilot"), ("contract", "Contract")]


def stages(
    keys: list[tuple[str, str]], *rows: tuple[int, int, str, int, float | None, float | None]
) -> list[dict[str, Any]]:
    """The `stages` list: per stage (entered, current, current_value, converted, rate, median)."""
    assert len(rows) == len(keys)
    fields = ("entered", "current", "current_value", "converted", "conversion_rate", "median_days")
    return [
        {"key": key, "name": name, **dict(zip(fields, row, strict=True))}
        for (key, name), row in zip(keys, rows, strict=True)
    ]


def report(
    pipeline: str = "sales", currency: str = "USD", since: str | None = None,
    until: str | None = None, owner: str | None = None, *, rows: list[dict[str, Any]],
    won: tuple[int, str], lost: tuple[int, str], win_rate: float | None,
    left_out: dict[str, int],
) -> dict[str, Any]:  # fmt: skip
    """The whole `funnel --json` document."""
    return {
        "pipeline": pipeline, "currency": currency, "since": since, "until": until,
        "owner": owner, "stages": rows,
        "won": {"count": won[0], "value": won[1]}, "lost": {"count": lost[0], "value": lost[1]},
        "win_rate": win_rate, "left_out": left_out,
    }  # fmt: skip


# Every window, owner, currency and pipeline the history is reported on, with the whole
# `funnel --json` document worked out by hand (the comments show the working).
CASES: dict[str, tuple[tuple[str, ...], dict[str, Any]]] = {
    # prospect: stays 3, 1, 2, 1.5, 4, 3 days → middle two of six are 2 and 3 → 2.5.
    # contacted: Charlie's two stays count once in entered; finished stays 7, 5, 2, 12, 20 → 7;
    #   converted Alpha, Bravo, Charlie (not Delta: still there; not Echo: lost).
    # qualified: Alpha and Charlie (twice) → entered 2; stays 5, 2, 2 → 2.
    # demo: Alpha, Bravo, Charlie → 3; only Alpha reached a later stage (Bravo lost, Charlie
    #   went back and is in demo again); finished stays 9, 14, 6 → 9 (Charlie's current stay runs).
    # proposal: Alpha won; Foxtrot's win was reopened, then it was lost → converted 1 of 2;
    #   stays 12, 5, 12 → 12.
    # won: Alpha for 9,500 (Foxtrot's reopened win does not count); lost: Bravo, Echo, Foxtrot.
    "all-time": (
        (),
        report(
            rows=stages(
                SALES,
                (6, 0, "0.00", 6, 1.0, 2.5),
                (5, 1, "2500.00", 3, 0.6, 7.0),
                (2, 0, "0.00", 2, 1.0, 2.0),
                (3, 1, "6000.00", 1, 0.3333, 9.0),
                (2, 0, "0.00", 1, 0.5, 12.0),
            ),
            won=(1, "9500.00"), lost=(3, "15000.00"), win_rate=0.25, left_out={"EUR": 1},
        ),
    ),
    # 2026-01-20 .. 2026-01-31 (inclusive). Stays that started before the window count when they
    # end inside it (Alpha in qualified 01-15 → 01-20, Bravo in demo 01-12 → 01-26) or after it
    # (Echo in contacted 01-13 → 02-02). Conversions after the window still count (Charlie
    # contacted → qualified 02-03; Alpha proposal → won 02-10); medians are over the finished
    # stays that overlap the window: prospect (1.5 + 3) / 2 = 2.25 → 2.3.
    # Closed in the window: only Bravo (lost 01-26).
    "late-january": (
        ("--since", "2026-01-20", "--until", "2026-01-31"),
        report(
            since="2026-01-20", until="2026-01-31",
            rows=stages(
                SALES,
                (2, 0, "0.00", 2, 1.0, 2.3),
                (3, 1, "2500.00", 1, 0.3333, 16.0),
                (1, 0, "0.00", 1, 1.0, 5.0),
                (3, 1, "6000.00", 1, 0.3333, 9.0),
                (2, 0, "0.00", 1, 0.5, 8.5),
            ),
            won=(0, "0.00"), lost=(1, "4000.00"), win_rate=0.0, left_out={"EUR": 1},
        ),
    ),
    # 2026-02-01 .. 2026-02-09: Alpha's win is dated 02-09 (--on) though recorded 02-10;
    # Foxtrot's win of 02-02 was reopened, so it is not counted; Echo was lost 02-02.
    # Foxtrot's two proposal stays (before and after the reopen) count once.
    "early-february": (
        ("--since", "2026-02-01", "--until", "2026-02-09"),
        report(
            since="2026-02-01", until="2026-02-09",
            rows=stages(
                SALES,
                (0, 0, "0.00", 0, None, None),
                (3, 1, "2500.00", 1, 0.3333, 16.0),
                (1, 0, "0.00", 1, 1.0, 2.0),
                (1, 1, "6000.00", 0, 0.0, None),
                (2, 0, "0.00", 1, 0.5, 12.0),
            ),
            won=(1, "9500.00"), lost=(1, "8000.00"), win_rate=0.5, left_out={"EUR": 1},
        ),
    ),
    # From 2026-02-10 to today: Alpha's win (dated 02-09) is outside, Foxtrot's loss (02-16) in.
    "since-only": (
        ("--since", "2026-02-10"),
        report(
            since="2026-02-10",
            rows=stages(
                SALES,
                (0, 0, "0.00", 0, None, None),
                (1, 1, "2500.00", 0, 0.0, None),
                (0, 0, "0.00", 0, None, None),
                (1, 1, "6000.00", 0, 0.0, None),
                (2, 0, "0.00", 1, 0.5, 12.0),
            ),
            won=(0, "0.00"), lost=(1, "3000.00"), win_rate=0.0, left_out={"EUR": 1},
        ),
    ),
    # From 2026-02-20 only Delta (contacted) and Charlie (demo) are anywhere, both still there:
    # rates null where nothing entered, medians null where no stay finished, win rate null as
    # nothing USD closed (Golf's EUR win of 02-20 is left out).
    "nulls": (
        ("--since", "2026-02-20"),
        report(
            since="2026-02-20",
            rows=stages(
                SALES,
                (0, 0, "0.00", 0, None, None),
                (1, 1, "2500.00", 0, 0.0, None),
                (0, 0, "0.00", 0, None, None),
                (1, 1, "6000.00", 0, 0.0, None),
                (0, 0, "0.00", 0, None, None),
            ),
            won=(0, "0.00"), lost=(0, "0.00"), win_rate=None, left_out={"EUR": 1},
        ),
    ),
    # Echo only: 4 days in prospect, 20 in contacted, lost.
    "owner": (
        ("--owner", "ben"),
        report(
            owner="ben",
            rows=stages(
                SALES,
                (1, 0, "0.00", 1, 1.0, 4.0),
                (1, 0, "0.00", 0, 0.0, 20.0),
                (0, 0, "0.00", 0, None, None),
                (0, 0, "0.00", 0, None, None),
                (0, 0, "0.00", 0, None, None),
            ),
            won=(0, "0.00"), lost=(1, "8000.00"), win_rate=0.0, left_out={},
        ),
    ),
    # Golf only: 8 days in prospect, 32 in contacted, won 02-20 for its value.
    "currency-eur": (
        ("--currency", "EUR"),
        report(
            currency="EUR",
            rows=stages(
                SALES,
                (1, 0, "0.00", 1, 1.0, 8.0),
                (1, 0, "0.00", 1, 1.0, 32.0),
                (0, 0, "0.00", 0, None, None),
                (0, 0, "0.00", 0, None, None),
                (0, 0, "0.00", 0, None, None),
            ),
            won=(1, "7000.00"), lost=(0, "0.00"), win_rate=1.0, left_out={"USD": 6},
        ),
    ),
    # partners has two EUR deals and one USD deal: EUR by default although the config says USD.
    "second-pipeline": (
        ("--pipeline", "partners"),
        report(
            pipeline="partners", currency="EUR",
            rows=stages(
                PARTNERS,
                (2, 0, "0.00", 2, 1.0, 3.0),
                (2, 1, "2000.00", 1, 0.5, 7.0),
                (0, 0, "0.00", 0, None, None),
            ),
            won=(1, "5000.00"), lost=(0, "0.00"), win_rate=1.0, left_out={"USD": 1},
        ),
    ),
    "second-pipeline-usd": (
        ("--pipeline", "partners", "--currency", "USD"),
        report(
            pipeline="partners", currency="USD",
            rows=stages(
                PARTNERS,
                (1, 1, "1000.00", 0, 0.0, None),
                (0, 0, "0.00", 0, None, None),
                (0, 0, "0.00", 0, None, None),
            ),
            won=(0, "0.00"), lost=(0, "0.00"), win_rate=None, left_out={"EUR": 2},
        ),
    ),
}  # fmt: skip


def play_history(
    cli: Callable[..., Any], set_now: Callable[[str], None], folder: Path,
    env: dict[str, str] | None = None,
) -> None:  # fmt: skip
    """Play HISTORY through the CLI, then freeze the clock at REPORT_AT. On the test's own
    SQLite database (no `env`), once per test process (`conftest.replay`)."""
    partners = folder / "partners.toml"
    partners.write_text(PARTNERS_TOML)

    def steps() -> None:
        for when, args in HISTORY:
            set_now(when)
            run = cli(*(a.format(partners=partners) for a in args), env=env)
            assert run.exit_code == 0, (when, args, run.stderr)

    if env is None:
        replay(repr(HISTORY), steps)
    else:
        steps()
    set_now(REPORT_AT)


@pytest.fixture
def history(cli: Callable[..., Any], set_now: Callable[[str], None], tmp_path: Path) -> None:
    """The history, on the SQLite database of the test."""
    play_history(cli, set_now, tmp_path)


def funnel(cli: Callable[..., Any], *args: str, env: dict[str, str] | None = None) -> Any:
    run = cli("funnel", "--json", *args, env=env)
    assert run.exit_code == 0, run.stderr
    return run.json()


@pytest.mark.usefixtures("history")
@pytest.mark.parametrize("case", CASES)
def test_funnel_is_the_hand_count(cli: Callable[..., Any], case: str) -> None:
    args, expected = CASES[case]
    assert funnel(cli, *args) == expected


@pytest.mark.postgres
def test_postgres_gives_the_same_figures(
    cli: Callable[..., Any],
    set_now: Callable[[str], None],
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> None:
    env = {"SALESFLOW_DB": request.getfixturevalue("pg_database")}
    play_history(cli, set_now, tmp_path, env)
    for case, (args, expected) in CASES.items():
        assert funnel(cli, *args, env=env) == expected, case


@pytest.mark.usefixtures("history")
def test_owner_and_currency_are_case_insensitive(cli: Callable[..., Any]) -> None:
    assert funnel(cli, "--owner", "Ben")["stages"] == CASES["owner"][1]["stages"]
    assert funnel(cli, "--currency", "eur") == CASES["currency-eur"][1]


@pytest.mark.usefixtures("history")
def test_piped_output_has_a_bar_per_stage_and_the_win_rate(cli: Callable[..., Any]) -> None:
    run = cli("funnel")
    assert run.exit_code == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == "Funnel: sales (USD), start .. now"
    assert "\x1b[" not in run.stdout  # piped: no colour
    body = {line.split()[0]: line for line in lines[2:7]}
    assert list(body) == ["Research", "Connected", "Qualified", "Demo", "Proposal"]
    # bars scale to the widest stage (prospect, 6 entered) at 30 characters
    for name, entered, width in [("Research", 6, 30), ("Connected", 5, 25), ("Qualified", 2, 10),
                                 ("Demo", 3, 15), ("Proposal", 2, 10)]:  # fmt: skip
        cells = body[name].split()
        assert cells[1:3] == [str(entered), "#" * width], body[name]
    assert lines[7] == "Won 1 (9,500.00 USD) · Lost 3 (15,000.00 USD) · Win rate 25.0%"
    assert lines[8] == "Left out: deals in other currencies (1 in EUR); see --currency."


def test_stay_ending_as_the_window_opens_is_not_in_it(
    cli: Callable[..., Any], set_now: Callable[[str], None]
) -> None:
    # #1 leaves prospect at the very first instant of the window: it was not in prospect then.
    # #2 is created and moved on at that same instant: it was (a zero-length stay, 0 days).
    for when, args in [
        ("2026-02-27T09:00", ("lead", "add", "Early", "--value", "100")),
        ("2026-03-01T00:00", ("advance", "1")),
        ("2026-03-01T00:00", ("lead", "add", "Instant", "--value", "200")),
        ("2026-03-01T00:00", ("advance", "2")),
    ]:
        set_now(when)
        assert cli(*args).exit_code == 0
    set_now(REPORT_AT)
    assert funnel(cli, "--since", "2026-03-01")["stages"][:2] == stages(
        SALES[:2], (1, 0, "0.00", 1, 1.0, 0.0), (2, 2, "300.00", 0, 0.0, None)
    )
    assert funnel(cli, "--until", "2026-02-28")["stages"][:2] == stages(
        SALES[:2], (1, 0, "0.00", 1, 1.0, 1.6), (0, 2, "300.00", 0, None, None)
    )


def test_reopened_win_is_no_conversion_until_won_again(
    cli: Callable[..., Any], set_now: Callable[[str], None]
) -> None:
    for when, args in [
        ("2026-02-01T09:00", ("lead", "add", "Hotel", "--value", "1000")),
        ("2026-02-02T09:00", ("won", "1")),
        ("2026-02-03T09:00", ("reopen", "1")),
    ]:
        set_now(when)
        assert cli(*args).exit_code == 0
    set_now(REPORT_AT)
    data = funnel(cli)
    assert data["stages"][0] == stages(SALES[:1], (1, 1, "1000.00", 0, 0.0, 1.0))[0]
    assert (data["won"], data["win_rate"]) == ({"count": 0, "value": "0.00"}, None)
    set_now("2026-02-05T09:00")
    assert cli("won", "1", "--amount", "1200").exit_code == 0
    set_now(REPORT_AT)
    data = funnel(cli)
    assert data["stages"][0] == stages(SALES[:1], (1, 0, "0.00", 1, 1.0, 1.5))[0]
    assert (data["won"], data["win_rate"]) == ({"count": 1, "value": "1200.00"}, 1.0)


def test_empty_database_reports_the_configured_currency(cli: Callable[..., Any]) -> None:
    assert funnel(cli) == report(
        rows=stages(SALES, *[(0, 0, "0.00", 0, None, None)] * 5),
        won=(0, "0.00"), lost=(0, "0.00"), win_rate=None, left_out={},
    )  # fmt: skip


def test_since_after_until_is_an_error(cli: Callable[..., Any]) -> None:
    run = cli("funnel", "--since", "2026-02-10", "--until", "2026-02-01")
    assert run.exit_code == 1
    assert run.stderr.startswith("Error: --since 2026-02-10 is after --until 2026-02-01")


def test_currency_tie_goes_to_the_configured_currency(cli: Callable[..., Any]) -> None:
    assert cli("lead", "add", "Euro deal", "--value", "100", "--currency", "EUR").exit_code == 0
    assert cli("lead", "add", "Dollar deal", "--value", "200").exit_code == 0
    data = funnel(cli)
    assert (data["currency"], data["left_out"]) == ("USD", {"EUR": 1})
    assert data["stages"][0]["current_value"] == "200.00"
    # neither tied currency is the configured one: the first A-Z, steadily
    assert cli("lead", "add", "Franc deal", "--value", "300", "--currency", "CHF").exit_code == 0
    assert cli("lead", "add", "Franc two", "--value", "300", "--currency", "CHF").exit_code == 0
    assert cli("lead", "add", "Euro two", "--value", "100", "--currency", "EUR").exit_code == 0
    data = funnel(cli)
    assert (data["currency"], data["left_out"]) == ("CHF", {"EUR": 2, "USD": 1})


@pytest.mark.usefixtures("history")
def test_funnel_reads_without_importing_the_orm() -> None:
    """On a database that is ready, `funnel` reads through the light Reader: no SQLAlchemy."""
    import json
    import os
    import subprocess
    import sys

    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "salesflow", "funnel", "--json"],
        capture_output=True, text=True, env={**os.environ, "SALESFLOW_PAGER": "0"},
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == CASES["all-time"][1]
    imported = run.stderr
    assert "sqlalchemy" not in imported
    assert "sqlmodel" not in imported
