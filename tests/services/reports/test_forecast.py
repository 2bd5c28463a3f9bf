"""`report forecast` on the hand-built history of test_reports (read its docstring first).

On 2026-03-02 four USD deals are open: Delta 2,500 in contacted closing 03-20, Hotel 5,000 in
proposal closing 04-15, Kilo 700 in prospect whose close date (02-20) has passed, and Juliet 900
in prospect with no close date.

The pipeline's closed deals (any owner or currency) that passed through each stage, and how many
of them were won: prospect 7 (Alpha, Bravo, Charlie, Echo, Foxtrot, Golf, India), 4 won;
contacted 5 (Alpha, Bravo, Charlie, Echo, Golf), 3 won; qualified 2 (Alpha, Charlie), 2 won;
demo 3 (Alpha, Bravo, Charlie), 2 won; proposal 2 (Alpha, Foxtrot), 1 won.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from test_reports import HISTORY, header, play, report

STAGE_ROWS = [
    ("prospect", "Research", 0.05, "pipeline", 7, 4, 0.5714, 2, "1600.00"),
    ("contacted", "Connected", 0.1, "pipeline", 5, 3, 0.6, 1, "2500.00"),
    ("qualified", "Qualified", 0.25, "pipeline", 2, 2, 1.0, 0, "0.00"),
    ("demo", "Demo", 0.45, "best_case", 3, 2, 0.6667, 0, "0.00"),
    ("proposal", "Proposal", 0.7, "commit", 2, 1, 0.5, 1, "5000.00"),
]


def stage_rows(min_history: int) -> list[dict[str, Any]]:
    rows = []
    for key, name, p, category, closed, won, measured, n_open, value in STAGE_ROWS:
        history = closed >= min_history
        rows.append({
            "key": key, "name": name, "probability": p, "category": category, "closed": closed,
            "won": won, "measured_rate": measured, "rate": measured if history else p,
            "source": "history" if history else "stage", "open_deals": n_open, "open_value": value,
        })  # fmt: skip
    return rows


def line(period: str, start: str | None, end: str | None, deals: int, value: str, won: str,
         weighted: str, commit: str, best: str, historical: str) -> dict[str, Any]:  # fmt: skip
    return {"period": period, "start": start, "end": end, "deals": deals, "value": value,
            "won": won, "weighted": weighted, "commit": commit, "best_case": best,
            "historical": historical}  # fmt: skip


def without_simulation(data: dict[str, Any]) -> dict[str, Any]:
    """The document less P10/P50/P90, which test_simulation_* check."""
    strip = ("p10", "p50", "p90")
    out = dict(data)
    for key in ("total", "overdue", "undated"):
        out[key] = {k: v for k, v in data[key].items() if k not in strip}
    out["periods"] = [{k: v for k, v in p.items() if k not in strip} for p in data["periods"]]
    return out


# Stage probabilities (too few closed deals for the default minimum of 20):
# March: Delta 2,500 × 0.10 = 250; April: Hotel 5,000 × 0.70 = 3,500, in a commit stage;
# overdue: Kilo 700 × 0.05 = 35; undated: Juliet 900 × 0.05 = 45.
BY_STAGE_PROBABILITY = header("forecast") | {
    "as_of": "2026-03-02", "seed": 0, "trials": 1000, "min_history": 20,
    "stages": stage_rows(20),
    "periods": [
        line("2026-03", "2026-03-01", "2026-03-31", 1, "2500.00", "0.00", "250.00", "0.00",
             "0.00", "250.00"),
        line("2026-04", "2026-04-01", "2026-04-30", 1, "5000.00", "0.00", "3500.00", "5000.00",
             "5000.00", "3500.00"),
    ],
    "total": line("total", "2026-03-01", "2026-04-30", 2, "7500.00", "0.00", "3750.00",
                  "5000.00", "5000.00", "3750.00"),
    "overdue": line("overdue", None, None, 1, "700.00", "0.00", "35.00", "0.00", "0.00", "35.00"),
    "undated": line("undated", None, None, 1, "900.00", "0.00", "45.00", "0.00", "0.00", "45.00"),
}  # fmt: skip

# Measured rates once two closed deals are enough: contacted 3/5, proposal 1/2, prospect 4/7.
# March 2,500 × 3/5 = 1,500; April 5,000 × 1/2 = 2,500; Kilo 700 × 4/7 = 400;
# Juliet 900 × 4/7 = 514.2857 → 514.29.
BY_HISTORY = BY_STAGE_PROBABILITY | {
    "min_history": 2,
    "stages": stage_rows(2),
    "periods": [
        BY_STAGE_PROBABILITY["periods"][0] | {"historical": "1500.00"},
        BY_STAGE_PROBABILITY["periods"][1] | {"historical": "2500.00"},
    ],
    "total": BY_STAGE_PROBABILITY["total"] | {"historical": "4000.00"},
    "overdue": BY_STAGE_PROBABILITY["overdue"] | {"historical": "400.00"},
    "undated": BY_STAGE_PROBABILITY["undated"] | {"historical": "514.29"},
}  # fmt: skip


@pytest.fixture
def history(cli: Callable[..., Any], set_now: Callable[[str], None]) -> None:
    play(cli, set_now, HISTORY)


@pytest.mark.usefixtures("history")
def test_forecast_by_stage_probability(cli: Callable[..., Any]) -> None:
    assert without_simulation(report(cli, "forecast")) == BY_STAGE_PROBABILITY


@pytest.mark.usefixtures("history")
def test_forecast_by_measured_win_rates(cli: Callable[..., Any]) -> None:
    assert without_simulation(report(cli, "forecast", "--min-history", "2")) == BY_HISTORY


@pytest.mark.usefixtures("history")
def test_min_history_is_per_stage(cli: Callable[..., Any]) -> None:
    # four closed deals: prospect (7) and contacted (5) use their history, the rest do not
    stages = report(cli, "forecast", "--min-history", "4")["stages"]
    assert [(s["key"], s["rate"], s["source"]) for s in stages] == [
        ("prospect", 0.5714, "history"), ("contacted", 0.6, "history"),
        ("qualified", 0.25, "stage"), ("demo", 0.45, "stage"), ("proposal", 0.7, "stage"),
    ]  # fmt: skip


@pytest.mark.usefixtures("history")
def test_past_periods_hold_what_was_won(cli: Callable[..., Any]) -> None:
    # From February: its USD wins (Alpha 9,500, Charlie 6,000, India 1,200) are certain, in
    # every figure and every percentile; nothing open is due in February.
    data = report(cli, "forecast", "--since", "2026-02-01", "--until", "2026-03-31")
    february = data["periods"][0]
    assert february == line("2026-02", "2026-02-01", "2026-02-28", 0, "0.00", "16700.00",
                            "16700.00", "16700.00", "16700.00", "16700.00") | {
        "p10": "16700.00", "p50": "16700.00", "p90": "16700.00"}  # fmt: skip
    # --until leaves out Hotel (April); March is Delta alone
    assert [p["period"] for p in data["periods"]] == ["2026-02", "2026-03"]
    assert data["total"]["won"] == "16700.00"
    assert data["total"]["weighted"] == "16950.00"


@pytest.mark.usefixtures("history")
def test_forecast_by_quarter(cli: Callable[..., Any]) -> None:
    # this quarter holds February's wins (16,700) as well as Delta (250 weighted)
    data = report(cli, "forecast", "--period", "quarter")
    assert [(p["period"], p["deals"], p["won"], p["weighted"]) for p in data["periods"]] == [
        ("2026-Q1", 1, "16700.00", "16950.00"), ("2026-Q2", 1, "0.00", "3500.00")]  # fmt: skip


# --- the simulation --------------------------------------------------------------------------


@pytest.mark.usefixtures("history")
def test_simulation_is_reproducible_with_a_seed(cli: Callable[..., Any]) -> None:
    first = report(cli, "forecast", "--seed", "7", "--min-history", "2")
    assert report(cli, "forecast", "--seed", "7", "--min-history", "2") == first
    # one deal per line: a percentile is either nothing or the deal's whole value
    assert (first["periods"][1]["p10"], first["periods"][1]["p90"]) == ("0.00", "5000.00")
    for line_ in [*first["periods"], first["total"], first["overdue"], first["undated"]]:
        p10, p50, p90 = (float(line_[k]) for k in ("p10", "p50", "p90"))
        assert p10 <= p50 <= p90 <= float(line_["value"]) + float(line_["won"])
    assert {first["periods"][0]["p90"], first["periods"][0]["p10"]} <= {"0.00", "2500.00"}


def test_simulation_percentiles_match_the_binomial(
    cli: Callable[..., Any], set_now: Callable[[str], None], tmp_path: Any
) -> None:
    # 200 deals of 100 in proposal (probability 0.70), all closing in April: the won value is
    # 100 × Binomial(200, 0.7). With 4,000 trials and seed 11 the percentiles are the exact
    # quantiles of that distribution (worked out below from its probabilities), and another
    # seed lands within two deals of them.
    set_now("2026-03-01T09:00")
    leads = tmp_path / "proposals.csv"
    leads.write_text("title,value,stage,close_by\n"
                     + "".join(f"Deal {i},100,proposal,2026-04-10\n" for i in range(200)))  # fmt: skip
    assert cli("import", str(leads)).exit_code == 0
    set_now("2026-03-02T09:00")
    data = report(cli, "forecast", "--trials", "4000", "--seed", "11")
    april = data["periods"][1]
    assert (april["deals"], april["weighted"], april["historical"]) == (200, "14000.00", "14000.00")
    exact = [f"{100 * binomial_quantile(200, 0.7, q):.2f}" for q in (0.1, 0.5, 0.9)]
    assert exact == ["13200.00", "14000.00", "14800.00"]
    assert [april[k] for k in ("p10", "p50", "p90")] == exact
    assert data["trials"] == 4000
    other = report(cli, "forecast", "--trials", "4000", "--seed", "12")["periods"][1]
    for key, quantile in zip(("p10", "p50", "p90"), exact, strict=True):
        assert abs(float(other[key]) - float(quantile)) <= 200


def binomial_quantile(n: int, p: float, q: float) -> int:
    """The smallest k with P(X <= k) >= q for X ~ Binomial(n, p)."""
    from math import comb

    total = 0.0
    for k in range(n + 1):
        total += comb(n, k) * p**k * (1 - p) ** (n - k)
        if total >= q:
            return k
    return n


def test_percentile_is_nearest_rank() -> None:
    from salesflow.services.reports.forecast import percentile

    values = list(range(1, 11))  # 1..10
    assert [percentile(values, q) for q in (10, 50, 90)] == [1, 5, 9]
    assert percentile([], 50) == 0
    assert percentile([42], 90) == 42


# --- categories ------------------------------------------------------------------------------

PARTNERS = """\
name = "partners"
[[stages]]
key = "intro"
name = "Intro"
probability = 0.1
[[stages]]
key = "pilot"
name = "Pilot"
probability = 0.4
forecast = "commit"
[[stages]]
key = "contract"
name = "Contract"
probability = 0.8
[[stages]]
key = "legal"
name = "Legal"
probability = 0.9
forecast = "best_case"
"""


def test_forecast_categories_come_from_the_pipeline_file(
    cli: Callable[..., Any], tmp_path: Any
) -> None:
    path = tmp_path / "partners.toml"
    path.write_text(PARTNERS)
    assert cli("pipeline", "add", str(path)).exit_code == 0
    for title in ("One", "Two", "Three"):
        args = ("lead", "add", title, "--value", "1000", "--pipeline", "partners",
                "--close-by", "2026-12-15")  # fmt: skip
        assert cli(*args).exit_code == 0
    for deal, stage in (("1", "pilot"), ("2", "contract"), ("3", "legal")):
        assert cli("advance", deal, "--to", stage).exit_code == 0
    data = report(cli, "forecast", "--pipeline", "partners")
    # no `proposal`/`demo` keys: by probability (0.70 and up commit, 0.45 and up best case),
    # unless the stage says otherwise
    assert [(s["key"], s["category"]) for s in data["stages"]] == [
        ("intro", "pipeline"),
        ("pilot", "commit"),
        ("contract", "commit"),
        ("legal", "best_case"),
    ]
    december = data["periods"][1]
    assert (december["commit"], december["best_case"]) == ("2000.00", "3000.00")


def test_unknown_forecast_category_is_refused(cli: Callable[..., Any], tmp_path: Any) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(PARTNERS.replace('forecast = "commit"', 'forecast = "maybe"'))
    run = cli("pipeline", "add", str(path))
    assert run.exit_code == 1
    assert "forecast" in run.stderr
