"""The demo's customers: companies with unique, believable names (industry, head count,
country) and their contacts (one, sometimes two, with a unique email and maybe a phone), drawn
from the build's random source and inserted in bulk before any deal.

A mixin of the generator's `_Demo`, like `WorkingHours`: it uses the build's `rng`, connection
and ids, and the names, keys and emails the database already holds.
"""

from __future__ import annotations

import math
import random
from array import array
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from salesflow.compact import DigestSet
from salesflow.db.batch import Batch
from salesflow.db.bulk import StoredForm
from salesflow.domain.companies import company_key, unique_key
from salesflow.models import Company, Contact
from salesflow.services.demo.world import (
    CHUNK,
    COUNTRIES,
    COUNTRY_CHOICE,
    FIRST_NAMES,
    INDUSTRIES,
    JOB_TITLES,
    LAST_NAMES,
    NAME_HEADS,
    NAME_TAILS,
    REGIONS,
    Account,
    Accounts,
    at_microsecond,
    whole,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection


class Parties:
    """Companies and contacts for one demo build."""

    rng: random.Random
    conn: Connection
    first_company: int  # the id of the first company made
    used_names: DigestSet  # company names (lower-cased) already taken
    used_keys: DigestSet  # `companies.name_key`s already taken
    used_emails: DigestSet
    form: StoredForm
    batch: Batch

    def take_id(self, model: Any) -> int:
        """The next id of `model`'s table (the build's own counter)."""
        raise NotImplementedError

    def flush(self) -> None:
        """Insert the rows waiting in `batch` and start the next."""
        raise NotImplementedError

    def company(self, owner: str) -> Account:
        """An account: a unique name, industry, head count and country."""
        rng = self.rng
        country = COUNTRY_CHOICE.pick(rng)
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
        return Account(name, industry, employees, country, owner)

    def insert_parties(self, companies: Accounts, first_deal: array[int]) -> None:
        """Insert the companies and their contacts (one, sometimes two, per company), a few
        thousand at a time; `first_deal[c]`: when company `c`'s first deal came in (microseconds
        since the epoch, `world.at_microsecond`)."""
        rng, stamp, batch = self.rng, self.form.stamp, self.batch
        for c in range(len(companies)):
            company = companies[c]
            since = stamp(at_microsecond(first_deal[c]) - timedelta(hours=whole(rng, 0, 72)))
            batch.companies.append((
                self.take_id(Company), company.name,
                unique_key(company_key(company.name), self.used_keys), company.industry,
                company.employees, company.country, since,
            ))  # fmt: skip
            _, _, tld, phone_prefix, _ = COUNTRIES[company.country]
            domain = "".join(ch for ch in company.short.lower() if ch.isalnum()) + tld
            count = 1 if rng.random() < 0.8 else 2
            for n in range(count):
                first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                local = f"{first}.{last}".lower().replace(" ", "")
                email, number = f"{local}@{domain}", 2
                while email in self.used_emails:
                    email, number = f"{local}{number}@{domain}", number + 1
                self.used_emails.add(email)
                phone = None
                if rng.random() < 0.6:
                    digits = (
                        f"{whole(rng, 200, 999)} {whole(rng, 100, 999)} {whole(rng, 1000, 9999)}"
                    )
                    phone = f"{phone_prefix} {digits}"
                contact_id = self.take_id(Contact)
                if n == 0:
                    companies.set_contacts(c, contact_id, count)
                batch.contacts.append((
                    contact_id, f"{first} {last}", email, phone, rng.choice(JOB_TITLES),
                    self.first_company + c, since,
                ))  # fmt: skip
            if len(batch.companies) >= CHUNK:
                self.flush()
                batch = self.batch
        self.flush()
