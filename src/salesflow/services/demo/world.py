"""The made-up sales team and market the demo draws from: reps and lead sources, how deals
move (advance, stall and regression rates, days per stage), why they are lost and to whom, the
accounts (countries, industries, names, people) and what is sold, and the shapes the generator
fills (a stage's step, the accounts)."""

from __future__ import annotations

import math
import random
from array import array
from bisect import bisect
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import accumulate

from salesflow.compact import Texts
from salesflow.config import DEFAULT_LOST_REASONS
from salesflow.models import Stage
from salesflow.parsing.dates import parse_date

SPAN_DAYS = 270  # deals were created over the past ~9 months
CHUNK = 2000  # deals (or companies) generated and inserted per batch

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


class Weighted:
    """A weighted choice among keys, with the cumulative weights worked out once."""

    def __init__(self, weights: dict[str, float]) -> None:
        self.keys = list(weights)
        self.cumulative = list(accumulate(weights.values()))

    def pick(self, rng: random.Random) -> str:
        return self.keys[bisect(self.cumulative, rng.random() * self.cumulative[-1])]


COUNTRY_CHOICE = Weighted({k: v[0] for k, v in COUNTRIES.items()})
SOURCE_CHOICE = Weighted({k: v[0] for k, v in SOURCES.items()})
LOST_REASON_CHOICE = {
    phase: Weighted({r: w for r, w in weights.items() if r in DEFAULT_LOST_REASONS})
    for phase, weights in LOST_WEIGHTS.items()
}
OPEN_TASKS_CHOICE = Weighted({"0": 0.2, "1": 0.55, "2": 0.25})  # open follow-ups per open deal


EPOCH = datetime(1970, 1, 1)  # moments held in bulk are microseconds since then (naive UTC)


def microseconds(moment: datetime) -> int:
    """A moment as a whole number, for an `array` of a million of them (8 bytes each)."""
    return (moment - EPOCH) // timedelta(microseconds=1)


def at_microsecond(value: int) -> datetime:
    """The moment `microseconds` gave `value` for, exactly."""
    return EPOCH + timedelta(microseconds=value)


def whole(rng: random.Random, low: int, high: int) -> int:
    """`rng.randint(low, high)`, three times faster (it runs millions of times here)."""
    return low + int(rng.random() * (high - low + 1))


@dataclass(frozen=True)
class Step:
    """A stage as the generator needs it: id, key, position and its playbook."""

    id: int
    key: str
    position: int
    playbook: tuple[tuple[str, int], ...]  # (follow-up text, due days after entering)

    @classmethod
    def of(cls, stage: Stage) -> Step:
        ref = date(2026, 1, 5)  # a Monday: a `fri`-style due becomes a fixed number of days
        playbook = tuple(
            (str(rule["text"]), (parse_date(str(rule.get("due", "+0d")), today=ref) - ref).days)
            for rule in stage.on_enter or []
        )
        assert stage.id is not None
        return cls(stage.id, stage.key, stage.position, playbook)


@dataclass(slots=True)
class Account:
    """A generated account."""

    name: str
    industry: str
    employees: int
    country: str
    owner: str  # the rep who owns the account
    first_contact: int = 0  # the id of its first contact; the others follow it
    contacts: int = 0

    @property
    def short(self) -> str:
        """The name without its legal suffix, for deal titles and the email domain."""
        return self.name.removesuffix(f" {COUNTRIES[self.country][1]}")


_INDUSTRY_NAMES, _COUNTRY_CODES = tuple(INDUSTRIES), tuple(COUNTRIES)


class Accounts:
    """The build's accounts, column by column (the names in one run of bytes, `Texts`, the rest
    in arrays of small numbers): a million-deal demo holds a third of a million of them while it
    writes every deal."""

    def __init__(self) -> None:
        self.names = Texts()
        self.industries, self.countries, self.owners = array("B"), array("B"), array("B")
        self.employees, self.first_contact, self.contacts = array("l"), array("q"), array("B")

    def append(self, account: Account) -> None:
        self.names.add(account.name)
        self.industries.append(_INDUSTRY_NAMES.index(account.industry))
        self.countries.append(_COUNTRY_CODES.index(account.country))
        self.owners.append(REPS.index(account.owner))
        self.employees.append(account.employees)
        self.first_contact.append(account.first_contact)
        self.contacts.append(account.contacts)

    def __len__(self) -> int:
        return len(self.names)

    def __getitem__(self, i: int) -> Account:
        return Account(
            self.names[i], _INDUSTRY_NAMES[self.industries[i]], self.employees[i],
            _COUNTRY_CODES[self.countries[i]], REPS[self.owners[i]], self.first_contact[i],
            self.contacts[i],
        )  # fmt: skip

    def set_contacts(self, i: int, first: int, count: int) -> None:
        """Account `i`'s contacts are ids `first` .. `first + count - 1`."""
        self.first_contact[i], self.contacts[i] = first, count


def deal_value(rng: random.Random, employees: int) -> int:
    """A deal value in major units, bigger for bigger companies, rounded as people quote."""
    median = (
        6000 if employees < 50 else 15000 if employees < 200 else
        36000 if employees < 1000 else 80000
    )  # fmt: skip
    value = rng.lognormvariate(math.log(median), 0.55)
    step = 100 if value < 10000 else 500
    return max(step, round(value / step) * step)
