"""Properties of scoring that must hold for any rules, facts and events (Hypothesis)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from salesflow.services.deals.activities import ALL_TYPES
from salesflow.services.scoring.rules import (
    RuleSpec,
    engagement_rule,
    export_rules,
    fit_rule,
    parse_rules,
)
from salesflow.services.scoring.scores import engagement_total, score_parts
from salesflow.services.scoring.to_next import suggestions

points = st.integers(-1000, 1000).filter(bool)
positive = st.none() | st.integers(1, 365)
ages = st.lists(st.floats(0, 2000, allow_nan=False), max_size=12)
names = st.text("abcdefghij -_", min_size=1, max_size=12).map(str.strip).filter(bool)

engagement_rules = st.builds(
    engagement_rule, name=names, event=st.sampled_from(ALL_TYPES), points=points,
    half_life=positive, cap=positive, within=positive,
)  # fmt: skip
text_fits = st.builds(
    fit_rule, name=names,
    field=st.sampled_from(["industry", "country", "source", "title", "email_domain"]),
    op=st.sampled_from(["eq", "ne", "contains"]),
    value=st.sampled_from(["saas", "US", "referral", "head", "acme.io", "x"]), points=points,
)  # fmt: skip
number_fits = st.builds(
    fit_rule, name=names, field=st.sampled_from(["employees", "value"]),
    op=st.sampled_from(["gte", "lte", "eq", "ne"]),
    value=st.integers(0, 10_000).map(str), points=points,
)  # fmt: skip
list_fits = st.builds(
    fit_rule, name=names, field=st.just("country"), op=st.just("in"),
    value=st.lists(st.sampled_from(["US", "CA", "FR", "DE"]), min_size=1, max_size=3).map(",".join),
    points=points,
)  # fmt: skip
contains_any = st.builds(  # a rules file's `contains` with an array: any of the pieces
    fit_rule, name=names, field=st.sampled_from(["title", "industry", "email_domain"]),
    op=st.just("contains"),
    value=st.lists(st.sampled_from(["head", "vp", "saas", ".edu", "x"]), min_size=1, max_size=3),
    points=points,
)  # fmt: skip
any_rule = engagement_rules | text_fits | number_fits | list_fits | contains_any


def unique(rules: list[RuleSpec]) -> list[RuleSpec]:
    seen, kept = set(), []
    for rule in rules:
        if rule.name not in seen:
            seen.add(rule.name)
            kept.append(rule)
    return kept


facts = st.fixed_dictionaries({
    "industry": st.sampled_from([None, "SaaS", "retail"]),
    "country": st.sampled_from([None, "US", "FR"]),
    "source": st.sampled_from([None, "referral", "outbound"]),
    "title": st.sampled_from([None, "Head of IT", "Engineer"]),
    "email_domain": st.sampled_from([None, "acme.io", "uni.edu"]),
    "employees": st.none() | st.integers(0, 20_000),
    "value": st.none() | st.decimals(0, 10**7, places=2),
})  # fmt: skip
events = st.dictionaries(st.sampled_from(ALL_TYPES), ages, max_size=4)


@given(st.lists(any_rule, max_size=8).map(unique), facts, events)
def test_explained_parts_always_sum_to_the_score(rules, deal_facts, deal_events):
    parts = score_parts(rules, deal_facts, deal_events)
    fit = sum(p.points for p in parts if p.kind == "fit")
    engagement = sum(p.points for p in parts if p.kind == "engagement")
    assert sum(p.points for p in parts) == fit + engagement
    assert all(p.points != 0 for p in parts)
    assert {p.rule for p in parts} <= {r.name for r in rules}


@given(engagement_rules, st.floats(0, 1000, allow_nan=False), st.floats(0, 1000, allow_nan=False))
def test_one_event_never_gains_points_with_time(rule, age, later):
    now_worth = abs(engagement_total(rule, [age]))
    later_worth = abs(engagement_total(rule, [age + later]))
    assert later_worth <= now_worth + 1e-9


@given(engagement_rules, ages)
def test_a_cap_is_never_exceeded(rule, event_ages):
    total = engagement_total(rule, event_ages)
    if rule.max is not None:
        assert abs(total) <= rule.max
    assert (total >= 0) if rule.points > 0 else (total <= 0)


@settings(max_examples=60)
@given(st.lists(any_rule, max_size=8).map(unique), facts, events)
def test_export_then_load_gives_the_same_rules_and_scores(rules, deal_facts, deal_events):
    again = parse_rules(export_rules(rules))
    assert again == rules
    assert score_parts(again, deal_facts, deal_events) == score_parts(
        rules, deal_facts, deal_events
    )


def test_decimal_fit_values_survive_export():
    rule = fit_rule("big", "value", "gte", "12500.50", 5)
    assert parse_rules(export_rules([rule])) == [rule]
    assert rule.value == Decimal("12500.50")


@given(st.lists(any_rule, max_size=8).map(unique), facts, events)
def test_a_suggested_event_adds_exactly_the_points_it_promises(rules, deal_facts, deal_events):
    by_name = {r.name: r for r in rules}
    for offer in suggestions(rules, deal_facts, deal_events, deal_id=1):
        assert offer.points > 0
        if offer.kind != "engagement":
            continue
        event = by_name[offer.rule].event or ""
        more = {**deal_events, event: [*deal_events.get(event, []), 0.0]}
        # the one rule's gain; other rules on the same event may add (or take) more
        same_event = [r for r in rules if r.kind == "engagement" and r.event == event]
        gained = sum(p.points for p in score_parts(same_event, deal_facts, more)) - sum(
            p.points for p in score_parts(same_event, deal_facts, deal_events)
        )
        others = [r for r in same_event if r.name != offer.rule]
        other_gain = sum(p.points for p in score_parts(others, deal_facts, more)) - sum(
            p.points for p in score_parts(others, deal_facts, deal_events)
        )
        assert gained - other_gain == offer.points
