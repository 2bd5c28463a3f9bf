"""A ceiling on every deal's score, in SQL: no deal scores more than its ceiling, right now.

`lead list --sort score --limit N` must not score every deal in Python (a million deals, a
million dicts). It reads deals in order of this ceiling instead, scores them exactly in batches
(`services.scoring.scores`, the one scoring rule), and stops as soon as no deal left can reach
the N-th score found (`services.scoring.ranking`). The ceiling only has to be a true upper bound;
the closer it is, the fewer deals are scored:

- a fit rule with positive points counts when its condition *may* hold. For text the rules
  compare case-folded (`str.casefold`); SQL's ASCII case folding agrees with that on ASCII
  text, so a value that is all ASCII is compared exactly and any other counts as a possible
  match. Numbers are compared exactly for the employee count (a whole number) and counted as
  possible for the deal's value (its minor units depend on the currency);
- an engagement rule with positive points counts each event of its kind at full points, as if
  none had decayed, within its `within` window, up to its `max`: decay only ever lowers that;
- rules with negative points count 0 (they can only lower a score).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import TYPE_CHECKING, Any, LiteralString

from salesflow.db.reader import compose, in_list, like_pattern

if TYPE_CHECKING:  # the rules' shape only: a query does not depend on the service
    from salesflow.services.scoring.rules import RuleSpec

# The column of each fact a fit rule can name (the rules' `title` is the contact's job title),
# over `d` deals, `c` companies and `ct` contacts (as in scores.DEALS_WITH_PARTIES).
FIT_COLUMNS: dict[str, LiteralString] = {
    "industry": "c.industry",
    "country": "c.country",
    "company": "c.name",
    "title": "ct.title",
    "email": "ct.email",
    "email_domain": "ct.email",
    "source": "d.source",
    "currency": "d.currency",
    "owner": "d.owner",
    "employees": "c.employees",
    "value": "d.value_minor",
}
# The deals the ceiling is worked out over, with the parties its fit rules look at.
DEALS_AND_PARTIES: LiteralString = """
FROM deals d
LEFT JOIN companies c ON c.id = d.company_id
LEFT JOIN contacts ct ON ct.id = d.contact_id"""
_FALSE: LiteralString = "1 = 0"
_INT64 = 2**63
_TRUE: LiteralString = "1 = 1"


class Ceiling:
    """The ceiling as SQL text over `d`, `c`, `ct` (DEALS_AND_PARTIES, then the `ev` join it
    brings), with its parameters: `points` is the ceiling itself, `join` follows the FROM."""

    def __init__(self, rules: list[RuleSpec], now: datetime, *, sqlite: bool) -> None:
        """The ceiling under `rules` at `now`: the same rules and moment the exact scores of
        its candidates must be worked out with."""
        self.params: dict[str, Any] = {}
        self._sqlite = sqlite
        fit = [self._fit(rule, f"r{i}") for i, rule in enumerate(rules)
               if rule.kind == "fit" and rule.points > 0]  # fmt: skip
        events = [(rule, f"e{i}") for i, rule in enumerate(rules)
                  if rule.kind == "engagement" and rule.points > 0 and rule.event]  # fmt: skip
        self.join: LiteralString = ""
        parts: list[LiteralString] = list(fit)
        if events:
            self.join = self._events_join(events, now)
            parts.append("COALESCE(ev.points, 0)")
        self.points: LiteralString = compose("(", " + ".join(parts) or "0", ")")

    def _fit(self, rule: RuleSpec, name: str) -> LiteralString:
        assert rule.field is not None
        column = FIT_COLUMNS[rule.field]
        self.params[name] = rule.points
        if rule.field == "employees":
            condition = self._whole_number(column, rule, name)
        elif rule.field == "value":
            condition = compose(column, " IS NOT NULL")
        else:
            condition = self._text(column, rule, name)
        return compose("CASE WHEN ", condition, " THEN :", name, " ELSE 0 END")

    def _whole_number(self, column: LiteralString, rule: RuleSpec, name: str) -> LiteralString:
        """The rule over a whole-number column, exactly where that is plain, else "maybe"."""
        known = compose(column, " IS NOT NULL")
        target = rule.value
        if (not isinstance(target, Decimal) or rule.op not in ("eq", "ne", "gte", "lte")
                or not target.is_finite() or abs(target) >= _INT64):  # fmt: skip
            return known  # "maybe": beyond what a database integer holds, or not a number
        bound = f"{name}v"
        if rule.op == "gte":  # a whole n >= t exactly when n >= ceil(t)
            self.params[bound] = int(target.to_integral_value(rounding=ROUND_CEILING))
            return compose(column, " >= :", bound)
        if rule.op == "lte":  # and n <= t exactly when n <= floor(t)
            self.params[bound] = int(target.to_integral_value(rounding=ROUND_FLOOR))
            return compose(column, " <= :", bound)
        if target != target.to_integral_value():
            return _FALSE if rule.op == "eq" else known
        self.params[bound] = int(target)
        return compose(column, " = :" if rule.op == "eq" else " <> :", bound)

    def _text(self, column: LiteralString, rule: RuleSpec, name: str) -> LiteralString:
        """May the case-folded text of `column` satisfy the rule? Exact on ASCII text."""
        raw = rule.value if isinstance(rule.value, tuple) else (str(rule.value),)
        folded = [value.casefold() for value in raw]
        ascii_values = [value for value in folded if value.isascii()]
        # the column as ASCII-folded text, to compare (=, <>, IN) and to match (LIKE): SQLite's
        # NOCASE and LIKE fold ASCII letters only; PostgreSQL's lower under the C collation too
        compared: LiteralString = (
            compose(column, " COLLATE NOCASE") if self._sqlite
            else compose("lower(", column, ' COLLATE "C")')
        )  # fmt: skip
        matched: LiteralString = column if self._sqlite else compared
        domain = rule.field == "email_domain"
        if rule.op == "ne":
            matches = _TRUE if domain or not ascii_values else compose(compared, " <> :", name, "t")
            if not domain and ascii_values:
                self.params[f"{name}t"] = ascii_values[0]
        elif rule.op in ("eq", "in") and not domain:
            listed, values = in_list(f"{name}t", ascii_values)
            matches = compose(compared, listed) if ascii_values else _FALSE
            self.params |= values
        else:  # contains, or a domain compared as the end of the address
            likes: list[LiteralString] = []
            for i, value in enumerate(v for v in ascii_values if not (domain and "@" in v)):
                param = f"{name}t{i}"
                escaped = like_pattern(value)[1:-1]
                if domain:
                    whole = rule.op in ("eq", "in")
                    self.params[param] = "%@" + (escaped if whole else f"%{escaped}%")
                else:
                    self.params[param] = f"%{escaped}%"
                likes.append(compose(matched, " LIKE :", param, " ESCAPE '\\'"))
            matches = compose("(", " OR ".join(likes), ")") if likes else _FALSE
        not_ascii: LiteralString = (
            compose(column, " GLOB '*[^ -~]*'") if self._sqlite else compose(column, " ~ '[^ -~]'")
        )
        has_text = compose(column, " IS NOT NULL AND ", column, " <> ''")
        if domain:
            has_text = compose(has_text, " AND ", column, " LIKE '%@%'")
        return compose("(", has_text, " AND (", not_ascii, " OR ", matches, "))")

    def _events_join(self, events: list[tuple[RuleSpec, str]], now: datetime) -> LiteralString:
        """Per deal, each positive engagement rule's events at full points, capped."""
        self.params["ev_now"] = now
        capped: list[LiteralString] = []
        kinds = []
        for rule, name in events:
            assert rule.event is not None
            kinds.append(rule.event)
            self.params[f"{name}k"] = rule.event
            self.params[name] = rule.points
            counted = compose("a.type = :", name, "k")
            if rule.within is not None:
                self.params[f"{name}s"] = now - timedelta(days=rule.within)
                counted = compose(counted, " AND a.at >= :", name, "s")
            total = compose(":", name, " * sum(CASE WHEN ", counted, " THEN 1 ELSE 0 END)")
            if rule.max is not None:
                self.params[f"{name}m"] = rule.max
                total = compose("CASE WHEN ", total, " < :", name, "m THEN ", total,
                                " ELSE :", name, "m END")  # fmt: skip
            capped.append(total)
        listed, values = in_list("evk", sorted(set(kinds)))
        self.params |= values
        return compose(
            "\nLEFT JOIN (SELECT a.deal_id AS deal_id, ", " + ".join(capped),
            " AS points FROM activities a WHERE a.type", listed, " AND a.at <= :ev_now",
            " GROUP BY a.deal_id) ev ON ev.deal_id = d.id",
        )  # fmt: skip
