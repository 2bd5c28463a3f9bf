"""The spine end to end: add a lead, move it, follow up, close it."""

from __future__ import annotations


def test_lead_add_prints_id_and_show_has_the_card(cli):
    added = cli(
        "lead",
        "add",
        "Acme rollout",
        "--company",
        "Acme",
        "--contact",
        "Jo Smith",
        "--email",
        "jo@acme.com",
        "--value",
        "12.5k",
        "--source",
        "referral",
    )
    assert added.exit_code == 0, added.stderr
    assert added.stdout.strip() == "1"
    card = cli("show", "1", "--json").json()
    assert card["title"] == "Acme rollout"
    assert card["stage"] == "prospect"
    assert card["status"] == "open"
    assert card["value"] == "12500.00"
    assert card["currency"] == "USD"
    assert card["owner"] == "ana"
    assert card["company"] == "Acme"
    assert card["contact"] == "Jo Smith"
    assert card["history"] == [
        {
            "from": None,
            "to": "prospect",
            "at": "2026-11-27T09:00:00Z",
            "by": "ana",
            "note": None,
            "forced": False,
            "regression": False,
        }
    ]
    # the Research playbook made the first follow-up
    assert [t["text"] for t in card["tasks"]] == [
        "Research the account and find the decision maker"
    ]
