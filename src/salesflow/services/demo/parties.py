"""The demo's customers: companies with unique, believable names (industry, head count,
country) and their contacts (one, sometimes two, with a unique email and maybe a phone), drawn
from the build's random source and inserted in bulk before any deal.

A mixin of the generator's `_Demo`, like `WorkingHours`: it uses the build's `rng`, connection
and ids, and the names, keys and emails the database already holds.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from salesflow.db.bulk import insert_rows
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
    whole,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection


class Parties:
    """Companies and contacts for one demo build."""

    rng: random.Random
    conn: Connection
    first_company: int  # the id of the first company made
    used_names: set[str]  # company names (lower-cased) already taken
    used_keys: set[str]  # `companies.name_key`s already taken
    used_emails: set[str]

    def take_id(self, model: Any) -> int:
        """The next id of `model`'s table (the build's own counter)."""
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
        short = name.removesuffix(f" {suffix}")
        return Account(name, short, industry, employees, country, owner)

    def insert_parties(self, companies: list[Account], first_deal: dict[int, datetime]) -> None:
        """Insert the companies and their contacts (one, sometimes two, per company)."""
        rng = self.rng
        company_rows: list[dict[str, Any]] = []
        contact_rows: list[dict[str, Any]] = []
        for c, company in enumerate(companies):
            since = first_deal[c] - timedelta(hours=whole(rng, 0, 72))
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
                    digits = (
                        f"{whole(rng, 200, 999)} {whole(rng, 100, 999)} {whole(rng, 1000, 9999)}"
                    )
                    phone = f"{phone_prefix} {digits}"
                contact_id = self.take_id(Contact)
                company.contact_ids.append(contact_id)
                contact_rows.append({
                    "id": contact_id, "name": f"{first} {last}", "email": email, "phone": phone,
                    "title": rng.choice(JOB_TITLES), "company_id": self.first_company + c,
                    "created_at": since,
                })  # fmt: skip
        for chunk in _chunks(company_rows, 4 * CHUNK):
            insert_rows(self.conn, Company, chunk)
        for chunk in _chunks(contact_rows, 4 * CHUNK):
            insert_rows(self.conn, Contact, chunk)


def _chunks(rows: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]
