"""What would lift a deal's score over the next threshold ahead of it (`score DEAL --explain`).

The next threshold is the lowest one the score has not reached among the pipeline's `mql` and
`sql` (while the deal is still a lead, not yet an opportunity) and the score gates (`min_score`)
of the open stages after the deal's. The suggestions are the rules that could add points now:
one more event of each engagement rule (its real gain, after decay and the cap), and the fit
rules the deal does not match where that can still change — a fact nobody recorded yet, or a
title rule (another contact), but not a company size or a source that is known and different.
Plain SQL through a `Reader`, like the score itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from salesflow.db.reader import Reader
from salesflow.domain.deals import DealStatus
from salesflow.queries.pipelines import stage_rows
from salesflow.services.scoring.rules import RuleSpec, list_rules
from salesflow.services.scoring.scores import (
    DealScore,
    deal_events,
    deal_facts,
    engagement_points,
    fit_matches,
    fit_view,
)

# Whose fact each fit field is, for "record the contact's title".
_WHOSE = {"industry": "company", "country": "company", "company": "deal", "employees": "company",
          "title": "contact", "email": "contact", "email_domain": "contact"}  # fmt: skip


@dataclass(frozen=True)
class Suggestion:
    """A rule that would add `points` to the score now, and what to do for it."""

    rule: str
    kind: str
    points: int
    how: str


@dataclass(frozen=True)
class Threshold:
    """A threshold the score has not reached yet."""

    threshold: int
    label: str  # mql | sql | gate
    stage: str | None  # the stage gated at this threshold, if any
    points_needed: int


@dataclass(frozen=True)
class NextThreshold(Threshold):
    """The next threshold ahead of a deal's score, the ones after it, and what could add the
    points."""

    later: list[Threshold]
    suggestions: list[Suggestion]


def next_threshold(scored: DealScore, *, reader: Reader) -> NextThreshold | None:
    """The next threshold for an open deal (None when it is closed or past every one)."""
    facts = next(iter(deal_facts(reader, [scored.deal_id], False)), None)
    if facts is None or facts["status"] != DealStatus.OPEN:
        return None
    candidates: list[tuple[int, int, str, str | None]] = []  # (threshold, order, label, stage)
    if scored.lifecycle in ("lead", "mql"):
        for order, label in enumerate(("mql", "sql")):
            if facts[label] is not None and scored.score < facts[label]:
                candidates.append((facts[label], order, label, None))
    for gate in stage_rows(facts["pipeline_id"], reader=reader):
        later = gate.is_open and gate.position > facts["position"]
        if later and gate.min_score is not None and scored.score < gate.min_score:
            candidates.append((gate.min_score, 2, "gate", gate.name))
    if not candidates:
        return None
    ahead = []
    for threshold in sorted({c[0] for c in candidates}):
        same = sorted(c for c in candidates if c[0] == threshold)
        stage = next((c[3] for c in same if c[3] is not None), None)
        ahead.append(Threshold(threshold, same[0][2], stage, threshold - scored.score))
    rules = list_rules(reader=reader)
    events = deal_events(reader, rules, [scored.deal_id], scored.as_of).get(scored.deal_id, {})
    first = ahead[0]
    return NextThreshold(
        first.threshold, first.label, first.stage, first.points_needed, later=ahead[1:],
        suggestions=suggestions(rules, fit_view(facts), events, deal_id=scored.deal_id),
    )  # fmt: skip


def suggestions(
    rules: list[RuleSpec], facts: dict[str, Any], events: dict[str, list[float]], *, deal_id: int
) -> list[Suggestion]:
    """The rules that could add points now, most points first."""
    matched_fields = {r.field for r in rules if r.kind == "fit" and fit_matches(r, facts)}
    found = []
    for rule in rules:
        if rule.points <= 0:
            continue
        if rule.kind == "engagement":
            ages = events.get(rule.event or "", [])
            gain = engagement_points(rule, [*ages, 0.0]) - engagement_points(rule, ages)
            if gain > 0:
                how = f"salesflow log {deal_id} {rule.event} …"
                found.append(Suggestion(rule.name, "engagement", gain, how))
            continue
        field = rule.field or ""
        if field in matched_fields:
            continue  # the deal already earns points on this field: this rule is an alternative
        fact = facts.get(field)
        if fact is None or fact == "":
            what = f"record the {_WHOSE.get(field, 'deal')}'s {field}"
        elif field == "title":  # the deal can have another contact: the decision maker
            what = "a contact whose title matches"
        else:
            continue  # a known company size, source, … is not something to change
        found.append(Suggestion(rule.name, "fit", rule.points, f"{what} ({rule.describe()})"))
    return sorted(found, key=lambda s: (-s.points, s.kind != "engagement", s.rule))
