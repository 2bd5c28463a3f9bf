"""One import scenario end to end, on SQLite and on PostgreSQL, with the same results: a
Pipedrive export and the Maven set in, ids and funnel figures out, a lead added after the import
(PostgreSQL's id sequences moved past the imported ids), a bad row refused, and a JSON export
that reads back into an empty SQLite database and exports again identically."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pg import pg_database, pg_server  # noqa: F401  (fixtures, requested by name below)
from test_import import MAVEN, PD_STAGES, PIPEDRIVE, maven_data


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def sf(request: pytest.FixtureRequest, cli: Callable[..., Any]) -> Callable[..., Any]:
    env = None
    if request.param == "postgresql":
        env = {"SALESFLOW_DB": request.getfixturevalue("pg_database")}

    def run(*args: str, code: int = 0) -> Any:
        result = cli(*args, env=env)
        assert result.exit_code == code, (args, result.stdout, result.stderr)
        return result

    return run


@maven_data
def test_import_scenario(sf, cli, tmp_path, monkeypatch):
    deals = tmp_path / "pipedrive.csv"
    deals.write_text(PIPEDRIVE)
    report = sf("import", str(deals), *PD_STAGES, "--json").json()
    assert report["deals"]["by_status"] == {"open": 2, "won": 1, "lost": 1}
    assert sf("import", str(MAVEN), "--json").json()["deals"]["created"] == 8800
    bad = tmp_path / "bad.csv"
    bad.write_text("title,value\nFine,10\nBroken,ten\n")
    refused = sf("import", str(bad), code=1)
    assert "bad.csv line 3: value 'ten'" in refused.stderr
    assert sf("lead", "add", "After the import", "--value", "1k").stdout == "8805\n"

    funnel = sf("funnel", "--pipeline", "maven", "--json").json()
    assert (funnel["won"], funnel["lost"]["count"], funnel["win_rate"]) == (
        {"count": 4238, "value": "10005534.00"}, 2473, 0.6315)  # fmt: skip
    sales = sf("funnel", "--json").json()
    assert sales["won"] == {"count": 1, "value": "20000.50"}
    card = sf("show", "2", "--json").json()
    assert (card["title"], card["status"], card["close"]["note"]) == (
        "Globex pilot", "lost", "Price too high")  # fmt: skip
    assert sf("history", "Z063OYW0 ", code=1)  # an external id is not a deal reference
    maven_card = sf("show", "6", "--json").json()  # the Maven set's second opportunity
    assert maven_card["title"] == "GTX Pro for Isdom"

    forgotten = sf("contact", "forget", "jo@acme.com", "--yes", "--json").json()
    assert forgotten["deals"] == [1, 4]
    if forgotten["verified"] is None:  # PostgreSQL: old row versions wait for VACUUM
        assert "VACUUM" in forgotten["note"]
    else:
        assert forgotten["verified"] is True
    assert sf("show", "1", "--json").json()["contact"] is None
    assert sf("history", "4", "--json").json()["events"][-1]["field"] == "contact"

    exported = sf("export", "json").stdout
    path = tmp_path / "all.json"
    path.write_text(exported)
    monkeypatch.setenv("SALESFLOW_DB", str(tmp_path / "copy" / "copy.db"))
    assert cli("import", str(path)).exit_code == 0
    assert cli("export", "json").stdout == exported
    assert Path(tmp_path / "copy" / "copy.db").exists()
