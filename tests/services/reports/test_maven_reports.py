"""Reports over the real Maven CRM sample, checked against plain Python over the CSV files.

The data is imported once (`import --preset maven`, all four files) in Berlin time, which has
daylight saving, so local creation days are recovered across several DST changes; the reports run
in the same zone. Every expected figure below is computed here from sales_pipeline.csv and
products.csv, without salesflow: won 4,238, lost 2,473, won value 10,005,534, and the rest.
"""

from __future__ import annotations

import csv
import os
import statistics
from collections import defaultdict
from collections.abc import Callable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

import pytest
from conftest import maven_dir
from typer.testing import CliRunner

DATA = maven_dir()
FILES = ["accounts.csv", "products.csv", "sales_teams.csv", "sales_pipeline.csv"]
ZONE = "Europe/Berlin"  # midnight there is the previous day in UTC: dates must be local

pytestmark = pytest.mark.skipif(  # under CI a missing data set fails instead of skipping
    not all((DATA / f).exists() for f in FILES) and os.environ.get("CI") != "true",
    reason=f"Maven CSV files not found in {DATA}",
)


# --- the independent computation -------------------------------------------------------------


def _read(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _key(name: str) -> str:
    return name.replace(" ", "").lower()


PIPELINE = _read("sales_pipeline.csv") if DATA.exists() else []
PRICES = {_key(r["product"]): (r["product"], Decimal(r["sales_price"]))
          for r in (_read("products.csv") if DATA.exists() else [])}  # fmt: skip


def money(amount: Decimal) -> str:
    return str(amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def rate(part: int, whole: int) -> float | None:
    if not whole:
        return None
    return float((Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), ROUND_HALF_UP))


def median(values: list[int]) -> float | None:
    return float(statistics.median(values)) if values else None


def day(text: str) -> date:
    return date.fromisoformat(text)


def figures(rows: list[dict[str, str]]) -> dict[str, Any]:
    """won, lost, win rate, won value, average, median cycle (engage → close) and open deals."""
    won = [r for r in rows if r["deal_stage"] == "Won"]
    lost = [r for r in rows if r["deal_stage"] == "Lost"]
    won_value = sum((Decimal(r["close_value"]) for r in won), Decimal(0))
    cycles = [(day(r["close_date"]) - day(r["engage_date"])).days for r in won]
    return {
        "open": sum(1 for r in rows if r["deal_stage"] in ("Prospecting", "Engaging")),
        "won": len(won),
        "lost": len(lost),
        "win_rate": rate(len(won), len(won) + len(lost)),
        "won_value": money(won_value),
        "avg_won_value": money(won_value / len(won)) if won else None,
        "median_cycle_days": median(cycles),
    }


def closed_between(first: date, last: date) -> list[dict[str, str]]:
    return [r for r in PIPELINE if r["close_date"] and first <= day(r["close_date"]) <= last]


# --- the import, once ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def maven(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The Maven data imported into a database of its own; the env to report on it."""
    from salesflow import clock, config
    from salesflow.cli.main import full_app

    app = full_app()

    folder = tmp_path_factory.mktemp("maven")
    settings = folder / "config.toml"
    settings.write_text(f'timezone = "{ZONE}"\ncurrency = "USD"\n')
    env = {"SALESFLOW_DB": str(folder / "maven.db"), "SALESFLOW_CONFIG": str(settings),
           "SALESFLOW_NOW": "2026-11-27T09:00", "SALESFLOW_USER": "ana"}  # fmt: skip
    for clear in (config.load_config, clock.local_zone, clock._parse_frozen):
        clear.cache_clear()
    with pytest.MonkeyPatch.context() as patch:
        for key, value in env.items():
            patch.setenv(key, value)
        result = CliRunner().invoke(app, ["import", "--preset", "maven",
                                          *(str(DATA / f) for f in FILES)])  # fmt: skip
        assert result.exit_code == 0, result.output
    for clear in (config.load_config, clock.local_zone, clock._parse_frozen):
        clear.cache_clear()
    return env


@pytest.fixture
def report(cli: Callable[..., Any], maven: dict[str, str]) -> Callable[..., Any]:
    def run(name: str, *args: str) -> Any:
        result = cli("report", name, "--pipeline", "maven", "--json", *args, env=maven)
        assert result.exit_code == 0, result.stderr
        return result.json()

    return run


# --- the tests -------------------------------------------------------------------------------


def test_the_published_figures(report: Callable[..., Any]) -> None:
    data = report("kpis")
    assert (data["won"], data["lost"], data["won"] + data["lost"]) == (4238, 2473, 6711)
    assert data["won_value"] == "10005534.00"
    assert data["win_rate"] == rate(4238, 6711) == 0.6315


def test_kpis_agree_with_the_csv(report: Callable[..., Any]) -> None:
    data = report("kpis")
    expected = figures(PIPELINE)
    for key in ("won", "lost", "win_rate", "won_value", "avg_won_value", "median_cycle_days"):
        assert data[key] == expected[key], key
    assert data["deals_created"] == len(PIPELINE) == 8800
    # ARPU: won value of the deals with an account over the distinct accounts that won
    with_account = [r for r in PIPELINE if r["deal_stage"] == "Won" and r["account"]]
    accounts = {r["account"] for r in with_account}
    value = sum((Decimal(r["close_value"]) for r in with_account), Decimal(0))
    assert (data["arpu"], data["arpu_companies"]) == (money(value / len(accounts)), len(accounts))
    # lost deals carry close_value 0 in the file, so by value every deal was won
    assert data["value_win_rate"] == 1.0
    # open deals are valued at their product's list price (the file has no value for them)
    open_rows = [r for r in PIPELINE if r["deal_stage"] in ("Prospecting", "Engaging")]
    assert data["open_deals"] == len(open_rows) == 2089
    assert data["pipeline_value"] == money(sum(PRICES[_key(r["product"])][1] for r in open_rows))


def test_a_quarter_agrees_with_the_csv(report: Callable[..., Any]) -> None:
    first, last = date(2017, 7, 1), date(2017, 9, 30)
    data = report("kpis", "--since", str(first), "--until", str(last), "--period", "quarter")
    expected = figures(closed_between(first, last))
    for key in ("won", "lost", "win_rate", "won_value", "avg_won_value", "median_cycle_days"):
        assert data[key] == expected[key], key
    engaged = [r for r in PIPELINE if r["engage_date"] and first <= day(r["engage_date"]) <= last]
    assert data["deals_created"] == len(engaged)
    # lead velocity: engaged (Maven's qualified stage) this quarter against the one before
    before = [r for r in PIPELINE if r["engage_date"]
              and date(2017, 4, 1) <= day(r["engage_date"]) < first]  # fmt: skip
    assert data["qualified_leads"] == {
        "stage": "engaging",
        "period": "2017-Q3",
        "this_period": len(engaged),
        "last_period": len(before),
    }
    change = (Decimal(100 * (len(engaged) - len(before))) / len(before)).quantize(
        Decimal("0.1"), ROUND_HALF_UP
    )
    assert data["lead_velocity"] == float(change)


def test_sales_velocity_agrees_with_the_csv(report: Callable[..., Any]) -> None:
    """Open deals × average won value × win rate ÷ average cycle (engage → close, in days) of
    the deals won in the window, from the CSV in plain Python, to the cent."""
    first, last = date(2017, 7, 1), date(2017, 9, 30)
    data = report("kpis", "--since", str(first), "--until", str(last))["sales_velocity"]
    closed = closed_between(first, last)
    won = [r for r in closed if r["deal_stage"] == "Won"]
    lost = [r for r in closed if r["deal_stage"] == "Lost"]
    value = sum((Decimal(r["close_value"]) for r in won), Decimal(0))
    cycle = Decimal(sum((day(r["close_date"]) - day(r["engage_date"])).days for r in won))
    cycle /= len(won)
    open_now = figures(PIPELINE)["open"]
    per_day = Decimal(open_now) * (value / len(won)) * Decimal(len(won)) / (len(won) + len(lost))
    assert data == {
        "per_day": money(per_day / cycle),
        "open_opportunities": open_now,
        "avg_won_value": money(value / len(won)),
        "win_rate": rate(len(won), len(won) + len(lost)),
        "avg_cycle_days": float(cycle.quantize(Decimal("0.1"), ROUND_HALF_UP)),
    }


@pytest.mark.parametrize("by", ["office", "manager"])
def test_reps_by_office_and_manager_agree_with_the_csv(
    report: Callable[..., Any], cli: Callable[..., Any], maven: dict[str, str], by: str
) -> None:
    """The import made a team per manager (with the manager's regional office); grouped by
    office or manager, won, lost, won value, win rate and average come out as the CSV files
    give them: sales_teams.csv says whose agent is where, sales_pipeline.csv what they did."""
    column = {"office": "regional_office", "manager": "manager"}[by]
    group_of = {t["sales_agent"]: t[column] for t in _read("sales_teams.csv")}
    rows: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in PIPELINE:
        rows[group_of[r["sales_agent"]]].append(r)
    expected = {}
    for name, mine in rows.items():
        f = figures(mine)
        expected[name] = {"open": f["open"], "won": f["won"], "lost": f["lost"],
                          "win_rate": f["win_rate"], "won_value": f["won_value"],
                          "avg_won_value": f["avg_won_value"],
                          "median_cycle_days": f["median_cycle_days"]}  # fmt: skip
    data = report("reps", "--by", by)
    assert data["by"] == by
    got = {g["group"]: {k: g[k] for k in expected[g["group"]]} for g in data["groups"]}
    assert got == expected
    assert len(expected) == (3 if by == "office" else 6)
    won_values = [Decimal(g["won_value"]) for g in data["groups"]]
    assert won_values == sorted(won_values, reverse=True)  # best won value first
    # every agent is in their manager's team
    teams = cli("team", "list", "--json", env=maven).json()["teams"]
    assert {t["manager"]: sorted(t["reps"]) for t in teams} == {
        m: sorted(a for a, mm in ((t["sales_agent"], t["manager"])
                                  for t in _read("sales_teams.csv")) if mm == m)
        for m in {t["manager"] for t in _read("sales_teams.csv")}
    }  # fmt: skip


def test_kpis_by_industry_agree_with_the_csv(report: Callable[..., Any]) -> None:
    """Each opportunity's industry is its account's sector in accounts.csv (the file's
    `technolgy` read as `technology`); opportunities without an account have none."""
    sector = {a["account"]: a["sector"].replace("technolgy", "technology")
              for a in _read("accounts.csv")}  # fmt: skip
    rows: dict[str | None, list[dict[str, str]]] = defaultdict(list)
    for r in PIPELINE:
        rows[sector.get(r["account"]) if r["account"] else None].append(r)
    expected = {}
    for name, mine in rows.items():
        f = figures(mine)
        expected[name] = {"won": f["won"], "lost": f["lost"], "win_rate": f["win_rate"],
                          "won_value": f["won_value"], "avg_won_value": f["avg_won_value"],
                          "median_cycle_days": f["median_cycle_days"], "open_deals": f["open"],
                          "deals_created": len(mine)}  # fmt: skip
    data = report("kpis", "--by", "industry")
    assert data["by"] == "industry"
    got = {g["group"]: {k: g[k] for k in expected[g["group"]]} for g in data["groups"]}
    assert got == expected
    assert len(got) == 11 and data["groups"][-1]["group"] is None  # 10 sectors, then none
    # the groups add up to the whole
    for key in ("won", "lost", "deals_created", "open_deals"):
        assert sum(g[key] for g in data["groups"]) == data[key], key


def test_months_agree_with_the_csv(report: Callable[..., Any]) -> None:
    data = report("kpis", "--until", "2017-12-31")
    created: dict[str, int] = defaultdict(int)
    for r in PIPELINE:
        # the 500 Prospecting opportunities have no date: the import dates them 2017-12-31
        created[(r["engage_date"] or "2017-12-31")[:7]] += 1
    closed: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in PIPELINE:
        if r["close_date"]:
            closed[r["close_date"][:7]].append(r)
    assert data["periods"][0]["period"] == "2016-10"
    assert data["periods"][-1]["period"] == "2017-12"
    for p in data["periods"]:
        month = figures(closed[p["period"]])
        assert (p["created"], p["won"], p["lost"], p["win_rate"], p["won_value"]) == (
            created[p["period"]], month["won"], month["lost"], month["win_rate"],
            month["won_value"]), p["period"]  # fmt: skip


def test_reps_agree_with_the_csv(report: Callable[..., Any]) -> None:
    data = report("reps")
    by_agent: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in PIPELINE:
        by_agent[r["sales_agent"]].append(r)
    assert len(data["reps"]) == len(by_agent) == 30  # of the 35 agents, 30 have deals
    for rep in data["reps"]:
        expected = figures(by_agent[rep["owner"]])
        for key in ("open", "won", "lost", "win_rate", "won_value", "median_cycle_days"):
            assert rep[key] == expected[key], (rep["owner"], key)
        assert (rep["activities"], rep["overdue"]) == (0, 0)
    values = [Decimal(r["won_value"]) for r in data["reps"]]
    assert values == sorted(values, reverse=True)
    assert data["reps"][0]["owner"] == "Darcel Schlecht"


def test_products_agree_with_the_csv(report: Callable[..., Any]) -> None:
    data = report("products")
    by_product: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in PIPELINE:
        by_product[PRICES[_key(r["product"])][0]].append(r)  # GTXPro is GTX Pro
    assert sorted(p["name"] for p in data["products"]) == sorted(by_product) == sorted(
        name for name, _ in PRICES.values())  # fmt: skip
    for product in data["products"]:
        expected = figures(by_product[product["name"]])
        for key in ("open", "won", "lost", "win_rate", "won_value", "avg_won_value",
                    "median_cycle_days"):  # fmt: skip
            assert product[key] == expected[key], (product["name"], key)
    assert sum(Decimal(p["won_value"]) for p in data["products"]) == Decimal("10005534")


def test_rep_alone_agrees_with_the_csv(report: Callable[..., Any]) -> None:
    data = report("kpis", "--owner", "darcel schlecht")
    expected = figures([r for r in PIPELINE if r["sales_agent"] == "Darcel Schlecht"])
    for key in ("won", "lost", "win_rate", "won_value", "avg_won_value", "median_cycle_days"):
        assert data[key] == expected[key], key


def test_stages_agree_with_the_csv(report: Callable[..., Any]) -> None:
    data = report("stages")
    prospecting, engaging = data["stages"]
    engaged = [r for r in PIPELINE if r["engage_date"]]
    closed = [r for r in engaged if r["close_date"]]
    stays = sorted((day(r["close_date"]) - day(r["engage_date"])).days for r in closed)
    assert (prospecting["entered"], prospecting["converted"]) == (len(PIPELINE), len(engaged))
    assert (engaging["entered"], engaging["current"]) == (len(engaged), len(engaged) - len(closed))
    assert engaging["converted"] == 4238
    assert engaging["median_days"] == median(stays)
    assert engaging["p90_days"] == float(stays[-(-9 * len(stays) // 10) - 1])  # nearest rank
    assert engaging["lost"] == 2473
    assert data["loses_most"]["key"] == data["waits_longest"]["key"] == "engaging"


def test_lost_agrees_with_the_csv(report: Callable[..., Any]) -> None:
    data = report("lost")
    assert data["count"] == 2473
    assert data["stages"] == [
        {"key": "prospecting", "name": "Prospecting", "count": 0, "value": "0.00"},
        {"key": "engaging", "name": "Engaging", "count": 2473, "value": "0.00"},
    ]


def test_forecast_rests_on_the_pipelines_own_history(report: Callable[..., Any]) -> None:
    data = report("forecast")
    # every closed deal passed through both stages: 4,238 won of 6,711
    for stage in data["stages"]:
        assert (stage["closed"], stage["won"], stage["source"]) == (6711, 4238, "history")
        assert stage["rate"] == rate(4238, 6711)
    # no open deal has a close date: all of them are undated
    open_rows = [r for r in PIPELINE if r["deal_stage"] in ("Prospecting", "Engaging")]
    value = sum(PRICES[_key(r["product"])][1] for r in open_rows)
    historical = Fraction(value) * Fraction(4238, 6711)
    undated = data["undated"]
    assert (undated["deals"], undated["value"]) == (len(open_rows), money(value))
    assert undated["historical"] == money(Decimal(historical.numerator) / historical.denominator)
    assert Decimal(undated["p10"]) < Decimal(undated["p50"]) < Decimal(undated["p90"])
    assert report("forecast") == data  # the same seed, the same simulation
