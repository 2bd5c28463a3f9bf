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


def test_one_company_however_it_is_spelled_on_the_command_line_and_in_an_import(cli, tmp_path):
    for spelling in ("Acme Inc", "ACME, Inc.", "Acme"):
        assert cli("lead", "add", f"Deal with {spelling}", "--company", spelling).exit_code == 0
    csv = tmp_path / "leads.csv"
    csv.write_text("title,company\nImported,acme inc.\n")
    assert cli("import", str(csv)).exit_code == 0
    companies = {d["company"] for d in cli("lead", "list", "--json").json()["deals"]}
    assert companies == {"Acme Inc"}


def test_the_upgrade_rekeys_existing_companies_and_keeps_duplicates_apart(tmp_path):
    import sqlite3

    from salesflow.db.engine import Database
    from salesflow.db.schema import downgrade, upgrade

    db = Database(str(tmp_path / "old.db"))
    upgrade(db, "0005")
    conn = sqlite3.connect(tmp_path / "old.db")
    conn.executemany(
        "INSERT INTO companies (id, name, name_key, created_at) VALUES (?, ?, ?, '2026-01-01')",
        [(1, "Acme Inc", "acme inc"), (2, "ACME, Inc.", "acme, inc."), (3, "Globex", "globex")],
    )
    conn.commit()
    conn.close()
    upgrade(db)
    conn = sqlite3.connect(tmp_path / "old.db")
    keys = dict(conn.execute("SELECT id, name_key FROM companies"))
    conn.close()
    assert keys == {1: "acme", 2: "acme ", 3: "globex"}
    downgrade(db, "0005")
    conn = sqlite3.connect(tmp_path / "old.db")
    keys = dict(conn.execute("SELECT id, name_key FROM companies"))
    conn.close()
    assert keys == {1: "acme inc", 2: "acme, inc.", 3: "globex"}
    db.dispose()


def test_a_light_read_sees_one_snapshot_while_another_process_writes(cli, isolated):
    """The funnel's 14 statements read one state of the database, not a mix of two."""
    import sqlite3

    from salesflow.db.reader import open_reader

    assert cli("lead", "add", "Acme rollout", "--company", "Acme").exit_code == 0
    with open_reader(str(isolated)) as reader:
        assert reader is not None
        assert reader.scalar("SELECT COUNT(*) FROM deals") == 1
        writer = sqlite3.connect(isolated)
        writer.execute("UPDATE deals SET title = 'Changed meanwhile'")
        writer.commit()
        writer.close()
        assert reader.scalar("SELECT title FROM deals") == "Acme rollout"
    with open_reader(str(isolated)) as reader:
        assert reader is not None
        assert reader.scalar("SELECT title FROM deals") == "Changed meanwhile"
