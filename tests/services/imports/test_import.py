"""`salesflow import`: the Maven CRM set, Pipedrive and HubSpot exports, bad rows, duplicates,
encodings and malformed CSV. Every bad input: one `Error:` line, the contract's exit code and an
unchanged database."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest
from conftest import maven_dir

# shared/ lies beside the checkout (here and in CI); SALESFLOW_MAVEN_DIR overrides. Under CI a
# missing data set fails the tests instead of skipping them.
MAVEN = maven_dir()
maven_data = pytest.mark.skipif(
    not MAVEN.exists() and os.environ.get("CI") != "true",
    reason=f"the Maven CRM data set is not in {MAVEN}",
)


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def assert_refused(result, code=1, error=None):
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert 1 <= len(lines) <= 2 and lines[0].startswith("Error: "), result.stderr
    assert len(lines) == 1 or lines[1].startswith("Hint: ")
    if error:
        assert error in lines[0], lines[0]
    return lines


# --- Maven CRM ------------------------------------------------------------------------------


@maven_data
def test_maven_reproduces_the_data_sets_figures(cli):
    result = cli("import", str(MAVEN), "--json")
    assert result.exit_code == 0, result.stderr
    report = result.json()
    assert report["preset"] == "maven"
    assert report["rows"] == 8800
    assert report["deals"]["created"] == 8800
    assert report["deals"]["by_status"] == {"open": 2089, "won": 4238, "lost": 2473}
    assert report["companies"]["created"] == 85
    assert report["products"] == {"created": 7, "reused": 0}
    assert report["pipeline_created"] == "maven"
    details = report["details"]
    assert details["no_account"] == 1425  # imported without a company, not dropped
    assert details["created_on_snapshot"] == 500
    assert details["snapshot_date"] == "2017-12-31"
    assert details["product_matches"] == [{"file": "GTXPro", "catalogue": "GTX Pro", "deals": 1480}]
    assert len(details["teams"]) == 35
    notes = " | ".join(report["notes"])
    assert "'technolgy' read as 'technology' (12 accounts)" in notes
    assert "1,425 opportunities have no account" in notes

    funnel = cli("funnel", "--pipeline", "maven", "--json").json()
    assert funnel["won"] == {"count": 4238, "value": "10005534.00"}
    assert funnel["lost"]["count"] == 2473
    assert funnel["won"]["count"] + funnel["lost"]["count"] == 6711
    assert funnel["win_rate"] == round(4238 / 6711, 4)
    assert [(s["key"], s["entered"], s["current"]) for s in funnel["stages"]] == [
        ("prospecting", 8800, 500),
        ("engaging", 8300, 1589),
    ]

    deals = cli("lead", "list", "--pipeline", "maven", "--all", "--json").json()["deals"]
    assert len(deals) == 8800
    assert sum(d["status"] == "won" for d in deals) == 4238
    assert sum(d["company"] is None for d in deals) == 1425
    won_value = sum(float(d["value"]) for d in deals if d["status"] == "won")
    assert won_value == 10005534
    industries = {d["company"] for d in deals if d["company"]}
    assert len(industries) == 85


@maven_data
def test_maven_deal_history_and_catalogue(cli):
    assert cli("import", *(str(MAVEN / f) for f in ("sales_pipeline.csv", "accounts.csv",
               "products.csv", "sales_teams.csv"))).exit_code == 0  # fmt: skip
    card = cli("show", "2", "--json").json()  # Z063OYW0, Darcel Schlecht, GTXPro, Isdom, Won
    assert (card["title"], card["company"], card["owner"], card["status"]) == (
        "GTX Pro for Isdom", "Isdom", "Darcel Schlecht", "won")  # fmt: skip
    assert card["value"] == "4514.00"
    assert [(m["from"], m["to"], m["at"][:10]) for m in card["history"]] == [
        (None, "prospecting", "2016-10-25"),
        ("prospecting", "engaging", "2016-10-25"),
        ("engaging", "won", "2017-03-11"),
    ]
    assert card["close"]["date"] == "2017-03-11"
    assert card["close"]["amount"] == "4514.00"
    import os

    from salesflow.db.engine import Database

    db = Database(os.environ["SALESFLOW_DB"])
    with db.engine.connect() as conn:
        from sqlalchemy import text

        skus = dict(conn.execute(text("SELECT sku, price_minor FROM products")).all())
        assert skus["GTX-PRO"] == 482100
        assert len(skus) == 7
        pro = conn.execute(text(
            "SELECT count(*) FROM deals d JOIN products p ON p.id = d.product_id "
            "WHERE p.sku = 'GTX-PRO'")).scalar()  # fmt: skip
        assert pro == 1480
        assert (
            conn.execute(text("SELECT external_id FROM deals WHERE id = 2")).scalar() == "Z063OYW0"
        )
        industry = conn.execute(
            text("SELECT industry FROM companies WHERE name = 'Acme Corporation'")
        )
        assert industry.scalar() == "technology"
        toml = conn.execute(text("SELECT source_toml FROM pipelines WHERE key = 'maven'")).scalar()
        assert "# Central office, manager Dustin Brinkmann: Anna Snelling" in toml
    db.dispose()


@maven_data
def test_maven_again_skips_what_is_there(cli):
    assert cli("import", str(MAVEN)).exit_code == 0
    again = cli("import", str(MAVEN), "--json").json()
    assert again["deals"]["created"] == 0
    assert again["deals"]["skipped"] == 8800
    assert again["products"] == {"created": 0, "reused": 7}
    assert cli("funnel", "--pipeline", "maven", "--json").json()["won"]["count"] == 4238


@maven_data
def test_maven_service_is_usable_from_code(isolated):
    """Other features' tests build on the Maven data through the service function."""
    from salesflow.services.imports import import_files
    from salesflow.services.workspace import open_workspace

    db = open_workspace(str(isolated))
    with db.write() as session:
        report = import_files([MAVEN], session=session, actor="ana", preset="maven")
    db.dispose()
    assert report.counts.deals_created == 8800


@maven_data
def test_maven_needs_all_four_files(cli, dump):
    cli("init")
    before = dump()
    assert_refused(cli("import", str(MAVEN / "sales_pipeline.csv"), str(MAVEN / "accounts.csv")),
                   error="needs all four files")  # fmt: skip
    assert dump() == before


# --- Pipedrive ------------------------------------------------------------------------------

PIPEDRIVE = """\
Deal - ID,Deal - Title,Deal - Value,Deal - Currency of value,Deal - Stage,Deal - Status,\
Deal - Organization,Deal - Contact person,Person - Email - Work,Deal - Owner,Deal - Deal created,\
Deal - Won time,Deal - Lost time,Deal - Lost reason,Deal - Expected close date
101,"Acme, Inc. rollout","12,500.00",USD,Qualified,Open,"Acme, Inc.",Jo Smith,jo@acme.com,\
Ana Lopez,2026-09-01 10:15:00,,,,2026-12-15
102,Globex pilot,8000,EUR,Proposal Made,Lost,Globex GmbH,Hank Scorpio,,Ben Ortiz,\
2026-08-03 09:00:00,,2026-10-20 16:30:00,Price too high,
103,Initech renewal,20000.5,US Dollar (USD),Negotiations Started,Won,Initech,,,Ana Lopez,\
2026-07-14 08:00:00,2026-11-02 11:00:00,,,
104,ACME Inc expansion,,USD,Qualified,open,ACME Inc,Jo Smith,jo@acme.com,Ana Lopez,\
2026-10-01 12:00:00,,,,
"""
PD_STAGES = ("--stage", "Proposal Made=proposal", "--stage", "negotiations started=Proposal")


def test_pipedrive_export(cli, tmp_path):
    path = write(tmp_path / "deals.csv", PIPEDRIVE)
    result = cli("import", str(path), *PD_STAGES, "--json")
    assert result.exit_code == 0, result.stderr
    report = result.json()
    assert report["preset"] == "pipedrive"
    assert report["deals"] == {"created": 4, "updated": 0, "skipped": 0,
                               "by_status": {"open": 2, "won": 1, "lost": 1}}  # fmt: skip
    # "Acme, Inc." and "ACME Inc" are one company; Jo Smith is one contact
    assert report["companies"]["created"] == 3
    assert report["contacts"]["created"] == 2
    assert any("merged (ACME Inc = Acme, Inc.)" in n for n in report["notes"])
    assert any("1 lost reason is not in your list" in n for n in report["notes"])

    deals = {d["id"]: d for d in cli("lead", "list", "--all", "--json").json()["deals"]}
    assert (deals[1]["title"], deals[1]["value"], deals[1]["currency"], deals[1]["stage"]) == (
        "Acme, Inc. rollout", "12500.00", "USD", "qualified")  # fmt: skip
    assert (deals[1]["company"], deals[1]["contact"], deals[1]["email"], deals[1]["owner"]) == (
        "Acme, Inc.", "Jo Smith", "jo@acme.com", "Ana Lopez")  # fmt: skip
    assert deals[1]["close_by"] == "2026-12-15"
    assert deals[1]["created_at"] == "2026-09-01T10:15:00Z"
    assert deals[4]["company"] == "Acme, Inc." and deals[4]["value"] == "0.00"  # empty value
    assert (deals[2]["status"], deals[2]["currency"]) == ("lost", "EUR")
    assert (deals[3]["status"], deals[3]["value"]) == ("won", "20000.50")

    lost = cli("show", "2", "--json").json()
    assert lost["close"] == {"outcome": "lost", "amount": "8000.00", "currency": "EUR",
                             "reason": "other", "competitor": None, "note": "Price too high",
                             "date": "2026-10-20"}  # fmt: skip
    assert [(m["from"], m["to"], m["at"]) for m in lost["history"]] == [
        (None, "proposal", "2026-08-03T09:00:00Z"),
        ("proposal", "lost", "2026-10-20T16:30:00Z"),
    ]
    funnel = cli("funnel", "--json").json()
    assert funnel["won"] == {"count": 1, "value": "20000.50"}


def test_unknown_stage_names_the_fix_and_changes_nothing(cli, tmp_path, dump):
    cli("init")
    path = write(tmp_path / "deals.csv", PIPEDRIVE)
    before = dump()
    lines = assert_refused(cli("import", str(path)))
    assert "line 3: stage 'Proposal Made' is not in pipeline sales" in lines[0]
    assert "--stage 'Proposal Made=KEY'" in lines[0]
    assert "(2 rows are bad); nothing was imported" in lines[0]
    assert "--skip-invalid" in lines[1]
    assert dump() == before


def test_headers_match_tolerantly(cli, tmp_path):
    text = PIPEDRIVE.replace("Deal - Currency of value", "deal-currency OF Value").replace(
        "Deal - Title", "DEAL  -  TITLE"
    )
    path = write(tmp_path / "deals.csv", text)
    report = cli("import", str(path), *PD_STAGES, "--json").json()
    assert report["preset"] == "pipedrive"
    assert report["deals"]["by_status"]["lost"] == 1
    assert cli("show", "2", "--json").json()["currency"] == "EUR"


# --- HubSpot ---------------------------------------------------------------------------------

HUBSPOT_DEALS = """\
Record ID,Deal Name,Deal Stage,Amount,Close Date,Create Date,Deal owner,Pipeline,\
Associated Company (Primary),Associated Contact (Primary),Deal currency code,Closed Lost Reason
9001,Umbrella expansion,Appointment Scheduled,5000,2027-01-31,2026-10-05 14:02,Chloe Diaz,\
Sales Pipeline,Umbrella Corp,Alice Wong (alice@umbrella.example),USD,
9002,"Hooli, platform",Closed Won,"45,000",2026-11-10,2026-06-01 09:30,Chloe Diaz,Sales Pipeline,\
Hooli,,GBP,
9003,Vandelay import,Closed Lost,1200.50,2026-11-01,2026-09-15 11:00,Dev Patel,Sales Pipeline,\
Vandelay Industries,Art Vandelay <art@vandelay.example>,USD,Went with a competitor
9004,Pied Piper compression,Contract Sent,,,2026-11-20 16:45,Dev Patel,Sales Pipeline,\
Pied Piper,,,
"""
HUBSPOT_CONTACTS = """\
Record ID,First Name,Last Name,Email,Phone Number,Job Title,Company Name,Contact owner,\
Lifecycle Stage,Create Date
501,Alice,Wong,ALICE@umbrella.example,+1 555 0100,VP Operations,Umbrella Corp,Chloe Diaz,\
opportunity,2026-10-05
502,Richard,Hendricks,richard@piedpiper.example,,CEO,Pied Piper,Dev Patel,lead,2026-11-20
503,Gavin,Belson,gavin@hooli.example,,"Chief Executive Officer, Hooli",Hooli,Chloe Diaz,customer,\
2026-06-01
"""
HS_STAGES = ("--stage", "Appointment Scheduled=contacted", "--stage", "contract sent=proposal")


def test_hubspot_deals_and_contacts(cli, tmp_path):
    deals_file = write(tmp_path / "hubspot-deals.csv", HUBSPOT_DEALS)
    report = cli("import", str(deals_file), *HS_STAGES, "--json").json()
    assert report["preset"] == "hubspot"
    assert report["deals"]["by_status"] == {"open": 2, "won": 1, "lost": 1}
    assert report["pipelines"] == {"sales": 4}  # "Sales Pipeline" is not ours: the default
    deals = {d["title"]: d for d in cli("lead", "list", "--all", "--json").json()["deals"]}
    umbrella = deals["Umbrella expansion"]
    assert (umbrella["stage"], umbrella["contact"], umbrella["email"]) == (
        "contacted", "Alice Wong", "alice@umbrella.example")  # fmt: skip
    assert umbrella["close_by"] == "2027-01-31"  # an open deal's close date is expected
    hooli = cli("show", "Hooli, platform", "--json").json()
    assert (hooli["status"], hooli["value"], hooli["currency"]) == ("won", "45000.00", "GBP")
    assert hooli["close"]["date"] == "2026-11-10"
    vandelay = cli("show", "Vandelay", "--json").json()
    assert vandelay["email"] == "art@vandelay.example"
    assert (vandelay["close"]["reason"], vandelay["close"]["note"]) == (
        "other", "Went with a competitor")  # fmt: skip
    assert deals["Pied Piper compression"]["value"] == "0.00"

    contacts_file = write(tmp_path / "hubspot-contacts.csv", HUBSPOT_CONTACTS)
    report = cli("import", str(contacts_file), "--json").json()
    assert report["preset"] == "hubspot"
    assert report["deals"]["created"] == 0
    assert report["contacts"] == {"created": 2, "reused": 1, "updated": 0}  # Alice is known
    assert report["companies"] == {"created": 0, "reused": 3, "updated": 0}
    gavin = cli("contact", "export", "gavin@hooli.example").json()["contact"]
    assert (gavin["name"], gavin["title"], gavin["company"]) == (
        "Gavin Belson", "Chief Executive Officer, Hooli", "Hooli")  # fmt: skip


# --- bad rows ---------------------------------------------------------------------------------

BAD_ROWS = """\
title,company,email,value,currency,stage,status,created,won_on,employees
Good one,Acme,jo@acme.com,1000,USD,prospect,open,2026-11-01,,
Bad value,Acme,,12abc,USD,prospect,open,,,
Bad currency,Acme,,100,XYZ,prospect,open,,,
Not a date,Acme,,100,USD,prospect,open,2026-02-30,,
Ambiguous date,Acme,,100,USD,prospect,open,03/04/2026,,
Unknown stage,Acme,,100,USD,Negotiation,open,,,
Bad email,Acme,not-an-email,100,USD,prospect,open,,,
Won without a date,Acme,,100,USD,proposal,won,,,
From the future,Acme,,100,USD,prospect,open,2027-01-01,,
Negative,Acme,,-5,USD,prospect,open,,,
Too few fields,Acme,,100
Decimal comma,Acme,,"1.200,50",EUR,prospect,open,,,
,Acme,,100,USD,prospect,open,,,
Bad head count,Acme,,100,USD,prospect,open,,,many
Another good one,Globex,,"2,000",EUR,demo,open,2026-10-01 08:30,,40
Inner "quote" is fine,Acme,,100,USD,prospect,open,,,
Huge field,Acme,,100,USD,prospect,open,,,HUGE
Last good one,Initech,,500,USD,won,won,2026-09-01,2026-10-01,
Never closed,"Acme,,100,USD,prospect,open,,,
"""
BAD_LINES = {
    3: "value '12abc'",
    4: "currency 'XYZ' is not an ISO 4217 code",
    5: "is not a real date",
    6: "is ambiguous",
    7: "stage 'Negotiation' is not in pipeline sales",
    8: "email 'not-an-email' is not an email address",
    9: "the deal is won but the row has no won date",
    10: "is in the future",
    11: "is negative",
    12: "4 fields, expected 10",
    13: "decimal comma",
    14: "the deal has no title",
    15: "employees 'many' is not a whole number",
    18: "longer than 131,072 characters",
    20: "unbalanced quote",
}


def bad_rows_file(tmp_path):
    return write(tmp_path / "leads.csv", BAD_ROWS.replace("HUGE", "x" * 200_000))


def test_bad_rows_fail_the_whole_import(cli, tmp_path, dump):
    cli("init")
    before = dump()
    lines = assert_refused(cli("import", str(bad_rows_file(tmp_path))))
    assert lines[0].startswith("Error: leads.csv line 3: value '12abc'")
    assert f"({len(BAD_LINES)} rows are bad); nothing was imported" in lines[0]
    assert dump() == before


def test_skip_invalid_imports_the_rest_and_lists_exactly_the_bad_rows(cli, tmp_path):
    errors = tmp_path / "rejected.csv"
    result = cli("import", str(bad_rows_file(tmp_path)), "--skip-invalid", "--errors", str(errors))
    assert result.exit_code == 3, result.stderr
    assert f"Rejected {len(BAD_LINES)} rows (written to {errors})" in result.stdout
    rows = list(csv.reader(errors.open(encoding="utf-8")))
    assert rows[0][:4] == ["file", "line", "reason", "title"]
    assert [int(r[1]) for r in rows[1:]] == sorted(BAD_LINES)
    for row in rows[1:]:
        assert BAD_LINES[int(row[1])] in row[2], row[:3]
        assert row[0] == "leads.csv"
    bad_value = next(r for r in rows if r[1] == "3")
    assert bad_value[3:] == ["Bad value", "Acme", "", "12abc", "USD", "prospect", "open", "", "",
                             ""]  # the original cells, to fix and import again  # fmt: skip
    titles = [d["title"] for d in cli("lead", "list", "--all", "--json").json()["deals"]]
    assert titles == ["Good one", "Another good one", 'Inner "quote" is fine', "Last good one"]


def test_skip_invalid_json_and_default_errors_file(cli, tmp_path):
    path = bad_rows_file(tmp_path)
    result = cli("import", str(path), "--skip-invalid", "--json")
    assert result.exit_code == 3
    report = result.json()
    assert report["rejected"] == len(BAD_LINES)
    assert report["deals"]["created"] == 4
    assert report["errors_file"] == str(tmp_path / "leads.errors.csv")
    assert (tmp_path / "leads.errors.csv").exists()
    assert [r["line"] for r in report["rejections"]] == sorted(BAD_LINES)


def test_dry_run_counts_and_writes_nothing(cli, tmp_path, dump):
    cli("init")
    path = write(tmp_path / "deals.csv", PIPEDRIVE)
    before = dump()
    result = cli("import", str(path), *PD_STAGES, "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Would import 4 deals (2 open, 1 won, 1 lost) from 4 rows")
    assert "Dry run: nothing was written." in result.stdout
    assert dump() == before


# --- duplicates ---------------------------------------------------------------------------------


def test_on_duplicate_skip_update_fail(cli, tmp_path, dump):
    path = write(tmp_path / "deals.csv", PIPEDRIVE)
    assert cli("import", str(path), *PD_STAGES).exit_code == 0
    again = cli("import", str(path), *PD_STAGES, "--json").json()  # skip is the default
    assert again["deals"] == {"created": 0, "updated": 0, "skipped": 4,
                              "by_status": {"open": 0, "won": 0, "lost": 0}}  # fmt: skip
    assert again["companies"]["reused"] == 3

    changed = write(tmp_path / "changed.csv", PIPEDRIVE.replace('"12,500.00"', "15000").replace(
        "Ana Lopez,2026-09-01", "Chloe Diaz,2026-09-01"))  # fmt: skip
    updated = cli("import", str(changed), *PD_STAGES, "--on-duplicate", "update", "--json").json()
    assert updated["deals"]["updated"] == 1
    assert updated["deals"]["skipped"] == 3  # nothing differs
    card = cli("show", "1", "--json").json()
    assert (card["value"], card["owner"]) == ("15000.00", "Chloe Diaz")
    trail = cli("history", "1", "--json").json()["events"]
    assert [(e["field"], e["from"], e["to"], e["by"]) for e in trail if e["kind"] == "field"] == [
        ("owner", "Ana Lopez", "Chloe Diaz", "ana"),
        ("value", "12500.00", "15000.00", "ana"),
    ]

    before = dump()
    lines = assert_refused(cli("import", str(path), *PD_STAGES, "--on-duplicate", "fail"))
    assert "line 2: duplicate: company 'Acme, Inc.' exists (#1)" in lines[0]
    assert dump() == before


def test_duplicate_deal_ids_within_a_file(cli, tmp_path):
    text = "title,external_id,company\nFirst,X1,Acme\nSecond,X1,Acme\nThird,X2,Acme\n"
    path = write(tmp_path / "d.csv", text)
    failed = cli("import", str(path), "--on-duplicate", "fail", "--skip-invalid", "--json",
                 "--errors", str(tmp_path / "e.csv"))  # fmt: skip
    assert failed.exit_code == 3
    assert failed.json()["rejections"] == [
        {"file": "d.csv", "line": 3, "reason": "deal 'X1' appears twice (first on line 2)"}
    ]
    assert failed.json()["deals"]["created"] == 2
    other = write(tmp_path / "o.csv", text.replace("X", "Y").replace("Acme", "Globex"))
    report = cli("import", str(other), "--json").json()
    assert (report["deals"]["created"], report["deals"]["skipped"]) == (2, 1)


# --- encodings and malformed files ------------------------------------------------------------


def test_utf8_with_bom_and_other_encodings(cli, tmp_path, dump):
    text = "title,company,contact\nCafé rollout,Café Müller,Zoë Ämmälä\n"
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert cli("import", str(bom)).exit_code == 0
    deal = cli("show", "1", "--json").json()
    assert (deal["title"], deal["company"], deal["contact"]) == (
        "Café rollout", "Café Müller", "Zoë Ämmälä")  # fmt: skip

    latin = write(tmp_path / "latin.csv", text.replace("rollout", "pilot"), "cp1252")
    before = dump()
    lines = assert_refused(cli("import", str(latin)))
    assert "latin.csv is not UTF-8: byte 0xe9 on line 2" in lines[0]
    assert "--encoding cp1252" in lines[1]
    assert dump() == before
    assert cli("import", str(latin), "--encoding", "cp1252").exit_code == 0
    assert cli("show", "Café pilot", "--json").json()["company"] == "Café Müller"

    utf16 = write(tmp_path / "u16.csv", text, "utf-16")
    lines = assert_refused(cli("import", str(utf16)), error="is UTF-16")
    assert "--encoding utf-16" in lines[1]
    assert_refused(cli("import", str(latin), "--encoding", "klingon"), code=2,
                   error="unknown encoding 'klingon'")  # fmt: skip


def test_semicolon_files_and_map(cli, tmp_path):
    text = "Opportunity;Customer;Worth;Rep;Notes\nBig deal;Acme;12.000,00;dev;call back\n"
    path = write(tmp_path / "excel.csv", text)
    lines = assert_refused(
        cli("import", str(path)), error="no column gives a deal title, company, contact or email"
    )
    assert "--map" in lines[1]
    result = cli("import", str(path), "--map", "Opportunity=title", "--map", "customer=company",
                 "--map", "Rep=owner", "--json")  # fmt: skip
    report = result.json()
    assert report["deals"]["created"] == 1
    assert report["ignored_columns"] == {"excel.csv": ["Worth", "Notes"]}
    deal = cli("show", "1", "--json").json()
    assert (deal["title"], deal["company"], deal["owner"]) == ("Big deal", "Acme", "dev")
    bad_value = cli("import", str(path), "--map", "Opportunity=title", "--map", "Worth=value",
                    "--skip-invalid", "--errors", str(tmp_path / "e.csv"), "--json")  # fmt: skip
    assert "decimal comma" in bad_value.json()["rejections"][0]["reason"]


def test_usage_errors(cli, tmp_path, dump):
    path = write(tmp_path / "d.csv", "title\nA\n")
    cli("init")
    before = dump()
    assert_refused(cli("import", str(path), "--map", "title"), code=2, error="is not COLUMN=FIELD")
    assert_refused(cli("import", str(path), "--map", "title=colour"), code=2,
                   error="unknown field 'colour'")  # fmt: skip
    assert_refused(cli("import", str(path), "--map", "Nope=title"),
                   error="--map names a column the file does not have")  # fmt: skip
    assert_refused(cli("import", str(path), "--on-duplicate", "merge"), code=2)
    assert_refused(cli("import", str(path), "--preset", "salesforce"), code=2,
                   error="unknown preset 'salesforce'")  # fmt: skip
    assert_refused(cli("import", str(path), "--errors", "x.csv"), code=2,
                   error="--errors goes with --skip-invalid")  # fmt: skip
    assert_refused(cli("import", str(tmp_path / "missing.csv")), error="no file")
    assert_refused(cli("import", str(path), "--pipeline", "nope"), error="no pipeline 'nope'")
    empty = write(tmp_path / "empty.csv", "")
    assert_refused(cli("import", str(empty)), error="is empty")
    assert dump() == before


def test_pipeline_named_in_the_file_and_option(cli, tmp_path):
    toml = tmp_path / "partners.toml"
    toml.write_text('name = "partners"\n[[stages]]\nkey = "intro"\nname = "Intro"\n'
                    'probability = 0.2\n')  # fmt: skip
    assert cli("pipeline", "add", str(toml)).exit_code == 0
    text = "title,pipeline,stage\nA,partners,Intro\nB,nope,Research\nC,,\n"
    report = cli("import", str(write(tmp_path / "p.csv", text)), "--json").json()
    assert report["pipelines"] == {"partners": 1, "sales": 2}
    deals = cli("lead", "list", "--json").json()["deals"]
    assert [(d["pipeline"], d["stage"]) for d in deals] == [
        ("partners", "intro"), ("sales", "prospect"), ("sales", "prospect")]  # fmt: skip
    forced = cli("import", str(write(tmp_path / "q.csv", "title\nD\n")), "--pipeline", "partners")
    assert forced.exit_code == 0
    assert cli("show", "D", "--json").json()["pipeline"] == "partners"


def test_no_progress_bar_on_a_pipe(cli, tmp_path):
    result = cli("import", str(write(tmp_path / "d.csv", "title\nA\n")))
    assert result.stderr == ""
    assert result.stdout.startswith("Imported 1 deal (1 open) from 1 row (generic) into sales.")


def test_new_pipeline_from_the_files_stages(cli, tmp_path, dump):
    path = write(tmp_path / "deals.csv", PIPEDRIVE)
    report = cli("import", str(path), "--new-pipeline", "pipedrive", "--json").json()
    assert report["pipeline_created"] == "pipedrive"
    assert report["pipelines"] == {"pipedrive": 4}
    shown = cli("pipeline", "show", "pipedrive", "--json").json()
    assert [(s["key"], s["name"], s["probability"]) for s in shown["stages"]] == [
        ("qualified", "Qualified", 0.25),  # Pipedrive's own order, not the file's
        ("proposal-made", "Proposal Made", 0.5),
        ("negotiations-started", "Negotiations Started", 0.75),
        ("won", "Won", 1.0),
        ("lost", "Lost", 0.0),
    ]
    won = cli("show", "Initech", "--json").json()
    assert [(m["from"], m["to"]) for m in won["history"]] == [
        (None, "negotiations-started"), ("negotiations-started", "won")]  # fmt: skip
    before = dump()
    lines = assert_refused(cli("import", str(path), "--new-pipeline", "pipedrive"))
    assert "pipeline 'pipedrive' exists already" in lines[0]
    assert_refused(cli("import", str(path), "--new-pipeline", "x", "--pipeline", "sales"), code=2)
    no_stage = write(tmp_path / "plain.csv", "title\nA\n")
    assert_refused(cli("import", str(no_stage), "--new-pipeline", "x"), error="no stage column")
    assert dump() == before
