"""A figure that several commands show is computed once (`salesflow.queries`): open deals, their
value, won and lost and their values agree between `funnel`, `report kpis|stages|reps` and
`lead list`, with and without the owner and pipeline filters (see also test_filters_agree for
the owner's spelling and test_one_rule for the qualifying stage)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from conftest import run_salesflow


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    base = tmp_path_factory.mktemp("figures")
    cfg = base / "config.toml"
    cfg.write_text('timezone = "UTC"\ncurrency = "USD"\n')
    env = {"SALESFLOW_CONFIG": str(cfg), "SALESFLOW_NOW": "2026-11-27T09:00",
           "SALESFLOW_USER": "ana"}  # fmt: skip
    db = base / "demo.db"
    done = run_salesflow("--db", str(db), "demo", "--size", "300", "--seed", "7", env=env)
    assert done.returncode == 0, done.stderr

    def run(*args: str):
        found = run_salesflow("--db", str(db), *args, "--json", env=env)
        assert found.returncode == 0, found.stderr
        return json.loads(found.stdout)

    return run


def money(text: str) -> Decimal:
    return Decimal(text)


@pytest.mark.parametrize("filters", [[], ["--owner", "ben"], ["--owner", " Ana "],
                                     ["--pipeline", "sales"], ["--currency", "EUR"]])  # fmt: skip
def test_open_won_and_lost_agree_everywhere(demo, filters):
    funnel = demo("funnel", *filters)
    kpis = demo("report", "kpis", *filters)
    stages = demo("report", "stages", *filters)
    reps = demo("report", "reps", *filters)
    currency = kpis["currency"]
    assert funnel["currency"] == stages["currency"] == reps["currency"] == currency

    open_deals = kpis["open_deals"]
    assert sum(s["current"] for s in funnel["stages"]) == open_deals
    assert sum(s["current"] for s in stages["stages"]) == open_deals
    assert sum(r["open"] for r in reps["reps"]) == open_deals
    value = money(kpis["pipeline_value"])
    assert sum(money(s["current_value"]) for s in funnel["stages"]) == value

    assert funnel["won"]["count"] == kpis["won"] == sum(r["won"] for r in reps["reps"])
    assert funnel["lost"]["count"] == kpis["lost"] == sum(r["lost"] for r in reps["reps"])
    assert sum(s["lost"] for s in stages["stages"]) <= kpis["lost"]
    won_value = money(kpis["won_value"])
    assert money(funnel["won"]["value"]) == won_value
    assert sum(money(r["won_value"]) for r in reps["reps"]) == won_value
    assert money(funnel["lost"]["value"]) == money(kpis["lost_value"])
    assert funnel["win_rate"] == kpis["win_rate"]

    lead_filters = [f for f in filters if f != "--currency" and f != "EUR"]
    deals = [d for d in demo("lead", "list", "--all", *lead_filters)["deals"]
             if d["currency"] == currency]  # fmt: skip
    opened = [d for d in deals if d["status"] == "open"]
    assert len(opened) == open_deals
    assert sum(money(d["value"]) for d in opened) == value
    assert len([d for d in deals if d["status"] == "won"]) == kpis["won"]
    assert len([d for d in deals if d["status"] == "lost"]) == kpis["lost"]
