"""Quotes through the CLI: catalogue, exact totals, versions, approval, sending, accepting."""

from __future__ import annotations

import pytest


def add(cli, *args):
    run = cli(*args)
    assert run.exit_code == 0, run.stderr
    return run


@pytest.fixture
def catalogue(cli):
    add(
        cli,
        "product",
        "add",
        "SEAT",
        "Seat licence",
        "--price",
        "49.99",
        "--unit",
        "seat",
        "--recurring",
        "month",
    )
    add(cli, "product", "add", "ONB", "Onboarding", "--price", "1,250")
    add(cli, "product", "add", "SUP", "Premium support", "--price", "3,000", "--recurring", "year")
    add(
        cli,
        "product",
        "add",
        "START",
        "Starter pack",
        "--price",
        "1,500",
        "--bundle",
        "SEAT:10,ONB:1",
    )
    add(
        cli,
        "lead",
        "add",
        "Acme rollout",
        "--company",
        "Acme",
        "--contact",
        "Jo",
        "--email",
        "jo@acme.com",
        "--value",
        "20k",
    )


def test_catalogue_list_edit_and_bundles(cli, catalogue):
    products = cli("product", "list", "--json").json()["products"]
    assert [(p["sku"], p["price"], p["recurring"]) for p in products] == [
        ("ONB", "1250.00", None),
        ("SEAT", "49.99", "month"),
        ("START", "1500.00", None),
        ("SUP", "3000.00", "year"),
    ]
    assert products[2]["bundle"] == [{"sku": "SEAT", "qty": 10}, {"sku": "ONB", "qty": 1}]
    edited = cli("product", "edit", "onb", "--price", "1,300", "--inactive", "--json").json()
    assert (edited["price"], edited["active"]) == ("1300.00", False)
    assert "ONB" not in [p["sku"] for p in cli("product", "list", "--json").json()["products"]]
    assert "ONB" in [p["sku"] for p in cli("product", "list", "--all", "--json").json()["products"]]


def test_totals_where_rounding_order_matters(cli, catalogue):
    # SEAT: 7 × 49.99 = 349.93, less 12.5% = 306.18875 → 306.19 (line rounding first)
    # ONB: 1 × 1,250.00, less 3.33% = 1,208.375 → 1,208.38
    # subtotal 1,514.57; 7.5% off = 113.59275 → 113.59; taxable 1,400.98
    # tax 19.6% = 274.59208 → 274.59; total 1,675.57
    quote = cli(
        "quote",
        "new",
        "acme",
        "--line",
        "SEAT:7:12.5",
        "--line",
        "ONB:1:3.33",
        "--discount",
        "7.5",
        "--tax",
        "19.6",
        "--json",
    ).json()
    assert quote == {
        "id": 1,
        "deal_id": 1,
        "version": 1,
        "status": "draft",
        "currency": "USD",
        "lines": [
            {
                "sku": "SEAT",
                "name": "Seat licence",
                "qty": 7,
                "unit_price": "49.99",
                "discount_pct": "12.5",
                "amount": "306.19",
                "recurring": "month",
            },
            {
                "sku": "ONB",
                "name": "Onboarding",
                "qty": 1,
                "unit_price": "1250.00",
                "discount_pct": "3.33",
                "amount": "1208.38",
                "recurring": None,
            },
        ],
        "subtotal": "1514.57",
        "discount_pct": "7.5",
        "discount": "113.59",
        "tax_pct": "19.6",
        "tax": "274.59",
        "total": "1675.57",
        "valid_until": "2026-12-27",
        "created_by": "ana",
        "approved_by": None,
        "supersedes": None,
    }
    assert cli("quote", "show", "1", "--json").json() == quote


def test_a_jpy_quote_has_no_minor_unit(cli):
    add(cli, "product", "add", "LIC", "Licence", "--price", "12,345", "--currency", "JPY")
    add(cli, "lead", "add", "Tokyo", "--currency", "JPY", "--value", "1m")
    quote = cli("quote", "new", "1", "--line", "LIC:3:5", "--tax", "10", "--json").json()
    # 37,035 × 0.95 = 35,183.25 → 35,183; tax 3,518.3 → 3,518; total 38,701
    assert (quote["lines"][0]["amount"], quote["subtotal"], quote["tax"], quote["total"]) == (
        "35183",
        "35183",
        "3518",
        "38701",
    )


def test_a_bundle_is_priced_as_a_whole(cli, catalogue):
    quote = cli("quote", "new", "1", "--line", "START:2", "--json").json()
    assert (quote["lines"][0]["amount"], quote["total"]) == ("3000.00", "3000.00")


def test_approval_send_accept_wins_the_deal_and_starts_the_contract(cli, catalogue):
    quote = cli(
        "quote", "new", "1", "--line", "SEAT:20", "--line", "SUP:1", "--discount", "25", "--json"
    ).json()
    assert quote["status"] == "pending_approval"  # 25% is above the 20% default limit
    refused = cli("quote", "send", "1")
    assert refused.exit_code == 1 and "above the 20% limit" in refused.stderr
    own = cli("quote", "approve", "1")
    assert own.exit_code == 1 and "cannot approve" in own.stderr
    approved = cli("--as", "maria", "quote", "approve", "1", "--json").json()
    assert (approved["status"], approved["approved_by"]) == ("approved", "maria")
    assert cli("quote", "send", "1", "--json").json()["status"] == "sent"
    accepted = cli("quote", "accept", "1", "--json").json()
    assert accepted["status"] == "accepted"
    card = cli("show", "1", "--json").json()
    # 20 × 49.99 = 999.80 + 3,000 = 3,999.80; 25% off = 999.95; total 2,999.85
    assert (card["status"], card["close"]["amount"], card["close"]["date"]) == (
        "won",
        "2999.85",
        "2026-11-27",
    )
    customer = cli("customer", "list", "--json").json()["customers"][0]
    # the contract counts the recurring lines at their line amounts, before the quote discount
    assert customer["recurring"] == [
        {"currency": "USD", "value": "14997.60"}
    ]  # 12 × 999.80 + 3,000
    assert customer["renewal_on"] == "2027-11-27"
    assert "Sold: 20 × Seat licence (SEAT); 1 × Premium support (SUP)" in customer["handoff"]


def test_revise_supersedes_and_keeps_lines(cli, catalogue):
    cli("quote", "new", "1", "--line", "SEAT:10")
    revised = cli("quote", "revise", "1", "--discount", "10", "--json").json()
    assert (revised["id"], revised["version"], revised["supersedes"], revised["total"]) == (
        2,
        2,
        1,
        "449.91",
    )
    assert cli("quote", "show", "1", "--json").json()["status"] == "superseded"
    assert [q["id"] for q in cli("quote", "list", "1", "--json").json()["quotes"]] == [2]
    assert [q["id"] for q in cli("quote", "list", "--all", "--json").json()["quotes"]] == [2, 1]
    again = cli("quote", "revise", "1")
    assert again.exit_code == 1 and "superseded" in again.stderr


def test_quotes_expire_and_cannot_be_accepted(cli, catalogue, set_now):
    cli("quote", "new", "1", "--line", "ONB:1", "--valid-days", "7")
    cli("quote", "send", "1")
    set_now("2026-12-05T09:00")
    assert cli("quote", "show", "1", "--json").json()["status"] == "expired"
    run = cli("quote", "accept", "1")
    assert run.exit_code == 1 and "expired on 2026-12-04" in run.stderr
    assert cli("show", "1", "--json").json()["status"] == "open"


def test_reject_and_the_proposal_gate(cli, catalogue):
    cli("advance", "1", "--to", "demo", "--force")
    gate = cli("advance", "1")
    assert gate.exit_code == 1 and "needs a quote" in gate.stderr
    cli("quote", "new", "1", "--line", "ONB:1")
    assert cli("advance", "1", "--json").json()["stage"] == "proposal"
    cli("quote", "send", "1")
    rejected = cli("quote", "reject", "1", "--reason", "too expensive", "--json").json()
    assert rejected["status"] == "rejected"


def test_export_markdown_and_html(cli, catalogue, tmp_path):
    cli("quote", "new", "1", "--line", "SEAT:3:10", "--tax", "20")
    md, html = tmp_path / "q.md", tmp_path / "q.html"
    assert cli("quote", "export", "1", "--out", str(md)).exit_code == 0
    text = md.read_text()
    assert "| SEAT | Seat licence (per month) | 3 | 49.99 | 10% | 134.97 |" in text
    assert "**Total** | **161.96 USD**" in text and "attn. Jo" in text
    assert cli("quote", "export", "1", "--out", str(html)).exit_code == 0
    page = html.read_text()
    assert page.startswith("<!doctype html>") and "161.96 USD" in page


def test_the_document_names_the_seller_and_the_local_issue_date(cli, catalogue, tmp_path, isolated):
    # 09:00 on the 27th in Auckland is still the 26th in UTC: the document shows the local day
    config = isolated.parent.parent / "config.toml"
    config.write_text('timezone = "Pacific/Auckland"\ncurrency = "USD"\n')
    cli("quote", "new", "1", "--line", "ONB:1")
    md, html = tmp_path / "q.md", tmp_path / "q.html"
    assert cli("quote", "export", "1", "--out", str(md)).exit_code == 0
    text = md.read_text()
    assert "**From:** ana\n" in text and "**Issued:** 2026-11-27\n" in text  # the quote's rep
    config.write_text(config.read_text() + '[smtp]\nfrom = "Ana Lopez <ana@example.com>"\n')
    assert cli("quote", "export", "1", "--out", str(md)).exit_code == 0
    assert "**From:** Ana Lopez\n" in md.read_text()
    config.write_text('timezone = "Pacific/Auckland"\nseller = "Smith & Co"\n')
    assert cli("quote", "export", "1", "--out", str(html)).exit_code == 0
    page = html.read_text()
    assert "<strong>From:</strong> Smith &amp; Co<br>" in page
    assert "<strong>Issued:</strong> 2026-11-27<br>" in page
    config.write_text('seller = ""\n')
    run = cli("quote", "export", "1", "--out", str(md))
    assert run.exit_code == 1 and run.stderr.startswith("Error: config ")
    assert "seller must be one line of text" in run.stderr


def test_a_custom_template_replaces_the_built_in(cli, catalogue, tmp_path, isolated):
    templates = isolated.parent.parent / "templates"  # beside the test's config.toml
    templates.mkdir(exist_ok=True)
    (templates / "quote.md.j2").write_text("Q{{ quote.id }} for {{ company }}: {{ total }}\n")
    (templates / "evil.md.j2").write_text("x")
    cli("quote", "new", "1", "--line", "ONB:1")
    out = tmp_path / "q.md"
    assert cli("quote", "export", "1", "--out", str(out)).exit_code == 0
    assert out.read_text() == "Q1 for Acme: 1250.00\n"
    (templates / "quote.md.j2").write_text("{{ quote.__class__.__mro__ }}")
    run = cli("quote", "export", "1", "--out", str(out))
    assert run.exit_code == 1 and run.stderr.startswith("Error: quote template")


BAD = [
    (("quote", "new", "1", "--line", "SEAT:5", "--discount", "101"), "between 0 and 100"),
    (("quote", "new", "1", "--line", "SEAT:5", "--discount", "-1"), "between 0 and 100"),
    (("quote", "new", "1", "--line", "SEAT:0"), "1 or more"),
    (("quote", "new", "1", "--line", "SEAT:-2"), "1 or more"),
    (("quote", "new", "1", "--line", "SEAT:two"), "not a whole number"),
    (("quote", "new", "1", "--line", "NOPE:1"), "no product"),
    (("quote", "new", "1", "--line", "EURO:1"), "priced in EUR"),
    (("quote", "new", "1", "--line", "OLD:1"), "inactive"),
    (("quote", "new", "1"), "at least one"),
    (("quote", "new", "1", "--line", "SEAT:1:150"), "between 0 and 100"),
    (("quote", "new", "1", "--line", "SEAT:1", "--tax", "1.234"), "two decimals"),
    (("quote", "show", "99"), "no quote"),
    (("quote", "new", "1", "--line", "SEAT:1", "--valid-days", "0"), "between 1 and 3650"),
    (("product", "add", "SEAT", "Again", "--price", "1"), "exists"),
    (("product", "add", "BAD SKU", "x", "--price", "1"), "without spaces"),
    (("product", "add", "B2", "Bundle", "--price", "1", "--bundle", "NOPE:1"), "no product"),
    (("product", "add", "R", "r", "--price", "1", "--recurring", "weekly"), "month or year"),
    (("product", "edit", "SEAT"), "nothing to change"),
    (("lost", "1"), "Missing option"),
]


@pytest.mark.parametrize(("args", "words"), BAD)
def test_bad_quotes_and_products_change_nothing(cli, catalogue, dump, args, words):
    add(cli, "product", "add", "EURO", "Euro thing", "--price", "10", "--currency", "EUR")
    add(cli, "product", "add", "OLD", "Old thing", "--price", "10")
    add(cli, "product", "edit", "OLD", "--inactive")
    before = dump()
    run = cli(*args)
    assert run.exit_code in (1, 2)
    assert run.stderr.startswith("Error: ") and words in run.stderr, run.stderr
    assert dump() == before


def test_status_moves_are_enforced(cli, catalogue, dump):
    cli("quote", "new", "1", "--line", "SEAT:1")
    before = dump()
    for args, words in [
        (("quote", "accept", "1"), "only a sent quote"),
        (("quote", "reject", "1", "--reason", "no"), "only a sent quote"),
        (("quote", "approve", "1"), "pending approval"),
    ]:
        run = cli(*args)
        assert run.exit_code == 1 and words in run.stderr
    assert dump() == before
    cli("won", "1")
    won_again = cli("won", "1")
    assert won_again.exit_code == 1 and "reopen" in won_again.stderr


def test_the_deal_card_lists_its_quotes(cli, catalogue):
    """`show` lists the deal's quotes (a superseded version only through its successor)."""
    assert "No quotes." in cli("show", "acme").stdout
    add(cli, "quote", "new", "acme", "--line", "SEAT:10")
    add(cli, "quote", "revise", "1", "--line", "SEAT:12")
    card = cli("show", "acme", "--json").json()
    assert card["quotes"] == [
        {"id": 2, "version": 2, "status": "draft", "total": "599.88", "currency": "USD",
         "valid_until": "2026-12-27"},
    ]  # fmt: skip
    shown = cli("show", "acme").stdout
    assert "Quotes" in shown and "599.88" in shown and "No quotes." not in shown
