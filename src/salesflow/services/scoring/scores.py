"""Scores: how well a deal fits (fit rules) plus how it engages (engagement rules), as of now.

Every rule's contribution is rounded half-up to a whole point, and the score is their sum, so an
explanation always adds up. Engagement decays continuously: an event `d` days old is worth
`points × 0.5^(d / half_life)`. A rule's total is capped at `max` (in magnitude). Scoring many
deals is one pass: one query for the facts, one for the events, then arithmetic in Python. The
queries are plain SQL through a `Reader`, so the deal card scores on the light read path too.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, LiteralString

from salesflow.clock import now_utc
from salesflow.db.reader import Reader, compose, in_list
from salesflow.domain.deals import DealStatus
from salesflow.services.scoring.rules import NUMBER_FIELDS, RuleSpec, list_rules
from salesflow.words import plural

# Beyond this many ids, scoring reads every deal instead of sending a long IN list.
_IN_LIMIT = 500


@dataclass(frozen=True)
class ScorePart:
    """One rule's contribution to a score."""

    rule: str
    kind: str
    points: int
    detail: str


@dataclass(frozen=True)
class DealScore:
    """A deal's score as of a moment, split into fit and engagement, with its lifecycle label."""

    deal_id: int
    title: str
    score: int
    fit: int
    engagement: int
    lifecycle: str
    as_of: datetime
    parts: list[ScorePart]


def _round(value: float | Decimal) -> int:
    return int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def fit_matches(rule: RuleSpec, facts: dict[str, Any]) -> bool:
    """Whether a deal's facts satisfy a fit rule. An unknown fact never matches."""
    fact = facts.get(rule.field or "")
    if fact is None or fact == "":
        return False
    if rule.field in NUMBER_FIELDS:
        number, target = Decimal(fact), rule.value
        if rule.op == "in":
            assert isinstance(target, tuple)
            return any(_same_number(number, v) for v in target)
        assert isinstance(target, Decimal)
        return {
            "eq": number == target,
            "ne": number != target,
            "gte": number >= target,
            "lte": number <= target,
            "contains": str(target) in str(number),
        }[rule.op or "eq"]
    text = str(fact).casefold()
    if rule.op == "in":
        assert isinstance(rule.value, tuple)
        return text in {v.casefold() for v in rule.value}
    if rule.op == "contains" and isinstance(rule.value, tuple):
        return any(v.casefold() in text for v in rule.value)
    target_text = str(rule.value).casefold()
    return {"eq": text == target_text, "ne": text != target_text, "contains": target_text in text}[
        rule.op or "eq"
    ]


def _same_number(number: Decimal, text: str) -> bool:
    try:
        return number == Decimal(text)
    except ArithmeticError:
        return False


def engagement_total(rule: RuleSpec, ages_days: list[float]) -> float:
    """The unrounded, capped contribution of events that happened `ages_days` ago."""
    total = 0.0
    for age in ages_days:
        if age < 0 or (rule.within is not None and age > rule.within):
            continue
        factor = 0.5 ** (age / rule.half_life) if rule.half_life else 1.0
        total += rule.points * factor
    if rule.max is not None:
        total = min(total, rule.max) if rule.points > 0 else max(total, -rule.max)
    return total


def engagement_points(rule: RuleSpec, ages_days: list[float]) -> int:
    """An engagement rule's whole-point contribution for events `ages_days` old."""
    return _round(engagement_total(rule, ages_days))


def score_parts(
    rules: list[RuleSpec], facts: dict[str, Any], events: dict[str, list[float]]
) -> list[ScorePart]:
    """Every rule that contributes to this deal, with its whole-point contribution."""
    parts = []
    for rule in rules:
        if rule.kind == "fit":
            if fit_matches(rule, facts):
                parts.append(ScorePart(rule.name, "fit", rule.points, rule.describe()))
            continue
        ages = events.get(rule.event or "", [])
        points = engagement_points(rule, ages)
        if points:
            counted = sum(1 for a in ages if a >= 0 and (rule.within is None or a <= rule.within))
            detail = f"{rule.describe()}; {plural(counted, 'event')}"
            parts.append(ScorePart(rule.name, "engagement", points, detail))
    return parts


def lifecycle_label(
    *,
    status: str,
    position: int,
    opportunity_from: int | None,
    score: int,
    mql: int | None,
    sql: int | None,
) -> str:
    """lead → mql → sql by thresholds; opportunity from the qualifying stage on; customer if won."""
    if status == DealStatus.WON:
        return "customer"
    if status == DealStatus.OPEN and opportunity_from is not None and position >= opportunity_from:
        return "opportunity"
    if sql is not None and score >= sql:
        return "sql"
    if mql is not None and score >= mql:
        return "mql"
    return "lead"


# A deal (d) with its stage (st), pipeline (p), company (c) and contact (ct), every deal once;
# the lists that show deals select from this too. Conditions follow as " AND …".
DEALS_WITH_PARTIES: LiteralString = """
FROM deals d
JOIN stages st ON st.id = d.stage_id
JOIN pipelines p ON p.id = d.pipeline_id
LEFT JOIN companies c ON c.id = d.company_id
LEFT JOIN contacts ct ON ct.id = d.contact_id
WHERE 1 = 1
"""
_FACTS = compose(
    """
SELECT d.id, d.title, d.status, d.value_minor, d.currency, d.source, d.owner, d.pipeline_id,
       st.position, p.mql, p.sql, c.name, c.industry, c.employees, c.country, ct.title, ct.email
""",
    DEALS_WITH_PARTIES,
)


def deal_facts(reader: Reader, deal_ids: list[int] | None, open_only: bool) -> list[dict[str, Any]]:
    """The facts fit rules look at, one dict per deal (`title` is the deal's, `title_` the
    contact's; `fit_view` turns it into what the rules see)."""
    from salesflow.parsing.money import from_minor

    sql: LiteralString = _FACTS
    params: dict[str, Any] = {}
    if deal_ids is not None and len(deal_ids) <= _IN_LIMIT:
        if not deal_ids:
            return []
        listed, params = in_list("d", deal_ids)
        sql = compose(sql, " AND d.id", listed)
    if open_only:
        sql = compose(sql, " AND d.status = 'open'")
    wanted = set(deal_ids) if deal_ids is not None else None
    rows = []
    for r in reader.rows(sql, **params):
        if wanted is not None and r[0] not in wanted:
            continue
        email = r[16]
        rows.append(
            {
                "id": r[0],
                "title": r[1],
                "status": r[2],
                "value": from_minor(r[3], r[4]),
                "currency": r[4],
                "source": r[5],
                "owner": r[6],
                "pipeline_id": r[7],
                "position": r[8],
                "mql": r[9],
                "sql": r[10],
                "company": r[11],
                "industry": r[12],
                "employees": r[13],
                "country": r[14],
                "title_": r[15],
                "email": email,
                "email_domain": email.rsplit("@", 1)[-1] if email and "@" in email else None,
            }
        )
    return rows


def fit_view(facts: dict[str, Any]) -> dict[str, Any]:
    """A deal's facts as fit rules see them: `title` is the contact's job title."""
    return {**facts, "title": facts["title_"]}


def deal_events(
    reader: Reader, rules: list[RuleSpec], deal_ids: list[int] | None, now: datetime
) -> dict[int, dict[str, list[float]]]:
    """Per deal and event type, the ages in days (as of `now`) of the events the engagement
    rules count."""
    from salesflow.db.reader import as_datetime

    kinds = sorted({r.event for r in rules if r.kind == "engagement" and r.event})
    found: dict[int, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    if not kinds:
        return found
    in_kinds, kind_params = in_list("k", kinds)
    sql = compose("SELECT deal_id, type, at FROM activities WHERE type", in_kinds,
                  " AND at <= :now")  # fmt: skip
    params: dict[str, Any] = {"now": now, **kind_params}
    windows = [r.within for r in rules if r.kind == "engagement"]
    if all(w is not None for w in windows):
        sql = compose(sql, " AND at >= :since")
        params["since"] = now - timedelta(days=max(w or 0 for w in windows))
    if deal_ids is not None and len(deal_ids) <= _IN_LIMIT:
        if not deal_ids:
            return found
        listed, ids = in_list("d", deal_ids)
        sql = compose(sql, " AND deal_id", listed)
        params |= ids
    for deal_id, kind, at in reader.rows(sql, **params):
        moment = as_datetime(at)
        assert moment is not None
        found[deal_id][kind].append((now - moment).total_seconds() / 86400)
    return found


def _opportunity_positions(reader: Reader) -> dict[int, int | None]:
    """Per pipeline, the position of the stage from which a deal is an opportunity
    (`domain.stages.qualifying_index`)."""
    from salesflow.domain.stages import qualifying_index

    stages: dict[int, list[tuple[str, int | None, int]]] = defaultdict(list)
    for pipeline_id, key, min_score, position in reader.rows(
        "SELECT pipeline_id, key, min_score, position FROM stages WHERE kind = 'open'"
        " ORDER BY position"
    ):
        stages[pipeline_id].append((key, min_score, position))
    return {
        pipeline_id: open_stages[qualifying_index([(k, g) for k, g, _ in open_stages])][2]
        for pipeline_id, open_stages in stages.items()
    }


def score_deals(
    *,
    reader: Reader,
    deal_ids: list[int] | None = None,
    open_only: bool = False,
    rules: list[RuleSpec] | None = None,
    now: datetime | None = None,
) -> dict[int, DealScore]:
    """Scores of the given deals (or all), in one pass, under the stored rules as of now (or
    the `rules` and `now` given: a caller scoring in several passes keeps them the same). A
    service holding an ORM session passes `reader_for(session)`."""
    now = now or now_utc()
    rules = list_rules(reader=reader) if rules is None else rules
    facts = deal_facts(reader, deal_ids, open_only)
    events = deal_events(reader, rules, deal_ids, now) if rules else {}
    opportunity = _opportunity_positions(reader)
    scores = {}
    for f in facts:
        parts = score_parts(rules, fit_view(f), events.get(f["id"], {}))
        fit = sum(p.points for p in parts if p.kind == "fit")
        engagement = sum(p.points for p in parts if p.kind == "engagement")
        label = lifecycle_label(
            status=f["status"],
            position=f["position"],
            opportunity_from=opportunity.get(f["pipeline_id"]),
            score=fit + engagement,
            mql=f["mql"],
            sql=f["sql"],
        )
        scores[f["id"]] = DealScore(
            f["id"], f["title"], fit + engagement, fit, engagement, label, now, parts
        )
    return scores


def score_of(deal_id: int, *, reader: Reader) -> DealScore:
    """One deal's score."""
    from salesflow.errors import NotFound

    found = score_deals(reader=reader, deal_ids=[deal_id]).get(deal_id)
    if found is None:
        raise NotFound(f"no deal #{deal_id}")
    return found
