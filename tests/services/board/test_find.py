"""The board's `/` filter: fuzzy, on title, company and contact, in column order."""

from __future__ import annotations

from salesflow.services.board.find import matching
from salesflow.services.board.view import SearchEntry

ENTRIES = [
    SearchEntry(1, 10, "Acme rollout Acme Ann Lee"),
    SearchEntry(2, 10, "Globex pilot Globex Gil Bates"),
    SearchEntry(3, 20, "Initech licence Initech"),
    SearchEntry(4, 20, "Acme upsell Acme Corp"),
]


def test_a_typo_still_finds_the_deal() -> None:
    assert matching("globx", ENTRIES) == {10: [2]}


def test_contact_and_company_match_and_order_is_kept() -> None:
    assert matching("ann lee", ENTRIES) == {10: [1]}
    assert matching("acme", ENTRIES) == {10: [1], 20: [4]}


def test_short_queries_are_substrings_and_unrelated_text_finds_nothing() -> None:
    assert matching("In", ENTRIES) == {20: [3]}
    assert matching("zebra crossing", ENTRIES) == {}
    assert matching("   ", ENTRIES) == {10: [1, 2], 20: [3, 4]}
