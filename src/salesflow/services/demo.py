"""The demo database: a believable, reproducible sales team's last nine months.

`build_demo` fills an empty database with companies, contacts, deals in the default pipeline,
each deal's whole stage history (with its stay columns, see `db.stays`), close outcomes and
follow-ups. Everything is drawn from one `random.Random(seed)` and every date counts back from
the clock, so the same size, seed and `SALESFLOW_NOW` give the same rows, ids included.

It doubles as the benchmark data generator (`demo --size 100000`), so rows go in through
SQLAlchemy Core bulk inserts with ids assigned here, a chunk of deals at a time, never as ORM
objects one by one.
"""

from __future__ import annotations

import math
import random
from bisect import bisect
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import accumulate
from typing import TYPE_CHECKING, Any

from salesflow.clock import now_local, now_utc, to_local, today
from salesflow.config import DEFAULT_LOST_REASONS
from salesflow.db.stays import stay_columns
from salesflow.domain.companies import company_key, unique_key
from salesflow.errors import InvalidInput
from salesflow.models import CloseOutcome, Company, Contact, Deal, FollowUp, Stage, StageMove
from salesflow.parsing.dates import parse_date
from salesflow.services.deals.pipelines import get_pipeline, stages_of
from salesflow.words import plural

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection
    from sqlmodel import Session

SPAN_DAYS = 270  # deals were created over the past ~9 months
CHUNK = 5000  # deals generated and inserted per batch

REPS = ("ana", "ben", "chloe", "dev", "eli", "fay")

# source: (share of deals, conversion multiplier, stage-duration multiplier): warm converts better
SOURCES = {
    "referral": (0.12, 1.30, 0.80),
    "inbound": (0.30, 1.10, 0.90),
    "outbound": (0.33, 0.78, 1.15),
    "event": (0.13, 0.95, 1.00),
    "partner": (0.12, 1.20, 0.90),
}

# per open stage, by position: the chance to move on when a stay ends, and the median stay (days)
ADVANCE = (0.78, 0.64, 0.76, 0.70, 0.58)
MEDIAN_DAYS = (3.0, 5.0, 6.0, 8.0, 11.0)
STALL = 0.22  # of the deals that do not move on, the share left open (going stale), not lost
REGRESSION = 0.04  # from the third stage on: the chance of one step back before deciding

LOST_WEIGHTS = {  # reason weights early, mid and late in the pipeline
    "early": {"fit": 3, "timing": 3, "no-budget": 2, "no-decision": 3, "other": 1, "price": 0.5,
              "competitor": 0.5},
    "mid": {"price": 2, "timing": 2, "competitor": 2, "no-budget": 2, "no-decision": 2, "fit": 1,
            "other": 0.5},
    "late": {"price": 4, "competitor": 3, "no-decision": 2, "timing": 1, "no-budget": 1,
             "other": 0.5, "fit": 0.3},
}  # fmt: skip
COMPETITORS = ("Brightlane", "Corvex", "Tallyhawk", "Meridian Suite", "Quotient", "Nimbly")

# country: (weight, legal suffix, email domain ending, phone prefix, pays in EUR)
COUNTRIES = {
    "US": (38, "Inc", ".com", "+1", False),
    "GB": (12, "Ltd", ".co.uk", "+44", False),
    "DE": (9, "GmbH", ".de", "+49", True),
    "FR": (7, "SAS", ".fr", "+33", True),
    "CA": (6, "Inc", ".ca", "+1", False),
    "NL": (5, "B.V.", ".nl", "+31", True),
    "AU": (5, "Pty Ltd", ".com.au", "+61", False),
    "IN": (5, "Pvt Ltd", ".in", "+91", False),
    "SE": (4, "AB", ".se", "+46", False),
    "ES": (4, "S.L.", ".es", "+34", True),
    "IE": (3, "Ltd", ".ie", "+353", True),
    "FI": (2, "Oy", ".fi", "+358", True),
}
EUR_SHARE = 0.3  # of the deals with eurozone companies; the rest are quoted in USD
REGIONS = ("North", "Central", "West", "East", "South", "Metro", "Coastal", "Highland")

INDUSTRIES = {
    "Software": ("Software", "Labs", "Analytics", "Systems", "Cloud", "Digital"),
    "Manufacturing": ("Manufacturing", "Industries", "Components", "Machinery", "Tooling"),
    "Healthcare": ("Health", "Medical", "Clinics", "Care", "Diagnostics"),
    "Retail": ("Retail", "Outfitters", "Market", "Stores", "Goods"),
    "Logistics": ("Logistics", "Freight", "Shipping", "Transport", "Cargo"),
    "Financial Services": ("Capital", "Finance", "Insurance", "Advisors", "Payments"),
    "Education": ("Learning", "Academy", "Education", "Institute"),
    "Construction": ("Construction", "Builders", "Engineering", "Structures"),
    "Media": ("Media", "Studios", "Publishing", "Creative"),
    "Energy": ("Energy", "Power", "Solar", "Renewables"),
    "Hospitality": ("Hotels", "Hospitality", "Resorts", "Foods"),
    "Professional Services": ("Consulting", "Group", "Associates", "Advisory"),
}
NAME_HEADS = (
    "North", "Blue", "Silver", "Red", "Green", "Bright", "Clear", "Iron", "Oak", "Pine", "Stone",
    "River", "Sun", "Star", "Cloud", "Swift", "True", "Summit", "Harbor", "Maple", "Cedar",
    "Falcon", "Nova", "Apex", "Atlas", "Orbit", "Vertex", "Polar", "Coral", "Amber", "Golden",
    "Lake", "Hill", "West", "High", "Deep", "Open", "Bold", "Wild", "Birch", "Willow", "Granite",
)  # fmt: skip
NAME_TAILS = (
    "wind", "field", "gate", "bridge", "point", "peak", "wood", "view", "line", "path", "wave",
    "light", "works", "craft", "port", "ridge", "brook", "crest", "forge", "well", "haven",
    "mark", "shore", "vale", "rock", "bay", "dale", "hurst",
)  # fmt: skip
FIRST_NAMES = (
    "James", "Mary", "Robert", "Linda", "Michael", "Sarah", "David", "Emma", "Daniel", "Olivia",
    "Thomas", "Sophie", "Lukas", "Hannah", "Pierre", "Camille", "Jan", "Sanne", "Erik", "Astrid",
    "Carlos", "Lucia", "Priya", "Arjun", "Mei", "Kenji", "Aisha", "Omar", "Liam", "Chloe",
    "Noah", "Mia", "Ethan", "Grace", "Lars", "Ingrid", "Mateo", "Elena", "Ravi", "Anita",
    "Sean", "Niamh", "Mikko", "Aino", "Jack", "Ruby", "Felix", "Clara", "Marco", "Giulia",
)  # fmt: skip
LAST_NAMES = (
    "Smith", "Johnson", "Brown", "Taylor", "Wilson", "Clarke", "Walker", "Hughes", "Martin",
    "Lee", "Muller", "Schmidt", "Weber", "Fischer", "Dubois", "Laurent", "Bernard", "de Vries",
    "Jansen", "Bakker", "Lindqvist", "Andersson", "Nilsson", "Garcia", "Lopez", "Martinez",
    "Sharma", "Patel", "Iyer", "Chen", "Wang", "Tanaka", "Sato", "Khan", "Hassan", "Murphy",
    "Kelly", "Byrne", "Virtanen", "Korhonen", "Nguyen", "Rossi", "Bianchi", "Novak", "Kowalski",
    "Young", "King", "Wright", "Scott", "Green", "Baker", "Adams", "Hall", "Campbell", "Reid",
)  # fmt: skip
JOB_TITLES = (
    "Head of Operations", "VP Sales", "CTO", "CFO", "COO", "Procurement Manager", "IT Director",
    "Operations Manager", "Founder & CEO", "Head of Revenue", "Finance Director", "Head of IT",
    "Product Manager", "Managing Director", "Engineering Manager",
)  # fmt: skip
OFFERINGS = (
    "rollout", "pilot", "annual plan", "expansion", "platform migration", "team licence",
    "{n} seats", "{n} seats", "enterprise plan", "onboarding package", "2-year contract",
)  # fmt: skip
SEAT_PRICES = (300, 450, 600, 900, 1200)  # a year, in major units: "{n} seats" fits the value
# follow-ups a rep adds by hand, per stage key (a stage of another pipeline gets the generic ones)
TASK_TEXTS = {
    "prospect": ("Find the decision maker", "Send intro email", "Check their current stack"),
    "contacted": ("Call back after intro email", "Send a case study", "Confirm the budget owner"),
    "qualified": ("Send discovery notes", "Loop in the technical buyer", "Confirm the timeline"),
    "demo": ("Answer the security questionnaire", "Set up a trial account", "Book follow-up call"),
    "proposal": ("Chase the signature", "Review redlines with legal", "Call procurement"),
    "": ("Check in", "Send a follow-up email", "Call to agree the next step"),
}


class _Weighted:
    """A weighted choice among keys, with the cumulative weights worked out once."""

    def __init__(self, weights: dict[str, float]) -> None:
        self.keys = list(weights)
        self.cumulative = list(accumulate(weights.values()))

    def pick(self, rng: random.Random) -> str:
        return self.keys[bisect(self.cumulative, rng.random() * self.cumulative[-1])]


_COUNTRY = _Weighted({k: v[0] for k, v in COUNTRIES.items()})
_SOURCE = _Weighted({k: v[0] for k, v in SOURCES.items()})
_LOST = {
    phase: _Weighted({r: w for r, w in weights.items() if r in DEFAULT_LOST_REASONS})
    for phase, weights in LOST_WEIGHTS.items()
}
_OPEN_TASKS = _Weighted({"0": 0.2, "1": 0.55, "2": 0.25})  # open follow-ups per open deal


def _int(rng: random.Random, low: int, high: int) -> int:
    """`rng.randint(low, high)`, three times faster (it runs millions of times here)."""
    return low + int(rng.random() * (high - low + 1))


@dataclass(frozen=True)
class _Step:
    """A stage as the generator needs it: id, key, position and its playbook."""

    id: int
    key: str
    position: int
    playbook: tuple[tuple[str, int], ...]  # (follow-up text, due days after entering)

    @classmethod
    def of(cls, stage: Stage) -> _Step:
        ref = date(2026, 1, 5)  # a Monday: a `fri`-style due becomes a fixed number of days
        playbook = tuple(
            (str(rule["text"]), (parse_date(str(rule.get("due", "+0d")), today=ref) - ref).days)
            for rule in stage.on_enter or []
        )
        assert stage.id is not None
        return cls(stage.id, stage.key, stage.position, playbook)


@dataclass
class _Company:
    """A generated account, before it becomes rows."""

    name: str
    short: str  # without the legal suffix, for deal titles and the email domain
    industry: str
    employees: int
    country: str
    owner: str  # the rep who owns the account
    contact_ids: list[int] = field(default_factory=list)


@dataclass
class _Rows:
    """The rows of one chunk of deals, per table."""

    deals: list[dict[str, Any]] = field(default_factory=list)
    moves: list[dict[str, Any]] = field(default_factory=list)
    outcomes: list[dict[str, Any]] = field(default_factory=list)
    follow_ups: list[dict[str, Any]] = field(default_factory=list)


def build_demo(*, size: int, seed: int, session: Session) -> str:
    """Fill an empty database with `size` demo deals; returns a one-line summary."""
    from sqlmodel import select

    if size < 1:
        raise InvalidInput("the demo needs at least one deal")
    if session.exec(select(Deal.id).limit(1)).first() is not None:
        raise InvalidInput(
            "the database already holds deals; the demo only fills an empty one",
            hint="give the demo a fresh file: `salesflow --db demo2.db demo`",
        )
    pipeline = get_pipeline(None, session=session)
    assert pipeline.id is not None
    stages = stages_of(pipeline.id, session=session)
    demo = _Demo(
        rng=random.Random(seed),
        session=session,
        pipeline_id=pipeline.id,
        steps=[_Step.of(s) for s in stages if s.is_open],
        won=_Step.of(next(s for s in stages if s.kind == "won")),
        lost=_Step.of(next(s for s in stages if s.kind == "lost")),
    )
    return demo.build(size)


class _Demo:
    """One demo build: the random source, the clock, the next ids and the rows on their way."""

    def __init__(
        self,
        *,
        rng: random.Random,
        session: Session,
        pipeline_id: int,
        steps: list[_Step],
        won: _Step,
        lost: _Step,
    ) -> None:
        from sqlmodel import func, select

        self.rng = rng
        self.conn: Connection = session.connection()
        self.pipeline_id, self.steps, self.won, self.lost = pipeline_id, steps, won, lost
        self.open_positions = {s.id: s.position for s in steps}
        self.now, self.day = now_utc(), today()
        self.shift = now_local().utcoffset() or timedelta(0)  # UTC → local, for working hours
        self.next_id = {
            model: (session.exec(select(func.max(model.id))).one() or 0) + 1
            for model in (Company, Contact, Deal, StageMove, CloseOutcome, FollowUp)
        }
        self.first_company = self.next_id[Company]
        # names are drawn unique as spelled (the draws, and so every demo, stay as they were);
        # the keys stored are unique too (two drawn names may name one company)
        self.used_names = {str(n).lower() for n in session.exec(select(Company.name))}
        self.used_keys = {str(n) for n in session.exec(select(Company.name_key))}
        self.used_emails = {str(e) for e in session.exec(select(Contact.email)) if e}
        self.skill: dict[str, float] = {}
        self.rows = _Rows()

    def take_id(self, model: Any) -> int:
        value = self.next_id[model]
        self.next_id[model] = value + 1
        return value

    def build(self, size: int) -> str:
        rng = self.rng
        reps = REPS[: rng.choice((4, 5, 5, 6))]
        rep_weight = [rng.uniform(0.7, 1.3) for _ in reps]
        self.skill = {r: rng.uniform(0.88, 1.12) for r in reps}
        companies = [
            self.company(rng.choices(reps, weights=rep_weight)[0])
            for _ in range(max(1, round(size / 3)))
        ]
        # every company gets a deal; the rest go mostly to a few busy accounts
        n = len(companies)
        company_of = list(range(n)) + [
            min(n - 1, int(n * rng.random() ** 1.3)) for _ in range(size - n)
        ]
        rng.shuffle(company_of)
        created = sorted(self.created_at() for _ in range(size))  # ids follow creation order
        first_deal: dict[int, datetime] = {}
        for when, c in zip(created, company_of, strict=True):
            first_deal.setdefault(c, when)
        self.insert_parties(companies, first_deal)

        owners: set[str] = set()
        for start in range(0, size, CHUNK):
            for i in range(start, min(size, start + CHUNK)):
                company = companies[company_of[i]]
                owner = company.owner if rng.random() < 0.85 else rng.choice(reps)
                owners.add(owner)
                self.deal(company_of[i], company, owner, created[i])
            self.flush()
        self.sync_sequences()
        return (
            f"{plural(size, 'deal')}, {plural(n, 'company', 'companies')}, "
            f"{plural(len(owners), 'rep')}"
        )

    # --- companies and contacts -----------------------------------------------------------

    def company(self, owner: str) -> _Company:
        """An account: a unique name, industry, head count and country."""
        rng = self.rng
        country = _COUNTRY.pick(rng)
        suffix = COUNTRIES[country][1]
        industry = rng.choice(list(INDUSTRIES))
        name = ""
        for attempt in range(12):
            brand = f"{rng.choice(NAME_HEADS)}{rng.choice(NAME_TAILS)} "
            brand += rng.choice(INDUSTRIES[industry])
            if attempt >= 6:  # the short names are taken: add a region
                brand = f"{brand} {rng.choice(REGIONS)}"
            name = f"{brand} {suffix}" if rng.random() < 0.5 else brand
            if name.lower() not in self.used_names:
                break
        base, number = name, 2
        while name.lower() in self.used_names:  # very large demos: number the rest
            name, number = f"{base} {number}", number + 1
        self.used_names.add(name.lower())
        roll = rng.random()
        low, high = (
            (5, 50) if roll < 0.35 else (50, 200) if roll < 0.65 else
            (200, 1000) if roll < 0.87 else (1000, 20000)
        )  # fmt: skip
        employees = int(math.exp(rng.uniform(math.log(low), math.log(high))))
        if employees >= 100:
            employees = round(employees, -1 if employees < 1000 else -2)
        short = name.removesuffix(f" {suffix}")
        return _Company(name, short, industry, employees, country, owner)

    def insert_parties(self, companies: list[_Company], first_deal: dict[int, datetime]) -> None:
        """Insert the companies and their contacts (one, sometimes two, per company)."""
        rng = self.rng
        company_rows: list[dict[str, Any]] = []
        contact_rows: list[dict[str, Any]] = []
        for c, company in enumerate(companies):
            since = first_deal[c] - timedelta(hours=_int(rng, 0, 72))
            company_rows.append({
                "id": self.take_id(Company), "name": company.name,
                "name_key": unique_key(company_key(company.name), self.used_keys),
                "industry": company.industry,
                "employees": company.employees, "country": company.country, "created_at": since,
            })  # fmt: skip
            _, _, tld, phone_prefix, _ = COUNTRIES[company.country]
            domain = "".join(ch for ch in company.short.lower() if ch.isalnum()) + tld
            for _ in range(1 if rng.random() < 0.8 else 2):
                first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                local = f"{first}.{last}".lower().replace(" ", "")
                email, number = f"{local}@{domain}", 2
                while email in self.used_emails:
                    email, number = f"{local}{number}@{domain}", number + 1
                self.used_emails.add(email)
                phone = None
                if rng.random() < 0.6:
                    digits = f"{_int(rng, 200, 999)} {_int(rng, 100, 999)} {_int(rng, 1000, 9999)}"
                    phone = f"{phone_prefix} {digits}"
                contact_id = self.take_id(Contact)
                company.contact_ids.append(contact_id)
                contact_rows.append({
                    "id": contact_id, "name": f"{first} {last}", "email": email, "phone": phone,
                    "title": rng.choice(JOB_TITLES), "company_id": self.first_company + c,
                    "created_at": since,
                })  # fmt: skip
        for chunk in _chunks(company_rows, 4 * CHUNK):
            _insert(self.conn, Company, chunk)
        for chunk in _chunks(contact_rows, 4 * CHUNK):
            _insert(self.conn, Contact, chunk)

    # --- deals ------------------------------------------------------------------------------

    def deal(self, index: int, company: _Company, owner: str, created: datetime) -> None:
        """One deal, walked through the pipeline stage by stage up to now."""
        rng, steps = self.rng, self.steps
        deal_id = self.take_id(Deal)
        source = _SOURCE.pick(rng)
        _, lift, pace = SOURCES[source]
        lift *= self.skill[owner]
        eurozone = COUNTRIES[company.country][4]
        currency = "EUR" if eurozone and rng.random() < EUR_SHARE else "USD"
        value_minor = _value(rng, company.employees) * 100
        seats = max(5, round(value_minor / 100 / rng.choice(SEAT_PRICES) / 5) * 5)
        offering = rng.choice(OFFERINGS).format(n=seats)
        close_by = None
        if rng.random() < 0.85:
            close_by = (created + timedelta(days=_int(rng, 45, 120))).date()

        moves: list[tuple[int | None, int, datetime, bool]] = [(None, steps[0].id, created, False)]
        at, position, regressed, status = created, 0, False, "open"
        while True:
            median = MEDIAN_DAYS[min(position, len(MEDIAN_DAYS) - 1)] * pace
            leaving = self.working_time(at, rng.lognormvariate(math.log(median), 0.65))
            if leaving > self.now:
                break  # still in this stage today
            self.done_playbook(deal_id, owner, steps[position], at, leaving)
            here, at = steps[position], leaving
            if position >= 2 and not regressed and rng.random() < REGRESSION:
                regressed, position = True, position - 1
                moves.append((here.id, steps[position].id, at, True))
                continue
            if rng.random() < min(0.95, ADVANCE[min(position, len(ADVANCE) - 1)] * lift):
                if position == len(steps) - 1:
                    status = "won"
                    moves.append((here.id, self.won.id, at, False))
                    break
                position += 1
                moves.append((here.id, steps[position].id, at, False))
            elif rng.random() < STALL:
                break  # nobody moved it on or closed it: an open deal going stale
            else:
                status = "lost"
                moves.append((here.id, self.lost.id, at, False))
                break

        stays = stay_columns(
            [(to_id, moved_at) for _, to_id, moved_at, _ in moves], self.open_positions,
            won_position=self.won.position if status == "won" else None, currency=currency,
        )  # fmt: skip
        for (from_id, to_id, moved_at, back), stay in zip(moves, stays, strict=True):
            self.rows.moves.append({
                "id": self.take_id(StageMove), "deal_id": deal_id, "from_stage_id": from_id,
                "to_stage_id": to_id, "at": moved_at, "by": owner, "note": None,
                "forced": False, "regression": back, **stay,
            })  # fmt: skip
        last_at = moves[-1][2]
        self.rows.deals.append({
            "id": deal_id, "title": f"{company.short} {offering}",
            "company_id": self.first_company + index, "contact_id": rng.choice(company.contact_ids),
            "owner": owner, "source": source, "value_minor": value_minor, "currency": currency,
            "close_by": close_by, "pipeline_id": self.pipeline_id, "stage_id": moves[-1][1],
            "status": status, "created_at": created, "updated_at": last_at,
            "version": len(moves),
        })  # fmt: skip
        if status == "open":
            self.open_follow_ups(deal_id, owner, steps[position], last_at)
        else:
            self.close(deal_id, owner, status, steps[position], value_minor, currency, last_at)

    def close(
        self,
        deal_id: int,
        owner: str,
        outcome: str,
        from_step: _Step,
        value_minor: int,
        currency: str,
        at: datetime,
    ) -> None:
        """The close outcome; a win also gets the won stage's onboarding follow-ups."""
        rng = self.rng
        closed_on = to_local(at).date()
        reason = competitor = None
        amount = value_minor
        if outcome == "won":
            if rng.random() < 0.4:  # a discount, or a few more seats at signature
                amount = round(value_minor * rng.uniform(0.85, 1.08) / 10000) * 10000
            for text, days in self.won.playbook:
                due = closed_on + timedelta(days=days)
                # long past ones were done; the last fortnight's are half done, half overdue
                recent = due >= self.day - timedelta(days=14)
                done = due < self.day and (not recent or rng.random() < 0.5)
                done_at = self.done_time(due, at) if done else None
                self.follow_up(deal_id, owner, text, due, at, done_at, playbook=self.won.id)
        else:
            where = from_step.position
            reason = _LOST["early" if where < 2 else "late" if where >= 4 else "mid"].pick(rng)
            if reason == "competitor" or (reason == "price" and rng.random() < 0.3):
                competitor = rng.choice(COMPETITORS)
        self.rows.outcomes.append({
            "id": self.take_id(CloseOutcome), "deal_id": deal_id, "outcome": outcome,
            "amount_minor": amount, "currency": currency, "reason": reason,
            "competitor": competitor, "note": None, "from_stage_id": from_step.id,
            "closed_on": closed_on, "at": at, "by": owner, "reopened_at": None,
        })  # fmt: skip

    # --- follow-ups -------------------------------------------------------------------------

    def done_playbook(
        self, deal_id: int, owner: str, step: _Step, entered: datetime, left: datetime
    ) -> None:
        """The stage's playbook follow-ups of a finished stay, mostly ticked off in time."""
        for text, days in step.playbook:
            if self.rng.random() < 0.7:
                done_at = entered + (left - entered) * self.rng.uniform(0.2, 0.9)
                due = (entered + self.shift).date() + timedelta(days=days)
                self.follow_up(deal_id, owner, text, due, entered, done_at.replace(microsecond=0),
                               playbook=step.id)  # fmt: skip

    def open_follow_ups(self, deal_id: int, owner: str, step: _Step, entered: datetime) -> None:
        """Up to two open follow-ups on an open deal: some overdue, some due today, most ahead."""
        rng = self.rng
        texts = [t for t, _ in step.playbook] + list(TASK_TEXTS.get(step.key, TASK_TEXTS[""]))
        entered_day = (entered + self.shift).date()
        for n in range(int(_OPEN_TASKS.pick(rng))):
            text = texts[0] if n == 0 else rng.choice(texts[1:])
            roll = rng.random()
            if roll < 0.3:
                due = self.day - timedelta(days=_int(rng, 1, 12))
            elif roll < 0.45:
                due = self.day
            else:
                due = self.day + timedelta(days=_int(rng, 1, 21))
            made = entered if n == 0 else entered + (self.now - entered) * rng.random()
            repeat = "weekly" if n == 1 and rng.random() < 0.08 else None
            playbook = step.id if any(text == t for t, _ in step.playbook) else None
            self.follow_up(deal_id, owner, text, max(due, entered_day),
                           made.replace(microsecond=0), None, repeat, playbook)  # fmt: skip

    def follow_up(
        self,
        deal_id: int,
        owner: str,
        text: str,
        due: date,
        made: datetime,
        done_at: datetime | None,
        repeat: str | None = None,
        playbook: int | None = None,
    ) -> None:
        """One follow-up row; `playbook` is the stage whose `on_enter` made it (as
        `playbooks.run_on_enter` marks it)."""
        self.rows.follow_ups.append({
            "id": self.take_id(FollowUp), "deal_id": deal_id, "text": text, "due": due,
            "owner": owner, "repeat": repeat, "done_at": done_at, "created_at": made,
            "created_by": owner, "playbook_stage_id": playbook,
            "closed_as": None if done_at is None else "done",
        })  # fmt: skip

    # --- time -------------------------------------------------------------------------------

    def at_work(self, day: date) -> datetime:
        """A random moment of local working hours (8:00 to 18:00) on `day`, as naive UTC."""
        start = datetime(day.year, day.month, day.day, 8) - self.shift
        return start + timedelta(seconds=int(self.rng.random() * 36000))

    def created_at(self) -> datetime:
        """A weekday in the past nine months, more of them recent (the team grew)."""
        day = (self.now + self.shift).date() - timedelta(
            days=int(SPAN_DAYS * self.rng.random() ** 1.2)
        )
        if day.weekday() >= 5:  # a weekend lead came in on Friday
            day -= timedelta(days=day.weekday() - 4)
        moment = self.at_work(day)
        while moment > self.now:
            moment -= timedelta(days=1)
        return moment

    def working_time(self, after: datetime, days: float) -> datetime:
        """About `days` after `after`, in working hours on a weekday, and always later."""
        day = (after + self.shift + timedelta(days=days)).date()
        if day.weekday() >= 5:
            day += timedelta(days=7 - day.weekday())
        moment = self.at_work(day)
        if moment <= after:  # the same day, and that hour has passed: a little later
            moment = after + timedelta(minutes=_int(self.rng, 20, 180))
        return moment

    def done_time(self, due: date, made: datetime) -> datetime:
        """When a follow-up due on `due` was ticked off: that day, never before it existed."""
        return min(self.now, max(made + timedelta(hours=1), self.at_work(due)))

    # --- writing ----------------------------------------------------------------------------

    def sync_sequences(self) -> None:
        """PostgreSQL: move each id sequence past the ids we assigned, so the next insert works."""
        from sqlalchemy import func, select

        if self.conn.dialect.name != "postgresql":
            return  # SQLite hands out max(id) + 1 by itself
        for model, next_id in self.next_id.items():
            if next_id > 1:
                sequence = func.pg_get_serial_sequence(model.__tablename__, "id")
                self.conn.execute(select(func.setval(sequence, next_id - 1)))

    def flush(self) -> None:
        """Insert the chunk's rows, parents first (foreign keys are on)."""
        rows = self.rows
        for model, chunk in (
            (Deal, rows.deals),
            (StageMove, rows.moves),
            (CloseOutcome, rows.outcomes),
            (FollowUp, rows.follow_ups),
        ):
            _insert(self.conn, model, chunk)
        self.rows = _Rows()


def _insert(conn: Connection, model: Any, rows: list[dict[str, Any]]) -> None:
    """One executemany for a table: the fast path on SQLite and PostgreSQL alike."""
    from sqlalchemy import insert

    if rows:
        conn.execute(insert(model.__table__), rows)


def _value(rng: random.Random, employees: int) -> int:
    """A deal value in major units, bigger for bigger companies, rounded as people quote."""
    median = (
        6000 if employees < 50 else 15000 if employees < 200 else
        36000 if employees < 1000 else 80000
    )  # fmt: skip
    value = rng.lognormvariate(math.log(median), 0.55)
    step = 100 if value < 10000 else 500
    return max(step, round(value / step) * step)


def _chunks(rows: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]
