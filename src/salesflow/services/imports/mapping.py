"""Which column of a file means which field: the presets, `--map`, and header recognition.

Headers are compared tolerantly: case, spaces, dashes and punctuation do not matter, so
`Deal - Currency of Value`, `deal-currency of value` and `DEAL CURRENCY OF VALUE` are one header.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from salesflow.errors import InvalidInput, UsageProblem

# The fields a column can feed (`--map COLUMN=FIELD`), with what each means.
FIELDS: dict[str, str] = {
    "title": "deal title (a row without one adds only the company and contact)",
    "value": "deal value (12000, 12,000.50, $12k; a currency code or sign is understood)",
    "currency": "ISO 4217 code (USD, EUR …) or a name with the code in brackets",
    "pipeline": "pipeline key (used when it exists, else the default pipeline)",
    "stage": "stage key or name in the pipeline (case-insensitive)",
    "status": "open, won or lost (else taken from the stage)",
    "company": "company name (reused by normalised name)",
    "contact": "contact person's full name",
    "first_name": "contact's first name (joined with last_name)",
    "last_name": "contact's last name",
    "email": "contact email (reused when known)",
    "phone": "contact phone",
    "job_title": "contact's job title",
    "owner": "owning rep (default: you)",
    "source": "lead source",
    "close_by": "expected close date",
    "created": "when the deal was created (default: now)",
    "won_on": "when it was won",
    "lost_on": "when it was lost",
    "closed_on": "when it closed (won or lost)",
    "lost_reason": "why it was lost (your reasons; anything else is kept as `other`)",
    "competitor": "who won it",
    "industry": "company industry",
    "employees": "company head count",
    "country": "company country",
    "external_id": "the deal's id in the system it comes from (for duplicates)",
    "product": "product SKU or name in the catalogue",
    "-": "ignore this column",
}

PRESETS = ("pipedrive", "hubspot", "maven", "salesflow")


def norm(header: str) -> str:
    """A header reduced to lower-case letters and digits."""
    return re.sub(r"[^0-9a-z]+", "", header.lower().lstrip("\ufeff"))


# preset → normalised header → field. Order does not matter; the first header that maps to a
# field wins when a file has two (e.g. HubSpot's "Associated Company" and "Company name").
_PIPEDRIVE = {
    "dealid": "external_id",
    "dealtitle": "title",
    "dealvalue": "value",
    "dealcurrencyofvalue": "currency",
    "dealcurrency": "currency",
    "dealstage": "stage",
    "dealstatus": "status",
    "dealpipeline": "pipeline",
    "dealorganization": "company",
    "dealorganisation": "company",
    "organizationname": "company",
    "dealcontactperson": "contact",
    "personname": "contact",
    "personemail": "email",
    "personemailwork": "email",
    "personphone": "phone",
    "personphonework": "phone",
    "personjobtitle": "job_title",
    "dealowner": "owner",
    "dealsource": "source",
    "dealsourceorigin": "source",
    "dealdealcreated": "created",
    "dealcreated": "created",
    "dealaddtime": "created",
    "dealwontime": "won_on",
    "deallosttime": "lost_on",
    "deallostreason": "lost_reason",
    "dealexpectedclosedate": "close_by",
    "organizationindustry": "industry",
    "organizationnumberofemployees": "employees",
    "organizationcountry": "country",
    "organizationaddresscountry": "country",
}
_HUBSPOT = {
    "recordid": "external_id",
    "dealid": "external_id",
    "dealname": "title",
    "amount": "value",
    "currency": "currency",
    "dealcurrencycode": "currency",
    "dealstage": "stage",
    "pipeline": "pipeline",
    "closedate": "closed_on",
    "createdate": "created",
    "dealowner": "owner",
    "contactowner": "owner",
    "associatedcompany": "company",
    "associatedcompanyprimary": "company",
    "companyname": "company",
    "associatedcontact": "contact",
    "associatedcontactprimary": "contact",
    "firstname": "first_name",
    "lastname": "last_name",
    "email": "email",
    "phonenumber": "phone",
    "jobtitle": "job_title",
    "closedlostreason": "lost_reason",
    "dealsource": "source",
    "originalsource": "source",
    "originalsourcetype": "source",
    "industry": "industry",
    "numberofemployees": "employees",
    "countryregion": "country",
    "country": "country",
}
# Our own CSV (`export csv --what deals`) and any file whose headers are field names.
_GENERIC = {norm(f): f for f in FIELDS if f != "-"} | {
    "name": "title",
    "deal": "title",
    "createdat": "created",
    "closeby": "close_by",
    "organization": "company",
    "organisation": "company",
    "account": "company",
    "contactname": "contact",
    "emailaddress": "email",
    "jobtitle": "job_title",
    "rep": "owner",
    "amount": "value",
}
# HubSpot's date columns mean different things by status: a closed deal's close date is when it
# closed; an open deal's is the expected close date. The importer reads `closed_on` that way.
COLUMN_MAPS = {"pipedrive": _PIPEDRIVE, "hubspot": _HUBSPOT, "generic": _GENERIC}

# The stages of each system's default pipeline, in order: a new pipeline made from a file's
# stages (`--new-pipeline`) follows this order when it can.
KNOWN_STAGE_ORDER = {
    "pipedrive": ["Lead In", "Qualified", "Contact Made", "Demo Scheduled", "Needs Defined",
                  "Proposal Made", "Negotiations Started"],
    "hubspot": ["Appointment Scheduled", "Qualified To Buy", "Presentation Scheduled",
                "Decision Maker Bought-In", "Contract Sent"],
}  # fmt: skip

MAVEN_HEADERS = {
    "pipeline": {"opportunityid", "salesagent", "product", "account", "dealstage"},
    "accounts": {"account", "sector", "employees", "officelocation"},
    "products": {"product", "series", "salesprice"},
    "teams": {"salesagent", "manager", "regionaloffice"},
}


def maven_part(header: list[str]) -> str | None:
    """Which of the four Maven files this header belongs to, if any."""
    names = {norm(h) for h in header}
    for part, needed in MAVEN_HEADERS.items():
        if needed <= names:
            return part
    return None


def detect_preset(header: list[str]) -> str | None:
    """The preset a CSV header row comes from, or None when it is not recognised."""
    names = {norm(h) for h in header}
    if maven_part(header):
        return "maven"
    if {"dealtitle"} & names or sum(n.startswith("deal") and n in _PIPEDRIVE for n in names) >= 3:
        return "pipedrive"
    if "dealname" in names and ("dealstage" in names or "amount" in names):
        return "hubspot"
    if {"firstname", "lastname", "email"} <= names and (
        "recordid" in names or "contactowner" in names or "lifecyclestage" in names
    ):
        return "hubspot"
    if {"title", "contact", "email", "company"} & names:
        return "generic"
    return None


@dataclass(frozen=True)
class ColumnPlan:
    """How a file's columns feed fields: field → column index, and the columns left out."""

    fields: dict[str, int]
    ignored: list[str]


def parse_maps(pairs: list[str]) -> dict[str, str]:
    """`--map COLUMN=FIELD` options as normalised column → field."""
    result: dict[str, str] = {}
    for pair in pairs:
        column, sep, field = pair.rpartition("=")
        field = field.strip().lower().replace("-", "_") if field.strip() != "-" else "-"
        if not sep or not column.strip():
            raise UsageProblem(
                f"--map {pair!r} is not COLUMN=FIELD", hint="e.g. --map 'Deal Name=title'"
            )
        if field not in FIELDS:
            raise UsageProblem(
                f"--map {pair!r}: unknown field {field!r}",
                hint="fields: " + ", ".join(f for f in FIELDS if f != "-") + " (or - to ignore)",
            )
        result[norm(column)] = field
    return result


def plan_columns(header: list[str], preset: str, maps: dict[str, str]) -> ColumnPlan:
    """Map each column to a field: `--map` first, then the preset's names, then field names."""
    table = COLUMN_MAPS.get(preset, {})
    keys = [norm(column) for column in header]
    missing = [column for column in maps if column not in keys]
    if missing:
        raise InvalidInput(
            f"--map names a column the file does not have: {missing[0]!r}",
            hint="columns: " + ", ".join(h for h in header if h.strip()),
        )
    fields: dict[str, int] = {}
    for index, key in enumerate(keys):  # explicit maps win over anything the preset says
        if key in maps and maps[key] != "-" and maps[key] not in fields:
            fields[maps[key]] = index
    ignored: list[str] = []
    for index, key in enumerate(keys):
        if index in fields.values():
            continue
        field = "-" if key in maps else table.get(key) or _GENERIC.get(key) or ""
        if not field and preset == "pipedrive" and key.startswith(("personemail", "personphone")):
            field = "email" if key.startswith("personemail") else "phone"
        if field and field != "-" and field not in fields:
            fields[field] = index
        elif header[index].strip():
            ignored.append(header[index].strip())
    return ColumnPlan(fields, ignored)
