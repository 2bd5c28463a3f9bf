"""A rule two commands apply is one function: the qualifying stage of a pipeline is the same for
`report kpis` (qualified leads) and `score`/`show` (the lifecycle label)."""

from __future__ import annotations

PIPELINE = """
name = "vetting"
[[stages]]
key = "new"
name = "New"
probability = 0.05
[[stages]]
key = "talk"
name = "Talk"
probability = 0.1
[[stages]]
key = "vetted"
name = "Vetted"
probability = 0.3
min_score = 10
[[stages]]
key = "priced"
name = "Priced"
probability = 0.6
[won]
key = "won"
name = "Won"
[lost]
key = "lost"
name = "Lost"
"""


def test_report_kpis_and_score_agree_on_the_qualifying_stage(cli, tmp_path):
    file = tmp_path / "vetting.toml"
    file.write_text(PIPELINE)
    assert cli("pipeline", "add", str(file)).exit_code == 0
    assert cli("lead", "add", "Initech", "--pipeline", "vetting").exit_code == 0
    assert cli("advance", "1", "--to", "talk").exit_code == 0

    kpis = cli("report", "kpis", "--pipeline", "vetting", "--json").json()
    assert kpis["qualified_leads"]["stage"] == "vetted"
    assert kpis["qualified_leads"]["this_period"] == 0
    assert cli("score", "1", "--json").json()["lifecycle"] != "opportunity"

    assert cli("advance", "1", "--to", "vetted", "--force").exit_code == 0
    kpis = cli("report", "kpis", "--pipeline", "vetting", "--json").json()
    assert kpis["qualified_leads"]["this_period"] == 1
    assert cli("score", "1", "--json").json()["lifecycle"] == "opportunity"
