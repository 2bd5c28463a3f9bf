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


def test_report_kpis_and_score_agree_on_the_qualifying_stage(cli, tmp_path, set_now):
    def qualified_in_march() -> int:
        # kpis count qualified leads by complete month: read from April
        set_now("2026-04-02T09:00")
        kpis = cli("report", "kpis", "--pipeline", "vetting", "--json").json()
        set_now("2026-03-10T09:00")
        assert kpis["qualified_leads"]["stage"] == "vetted"
        assert kpis["qualified_leads"]["period"] == "2026-03"
        return kpis["qualified_leads"]["this_period"]

    set_now("2026-03-10T09:00")
    file = tmp_path / "vetting.toml"
    file.write_text(PIPELINE)
    assert cli("pipeline", "add", str(file)).exit_code == 0
    assert cli("lead", "add", "Initech", "--pipeline", "vetting").exit_code == 0
    assert cli("advance", "1", "--to", "talk").exit_code == 0

    assert qualified_in_march() == 0
    assert cli("score", "1", "--json").json()["lifecycle"] != "opportunity"

    assert cli("advance", "1", "--to", "vetted", "--force").exit_code == 0
    assert qualified_in_march() == 1
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


# (what `lead add` is given, what an import row says, whether they are one person); {c} is the
# company, so that each case has addresses of its own
PEOPLE = [
    (("Jürgen Strauß", ""), ("  JÜRGEN STRAUSS ", ""), True),  # Unicode case folding, spaces
    (("Ana   Silva", ""), ("ana silva", ""), True),  # inner runs of spaces
    (("Änne Berg", ""), ("ÄNNE BERG", ""), True),  # SQLite's lower() folds ASCII only
    (("İpek Kaya", ""), ("i̇pek kaya", ""), True),  # dotted capital I folds to i + dot
    (("Jo", "Jo@{c}.example"), ("Joanna", " JO@{C}.EXAMPLE"), True),  # the address decides
    (("Jo", "jo@{c}.example"), ("Jo", "jo.two@{c}.example"), False),  # new address: new person
    (("Ivan", ""), ("Ivan Petrov", ""), False),
]


def _lead(cli, title: str, company: str, person: tuple[str, str]) -> None:
    name, email = person
    args = ["--company", company, "--contact", name]
    if email:
        args += ["--email", email.format(c=company, C=company.upper())]
    run = cli("lead", "add", title, *args)
    assert run.exit_code == 0, run.stderr


def _row(title: str, company: str, person: tuple[str, str]) -> str:
    name, email = person
    return f"{title},{company},{name},{email.format(c=company, C=company.upper())}"


def test_lead_add_and_an_import_agree_on_who_is_the_same_person(cli, isolated, tmp_path):
    """`domain.contacts.People` is the one rule: the same answer whichever way comes first."""
    from sqlmodel import select

    from salesflow.db.engine import Database
    from salesflow.models import Deal

    lines = ["title,company,contact,email"]
    for index, (typed, imported, _same) in enumerate(PEOPLE):
        _lead(cli, f"L{index} a", f"lead{index}", typed)  # lead add first, then the import
        lines.append(_row(f"L{index} b", f"lead{index}", imported))
        lines.append(_row(f"I{index} a", f"import{index}", imported))  # the import first
    csv = tmp_path / "people.csv"
    csv.write_text("\n".join(lines) + "\n")
    run = cli("import", str(csv))
    assert run.exit_code == 0, run.stderr
    for index, (typed, _imported, _same) in enumerate(PEOPLE):
        _lead(cli, f"I{index} b", f"import{index}", typed)
    with Database(str(isolated)).read() as s:
        contact_of = {d.title: d.contact_id for d in s.exec(select(Deal)).all()}
    for index, (typed, imported, same) in enumerate(PEOPLE):
        for first in ("L", "I"):
            a, b = contact_of[f"{first}{index} a"], contact_of[f"{first}{index} b"]
            assert a is not None and b is not None
            assert (a == b) is same, (first, typed, imported)
