"""Leads and deals through the CLI: add, reuse, reference, list, edit (with change log)."""

from __future__ import annotations

import csv
import io

from sqlmodel import select

from salesflow.db.engine import Database
from salesflow.models import Company, Contact, DealChange


def add(cli, *args):
    run = cli("lead", "add", *args)
    assert run.exit_code == 0, run.stderr
    return int(run.stdout)


def test_company_and_contact_are_reused(cli, isolated):
    add(cli, "Acme pilot", "--company", "Acme", "--contact", "Jo", "--email", "jo@acme.com")
    add(cli, "Acme expansion", "--company", "ACME", "--email", "JO@acme.com")
    db = Database(str(isolated))
    with db.read() as s:
        assert len(s.exec(select(Company)).all()) == 1
        contacts = s.exec(select(Contact)).all()
        assert [(c.name, c.email) for c in contacts] == [("Jo", "jo@acme.com")]


def test_company_facts_without_a_company_make_the_lead_the_company(cli, isolated):
    run = cli("lead", "add", "Initech", "--industry", "software", "--employees", "250")
    assert (run.exit_code, run.stderr) == (0, "")
    assert cli("show", "1", "--json").json()["company"] == "Initech"
    with Database(str(isolated)).read() as s:
        [company] = s.exec(select(Company)).all()
        assert (company.name, company.industry, company.employees) == ("Initech", "software", 250)


def test_a_repeated_lead_is_added_with_a_warning_naming_the_open_deal(cli):
    add(cli, "Acme rollout", "--company", "Acme")
    add(cli, "Acme rollout", "--company", "Other")  # another company: no warning
    run = cli("lead", "add", "ACME ROLLOUT", "--company", "acme")
    assert run.exit_code == 0 and run.stdout == "3\n"
    assert run.stderr == 'Warning: deal #1 "Acme rollout" at Acme is already open\n'
    run = cli("lead", "add", "Acme rollout", "--company", "Acme", "--json")
    assert run.json()["id"] == 4 and run.stderr.count("\n") == 1 and "#1" in run.stderr
    assert cli("won", "1").exit_code == 0 and cli("won", "3").exit_code == 0
    assert cli("won", "4").exit_code == 0
    run = cli("lead", "add", "Acme rollout", "--company", "Acme")  # closed ones: no warning
    assert (run.exit_code, run.stderr) == (0, "")
    add(cli, "Solo")
    assert cli("lead", "add", "solo").stderr == 'Warning: deal #6 "Solo" is already open\n'


def test_deal_reference_by_id_hash_title_and_company(cli):
    add(cli, "Globex renewal", "--company", "Globex")
    add(cli, "Initech CRM", "--company", "Initech")
    assert cli("show", "#2", "--json").json()["title"] == "Initech CRM"
    assert cli("show", "globex", "--json").json()["id"] == 1
    assert cli("show", "crm", "--json").json()["id"] == 2
    assert cli("show", "INITECH", "--json").json()["id"] == 2


def test_open_deals_win_a_reference_over_closed_ones(cli):
    add(cli, "Umbrella phase 1", "--company", "Umbrella")
    assert cli("won", "1").exit_code == 0
    add(cli, "Umbrella phase 2", "--company", "Umbrella")
    assert cli("show", "umbrella", "--json").json()["id"] == 2


def test_ambiguous_reference_lists_candidates(cli):
    add(cli, "Hooli search", "--company", "Hooli")
    add(cli, "Hooli mail", "--company", "Hooli")
    run = cli("show", "hooli")
    assert run.exit_code == 1
    assert run.stderr.startswith("Error: 'hooli' matches 2 deals")
    assert "#1 Hooli search" in run.stderr and "#2 Hooli mail" in run.stderr


def test_lead_list_filters_sorts_and_speaks_json_and_csv(cli):
    add(cli, "Small", "--value", "1000", "--owner", "ben")
    add(cli, "Large", "--value", "50k", "--owner", "ana", "--close-by", "2026-12-15")
    add(cli, "Medium", "--value", "10,000.50", "--close-by", "2026-12-01")
    cli("advance", "3")
    cli("lost", "1", "--reason", "price")
    ids = [d["id"] for d in cli("lead", "list", "--json").json()["deals"]]
    assert ids == [2, 3]
    ids = [
        d["id"] for d in cli("lead", "list", "--all", "--sort", "value", "--json").json()["deals"]
    ]
    assert ids == [2, 3, 1]
    ids = [d["id"] for d in cli("lead", "list", "--sort", "close", "--json").json()["deals"]]
    assert ids == [3, 2]
    assert [
        d["id"] for d in cli("lead", "list", "--stage", "contacted", "--json").json()["deals"]
    ] == [3]
    assert [
        d["id"] for d in cli("lead", "list", "--owner", "ben", "--all", "--json").json()["deals"]
    ] == [1]
    deal = cli("lead", "list", "--limit", "1", "--json").json()["deals"][0]
    assert deal["value"] == "50000.00" and "history" not in deal
    rows = list(csv.DictReader(io.StringIO(cli("lead", "list", "--csv").stdout)))
    assert [(r["id"], r["value"], r["stage"]) for r in rows] == [
        ("2", "50000.00", "prospect"),
        ("3", "10000.50", "contacted"),
    ]


def test_piped_output_is_plain_text_without_escape_codes(cli):
    add(cli, "Plain", "--company", "Text Ltd", "--value", "2500")
    out = cli("lead", "list").stdout
    assert "\x1b[" not in out
    assert out.splitlines()[0].split() == [
        "id",
        "title",
        "company",
        "stage",
        "status",
        "value",
        "owner",
        "close",
        "by",
        "score",
        "lifecycle",
    ]
    assert "2,500.00 USD" in out


def test_color_always_forces_rich_output(cli):
    add(cli, "Coloured")
    out = cli("--color", "always", "lead", "list").stdout
    assert "\x1b[" in out


def test_edit_records_every_change(cli, isolated):
    add(cli, "Editable", "--value", "100", "--source", "cold")
    run = cli(
        "--as",
        "ben",
        "edit",
        "1",
        "--value",
        "250.5",
        "--title",
        "Edited",
        "--owner",
        "ben",
        "--close-by",
        "2026-12-31",
        "--json",
    )
    assert run.exit_code == 0, run.stderr
    card = run.json()
    assert (card["title"], card["value"], card["owner"], card["close_by"]) == (
        "Edited",
        "250.50",
        "ben",
        "2026-12-31",
    )
    db = Database(str(isolated))
    with db.read() as s:
        changes = {(c.field, c.old, c.new, c.by) for c in s.exec(select(DealChange))}
    assert changes == {
        ("value", "100.00", "250.50", "ben"),
        ("title", "Editable", "Edited", "ben"),
        ("owner", "ana", "ben", "ben"),
        ("close_by", None, "2026-12-31", "ben"),
    }


def test_edit_currency_keeps_the_amount_and_respects_minor_units(cli):
    add(cli, "Yen deal", "--value", "1200")
    assert cli("edit", "1", "--currency", "eur", "--json").json()["currency"] == "EUR"
    assert cli("show", "1", "--json").json()["value"] == "1200.00"
    assert cli("edit", "1", "--currency", "JPY", "--json").json()["value"] == "1200"
    run = cli("edit", "1", "--value", "10.5")
    assert run.exit_code == 1 and "JPY" in run.stderr


def test_log_records_activities_newest_first_on_the_card(cli, dump):
    add(cli, "Talkative", "--company", "Chatty Co")
    assert (
        cli("log", "chatty", "call", "Intro call", "--at", "-2d", "--outcome", "keen").exit_code
        == 0
    )
    logged = cli("log", "1", "replied", "Answered the sequence", "--json").json()
    assert (logged["type"], logged["at"], logged["by"]) == (
        "replied",
        "2026-11-27T09:00:00Z",
        "ana",
    )
    activities = cli("show", "1", "--json").json()["activities"]
    assert [(a["type"], a["summary"], a["at"], a["outcome"]) for a in activities] == [
        ("replied", "Answered the sequence", "2026-11-27T09:00:00Z", None),
        ("call", "Intro call", "2026-11-25T00:00:00Z", "keen"),
    ]
    before = dump()
    for bad in (
        ("1", "carrier-pigeon", "x"),
        ("1", "call", "x", "--at", "+1d"),
        ("1", "call", " "),
    ):
        run = cli("log", *bad)
        assert run.exit_code == 1 and run.stderr.startswith("Error: ")
    assert dump() == before


def test_a_won_deal_shows_the_amount_it_was_won_at(cli):
    add(cli, "Globex CRM", "--company", "Globex", "--value", "40,000")
    add(cli, "Globex extra", "--company", "Globex", "--value", "39k")
    assert cli("won", "1", "--amount", "38k").exit_code == 0
    card = cli("show", "1")
    assert "  Value        38,000.00 USD" in card.stdout.splitlines()
    assert cli("show", "1", "--json").json()["value"] == "38000.00"
    listed = cli("lead", "list", "--all", "--sort", "value", "--json").json()["deals"]
    assert [(d["id"], d["value"]) for d in listed] == [(2, "39000.00"), (1, "38000.00")]
    tasks = cli("task", "list", "--all", "--json").json()["tasks"]
    assert {t["value"] for t in tasks if t["deal_id"] == 1} == {"38000.00"}
    # the figures agree with the reports and the customer list
    assert cli("report", "kpis", "--json").json()["won_value"] == "38000.00"
    won = cli("customer", "list", "--json").json()["customers"][0]["won"]
    assert won == [{"currency": "USD", "value": "38000.00"}]
    cli("reopen", "1")  # open again: its value is the deal's own again
    assert cli("show", "1", "--json").json()["value"] == "40000.00"
