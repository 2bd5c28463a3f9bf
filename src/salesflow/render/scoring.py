"""Scoring rules and scores on screen and in JSON."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from salesflow.render.formats import when_json
from salesflow.render.output import Column, Output
from salesflow.services.scoring.rules import RuleSpec
from salesflow.services.scoring.scores import DealScore
from salesflow.services.scoring.to_next import NextThreshold, Threshold
from salesflow.words import plural

RULE_COLUMNS = ["name", "kind", "points", "field", "op", "value", "event", "half_life", "max",
                "within"]  # fmt: skip


def rule_json(rule: RuleSpec) -> dict[str, Any]:
    """A rule's JSON keys (`name`, `kind`, `points`, then its own)."""
    value: Any = rule.value
    if isinstance(value, tuple):
        value = list(value)
    elif isinstance(value, Decimal):
        value = str(value)
    data: dict[str, Any] = {"name": rule.name, "kind": rule.kind, "points": rule.points}
    if rule.kind == "fit":
        data |= {"field": rule.field, "op": rule.op, "value": value}
    else:
        data |= {"event": rule.event, "half_life": rule.half_life, "max": rule.max,
                 "within": rule.within}  # fmt: skip
    return data


def show_rules(out: Output, rules: list[RuleSpec]) -> None:
    """`rule list` for people."""
    if not rules:
        out.line("No scoring rules: add one with `salesflow rule add`.")
        return
    out.table(
        [Column("name"), Column("kind"), Column("points", True), Column("rule")],
        [[r.name, r.kind, f"{r.points:+d}", r.describe()] for r in rules],
    )


def to_next_json(ahead: NextThreshold | None) -> dict[str, Any] | None:
    """`score DEAL --json`'s `to_next`: the next threshold, the ones after it (`later`) and the
    rules that could add points now (`suggestions`)."""
    if ahead is None:
        return None
    return {
        **_threshold_json(ahead),
        "later": [_threshold_json(t) for t in ahead.later],
        "suggestions": [
            {"rule": s.rule, "kind": s.kind, "points": s.points, "how": s.how}
            for s in ahead.suggestions
        ],
    }


def _threshold_json(t: Threshold) -> dict[str, Any]:
    return {"threshold": t.threshold, "label": t.label, "stage": t.stage,
            "points_needed": t.points_needed}  # fmt: skip


def score_json(scored: DealScore, *, parts: bool = True) -> dict[str, Any]:
    """`score --json`: the contract's keys."""
    data: dict[str, Any] = {
        "deal_id": scored.deal_id,
        "deal": scored.title,
        "score": scored.score,
        "fit": scored.fit,
        "engagement": scored.engagement,
        "lifecycle": scored.lifecycle,
        "as_of": when_json(scored.as_of),
    }
    if parts:
        data["parts"] = [
            {"rule": p.rule, "kind": p.kind, "points": p.points, "detail": p.detail}
            for p in scored.parts
        ]
    return data


def show_score(
    out: Output, scored: DealScore, *, explain: bool, ahead: NextThreshold | None = None
) -> None:
    """One deal's score; with `explain`, every rule's contribution and the sum, then what would
    get it over the next threshold (`ahead`)."""
    out.line(
        f"#{scored.deal_id} {scored.title}: score {scored.score} "
        f"(fit {scored.fit}, engagement {scored.engagement}) · {scored.lifecycle}",
        style="bold",
    )
    if not explain:
        return
    if not scored.parts:
        out.line("No rule applies to this deal.")
    else:
        out.table(
            [Column("rule"), Column("kind"), Column("points", True), Column("why")],
            [[p.rule, p.kind, f"{p.points:+d}", p.detail] for p in scored.parts]
            + [["total", "", str(scored.score), ""]],
        )
    if ahead is not None:
        _show_ahead(out, ahead)


def _threshold_text(t: Threshold) -> str:
    """`60 (sql, to enter Qualified)`, `50 (the gate into Vetted)`, `40 (mql)`."""
    if t.label == "gate":
        return f"{t.threshold} (the gate into {t.stage})"
    return f"{t.threshold} ({t.label}{f', to enter {t.stage}' if t.stage else ''})"


def _show_ahead(out: Output, ahead: NextThreshold) -> None:
    then = "".join(f"; then {_threshold_text(t)}, {t.points_needed} to go" for t in ahead.later)
    line = f"Next: {_threshold_text(ahead)}: {plural(ahead.points_needed, 'point')} to go{then}."
    if not ahead.suggestions:
        out.line(f"{line} No rule can add points now.")
        return
    out.line(f"{line} What would add points:")
    out.table(
        [Column("rule"), Column("kind"), Column("points", True), Column("how")],
        [[s.rule, s.kind, f"{s.points:+d}", s.how] for s in ahead.suggestions],
    )


def show_scores(out: Output, ranked: list[DealScore]) -> None:
    """`score --all`: best first."""
    if not ranked:
        out.line("No open deals.")
        return
    out.table(
        [
            Column("id", True),
            Column("deal"),
            Column("score", True),
            Column("fit", True),
            Column("engagement", True),
            Column("lifecycle"),
        ],  # fmt: skip
        [[s.deal_id, s.title, s.score, s.fit, s.engagement, s.lifecycle] for s in ranked],
    )
