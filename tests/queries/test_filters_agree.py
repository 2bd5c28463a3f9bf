"""A filter means the same in every command: `--owner ' Ana '` is ana's deals everywhere (the
funnel counted 0 of them while `report kpis` counted 1, each with its own owner rule)."""

from __future__ import annotations

import pytest
from factories import Sales

from salesflow.clock import today


@pytest.fixture
def two_reps(isolated, set_now):
    sales = Sales(isolated, set_now)
    acme = sales.lead("Acme rollout", company="Acme", value="1000")
    globex = sales.lead("Globex pilot", company="Globex", value="2000", owner="ben")
    sales.task(acme, "Call Jo", today())
    sales.task(globex, "Call Hank", today(), owner="ben")


@pytest.mark.parametrize("spelling", ["ana", " ana", "Ana ", " ANA "])
def test_owner_filter_finds_the_same_deals_in_every_command(cli, two_reps, spelling):
    funnel = cli("funnel", "--owner", spelling, "--json").json()
    assert sum(s["current"] for s in funnel["stages"]) == 1
    kpis = cli("report", "kpis", "--owner", spelling, "--json").json()
    assert kpis["open_deals"] == 1
    assert kpis["pipeline_value"] == "1000.00"
    deals = cli("lead", "list", "--owner", spelling, "--json").json()["deals"]
    assert [d["title"] for d in deals] == ["Acme rollout"]
    due = cli("due-today", "--owner", spelling, "--json").json()["tasks"]
    assert [t["text"] for t in due] == ["Call Jo"]
    tasks = cli("task", "list", "--owner", spelling, "--json").json()["tasks"]
    assert {t["deal_id"] for t in tasks} == {1}
    assert "Call Jo" in [t["text"] for t in tasks]
