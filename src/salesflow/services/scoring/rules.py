"""Scoring rules: validating, storing, listing, removing, and loading/exporting them as TOML.

A fit rule rewards (or, with negative points, penalises) how well a deal fits the ideal customer
profile: `FIELD OP VALUE` over company, contact and deal fields (`contains` takes one piece of
text, or in a rules file an array: any of them). An engagement rule gives points per logged
event, optionally decaying by half every `half_life` days, counted only `within` days back, and
capped at `max` in total.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from salesflow.clock import now_utc
from salesflow.errors import InvalidInput, NotFound

if TYPE_CHECKING:
    from sqlmodel import Session

    from salesflow.db.reader import Reader
    from salesflow.models import ScoringRule

# The table model is imported inside the functions that write rules: reading them (to score a
# deal on the light read path) needs only SQL.

TEXT_FIELDS = (
    "industry",
    "country",
    "company",
    "title",
    "email",
    "email_domain",
    "source",
    "currency",
    "owner",
)
NUMBER_FIELDS = ("employees", "value")
FIT_FIELDS = TEXT_FIELDS + NUMBER_FIELDS
OPS = ("eq", "ne", "in", "gte", "lte", "contains")


@dataclass(frozen=True)
class RuleSpec:
    """A validated rule, independent of storage."""

    name: str
    kind: str  # fit | engagement
    points: int
    field: str | None = None
    op: str | None = None
    value: str | Decimal | tuple[str, ...] | None = None
    event: str | None = None
    half_life: int | None = None
    max: int | None = None
    within: int | None = None

    def describe(self) -> str:
        """The rule in a few words, e.g. `source eq referral` or `demo_requested, half-life 30d`."""
        if self.kind == "fit":
            shown = ",".join(self.value) if isinstance(self.value, tuple) else self.value
            return f"{self.field} {self.op} {shown}"
        extras = [
            f"half-life {self.half_life}d" if self.half_life else "",
            f"max {self.max}" if self.max is not None else "",
            f"within {self.within}d" if self.within else "",
        ]
        return ", ".join([f"{self.points:+d} per {self.event}", *[e for e in extras if e]])


def _positive(name: str, value: Any, what: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise InvalidInput(f"rule {name!r}: {what} must be a whole number above 0, not {value!r}")
    return value


def fit_rule(name: str, field: str, op: str, value: Any, points: Any) -> RuleSpec:
    """Validate a fit rule."""
    name = _name(name)
    field, op = field.strip().lower(), op.strip().lower()
    if field not in FIT_FIELDS:
        raise InvalidInput(f"unknown field {field!r}", hint=f"fields: {', '.join(FIT_FIELDS)}")
    if op not in OPS:
        raise InvalidInput(f"unknown operator {op!r}", hint=f"operators: {', '.join(OPS)}")
    parsed: str | Decimal | tuple[str, ...]
    if op in ("gte", "lte"):
        if field not in NUMBER_FIELDS:
            raise InvalidInput(
                f"{op} compares numbers; {field} is text", hint="use eq, ne, in or contains"
            )
        try:
            parsed = Decimal(str(value).replace(",", "").strip())
        except InvalidOperation:
            raise InvalidInput(f"{op} needs a number, not {value!r}") from None
        if not parsed.is_finite():
            raise InvalidInput(f"{op} needs a finite number, not {value!r}")
    elif op == "in" or (op == "contains" and isinstance(value, list | tuple)):
        # `in`: one of these values; `contains` with a list (a rules file's array): any of these
        # pieces. A plain text `contains` value is one piece, commas included.
        if op == "contains" and field in NUMBER_FIELDS:
            raise InvalidInput(f"contains with a list compares text; {field} is a number")
        items = value if isinstance(value, list | tuple) else str(value).split(",")
        parsed = tuple(str(v).strip() for v in items if str(v).strip())
        if not parsed:
            raise InvalidInput(f"`{op}` needs a comma-separated list of values")
        for item in parsed:
            _one_line(item, "value")
    else:
        if isinstance(value, list | tuple | dict):
            raise InvalidInput(f"{op} needs one value, not a list")
        parsed = str(value).strip()
        if not parsed:
            raise InvalidInput("the rule's value is empty")
        _one_line(parsed, "value")
        if field in NUMBER_FIELDS and op in ("eq", "ne"):
            try:
                parsed = Decimal(parsed)
            except InvalidOperation:
                raise InvalidInput(f"{field} is a number; {value!r} is not") from None
    return RuleSpec(
        name=name, kind="fit", points=_points(name, points), field=field, op=op, value=parsed
    )


def engagement_rule(
    name: str, event: str, points: Any, half_life: Any = None, cap: Any = None, within: Any = None
) -> RuleSpec:
    """Validate an engagement rule."""
    name = _name(name)
    event = event.strip().lower()
    from salesflow.services.deals.activities import ALL_TYPES

    if event not in ALL_TYPES:
        raise InvalidInput(f"unknown event {event!r}", hint=f"events: {', '.join(ALL_TYPES)}")
    return RuleSpec(
        name=name,
        kind="engagement",
        points=_points(name, points),
        event=event,
        half_life=_positive(name, half_life, "half-life"),
        max=_positive(name, cap, "max"),
        within=_positive(name, within, "within"),
    )


def _name(name: str) -> str:
    clean = str(name).strip()
    if not clean or len(clean) > 100:
        raise InvalidInput("a rule needs a name of 1 to 100 characters")
    _one_line(clean, "name")
    return clean


def _one_line(text: str, what: str) -> None:
    """Rule names and values come from files too: one line, no control characters."""
    if not text.isprintable() and any(ord(c) < 0xA0 and not c.isprintable() for c in text):
        raise InvalidInput(f"the rule's {what} {text!r} contains a control character or line break")


def _points(name: str, points: Any) -> int:
    if isinstance(points, bool) or not isinstance(points, int):
        raise InvalidInput(f"rule {name!r}: points must be a whole number, not {points!r}")
    if points == 0 or abs(points) > 1000:
        raise InvalidInput(f"rule {name!r}: points must be between -1000 and 1000, and not 0")
    return points


def _to_row(spec: RuleSpec) -> ScoringRule:
    from salesflow.models import ScoringRule

    value: str | None = None
    if spec.value is not None:
        raw: Any = list(spec.value) if isinstance(spec.value, tuple) else str(spec.value)
        value = json.dumps(raw)
    return ScoringRule(
        name=spec.name,
        kind=spec.kind,
        field=spec.field,
        op=spec.op,
        value=value,
        event=spec.event,
        points=spec.points,
        half_life_days=spec.half_life,
        max_points=spec.max,
        within_days=spec.within,
        created_at=now_utc(),
    )


def _from_columns(
    name: str, kind: str, points: int, field: str | None, op: str | None, value_json: str | None,
    event: str | None, half_life: int | None, max_points: int | None, within: int | None,
) -> RuleSpec:  # fmt: skip
    """A stored rule (its columns in `list_rules`' order) back as a spec."""
    value: str | Decimal | tuple[str, ...] | None = None
    if value_json is not None:
        raw = json.loads(value_json)
        if isinstance(raw, list):
            value = tuple(raw)
        elif field in NUMBER_FIELDS:
            value = Decimal(raw)
        else:
            value = raw
    return RuleSpec(
        name=name,
        kind=kind,
        points=points,
        field=field,
        op=op,
        value=value,
        event=event,
        half_life=half_life,
        max=max_points,
        within=within,
    )


def add_rule(spec: RuleSpec, *, session: Session) -> None:
    """Store a new rule; names are unique."""
    from sqlmodel import select

    from salesflow.models import ScoringRule

    if session.exec(select(ScoringRule.id).where(ScoringRule.name == spec.name)).first():
        raise InvalidInput(
            f"a rule named {spec.name!r} exists", hint="remove it first or pick another name"
        )
    session.add(_to_row(spec))
    session.flush()


def list_rules(*, reader: Reader) -> list[RuleSpec]:
    """Every rule: fit rules first, then engagement, each by name."""
    rows = reader.rows(
        "SELECT name, kind, points, field, op, value, event, half_life_days, max_points,"
        " within_days FROM scoring_rules ORDER BY kind DESC, name"
    )
    return [_from_columns(*row) for row in rows]


def remove_rule(name: str, *, session: Session) -> None:
    """Delete a rule by name."""
    from sqlmodel import select

    from salesflow.models import ScoringRule

    row = session.exec(select(ScoringRule).where(ScoringRule.name == name.strip())).first()
    if row is None:
        raise NotFound(f"no rule named {name!r}", hint="`salesflow rule list` shows them")
    session.delete(row)
    session.flush()


def parse_rules(text: str, source: str = "rules file") -> list[RuleSpec]:
    """Rules from TOML (`[[rules]]` tables); errors name the rule."""
    from salesflow.services.toml_files import toml_data

    data = toml_data(text, source)
    unknown = set(data) - {"rules"}
    if unknown:
        raise InvalidInput(
            f"{source}: unknown top-level key {sorted(unknown)[0]!r}", hint="use [[rules]]"
        )
    rules = data.get("rules", [])
    if not isinstance(rules, list):
        raise InvalidInput(f"{source}: `rules` must be an array of tables ([[rules]])")
    specs, seen = [], set()
    allowed = {
        "name",
        "kind",
        "field",
        "op",
        "value",
        "event",
        "points",
        "half_life",
        "max",
        "within",
    }
    for index, item in enumerate(rules, start=1):
        where = f"{source}: rule {index}"
        if not isinstance(item, dict):
            raise InvalidInput(f"{where}: must be a table")
        extra = set(item) - allowed
        if extra:
            raise InvalidInput(f"{where}: unknown key {sorted(extra)[0]!r}")
        try:
            kind = item.get("kind") or ("engagement" if "event" in item else "fit")
            if kind == "fit":
                for key in ("field", "op", "value"):
                    if key not in item:
                        raise InvalidInput(f"a fit rule needs `{key}`")
                spec = fit_rule(
                    item.get("name", ""),
                    item["field"],
                    item["op"],
                    item["value"],
                    item.get("points"),
                )
            elif kind == "engagement":
                if "event" not in item:
                    raise InvalidInput("an engagement rule needs `event`")
                spec = engagement_rule(
                    item.get("name", ""),
                    item["event"],
                    item.get("points"),
                    item.get("half_life"),
                    item.get("max"),
                    item.get("within"),
                )
            else:
                raise InvalidInput(f"kind must be fit or engagement, not {kind!r}")
        except InvalidInput as exc:
            raise InvalidInput(
                f"{where} ({item.get('name', '?')}): {exc.message}", hint=exc.hint
            ) from None
        if spec.name in seen:
            raise InvalidInput(f"{where}: the name {spec.name!r} appears twice")
        seen.add(spec.name)
        specs.append(spec)
    return specs


def load_rules(specs: list[RuleSpec], *, replace: bool, session: Session) -> int:
    """Add the rules (all or none); with `replace`, the current rules go first."""
    from sqlmodel import delete

    from salesflow.models import ScoringRule

    if replace:
        session.exec(delete(ScoringRule))
    for spec in specs:
        add_rule(spec, session=session)
    return len(specs)


def export_rules(specs: list[RuleSpec]) -> str:
    """The rules as TOML that `rule load` reads back unchanged."""
    import tomli_w

    rules: list[dict[str, Any]] = []
    for spec in specs:
        item: dict[str, Any] = {"name": spec.name, "kind": spec.kind}
        if spec.kind == "fit":
            value: Any = spec.value
            if isinstance(value, tuple):
                value = list(value)
            elif isinstance(value, Decimal):
                value = int(value) if value == value.to_integral_value() else str(value)
            item |= {"field": spec.field, "op": spec.op, "value": value}
        else:
            item["event"] = spec.event
        item["points"] = spec.points
        for key in ("half_life", "max", "within"):
            if getattr(spec, key) is not None:
                item[key] = getattr(spec, key)
        rules.append(item)
    return tomli_w.dumps({"rules": rules})


def default_rules_toml() -> str:
    """The TOML text of the built-in rule set (also in examples/rules.toml)."""
    from importlib import resources

    return resources.files("salesflow.data").joinpath("rules.toml").read_text(encoding="utf-8")


def install_default_rules(*, session: Session) -> int:
    """Install the built-in rules into a database that has none."""
    from sqlmodel import select

    from salesflow.models import ScoringRule

    if session.exec(select(ScoringRule.id)).first() is not None:
        return 0
    return load_rules(
        parse_rules(default_rules_toml(), "built-in rules"), replace=False, session=session
    )
