"""The salesflow JSON export format, as the `salesflow` import preset reads it: the file's
envelope (`{FORMAT_KEY: FORMAT_VERSION}`, the one `export json` writes, each section a list) and
the items of each section, validated with the same input rules as the command line
(`models.schemas`, `domain.inputs`).
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from salesflow.errors import InvalidInput
from salesflow.models.schemas import (
    ActivityType,
    Currency,
    Email,
    FreeText,
    Repeat,
    RepName,
    Text,
)

FORMAT_KEY = "salesflow_export"  # the envelope's key: its value is the format number
FORMAT_VERSION = 1  # what `export json` writes and `import` reads; keys are only ever added


class _Item(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    @staticmethod
    def naive(moment: datetime | None) -> datetime | None:
        if moment is None or moment.tzinfo is None:
            return moment
        return moment.astimezone(UTC).replace(tzinfo=None)


class PipelineItem(_Item):
    name: str
    default: bool = False
    toml: str


class BundleLine(_Item):
    sku: str
    qty: int = Field(ge=1)


class ProductItem(_Item):
    id: int
    sku: str = Field(min_length=1, max_length=64)
    name: Text
    price: Decimal = Field(ge=0)
    currency: Currency
    unit: str = "each"
    recurring: str | None = None
    active: bool = True
    created_at: datetime
    bundle: list[BundleLine] = Field(default_factory=list)


class CompanyItem(_Item):
    id: int
    name: Text
    industry: Text | None = None
    employees: int | None = Field(default=None, ge=0)
    country: Text | None = None
    created_at: datetime


class ContactItem(_Item):
    id: int
    name: Text
    email: Email | None = None
    phone: Text | None = None
    title: Text | None = None
    company_id: int | None = None
    created_at: datetime


class MoveItem(_Item):
    from_stage: str | None = Field(default=None, alias="from")
    to: str
    at: datetime
    by: RepName
    note: FreeText | None = None
    forced: bool = False
    regression: bool = False


class OutcomeItem(_Item):
    outcome: Literal["won", "lost"]
    amount: Decimal = Field(ge=0)
    currency: Currency
    reason: Text | None = None
    competitor: Text | None = None
    note: FreeText | None = None
    from_stage: str | None = Field(default=None, alias="from")
    closed_on: date
    at: datetime
    by: RepName
    reopened_at: datetime | None = None


class ChangeItem(_Item):
    field: str
    old: FreeText | None = None
    new: FreeText | None = None
    at: datetime
    by: RepName


class ActivityItem(_Item):
    id: int
    type: ActivityType
    summary: FreeText
    outcome: FreeText | None = None
    at: datetime
    by: RepName
    created_at: datetime


class DealItem(_Item):
    id: int
    title: Text
    pipeline: str
    stage: str
    status: Literal["open", "won", "lost"]
    value: Decimal = Field(ge=0)
    currency: Currency
    owner: RepName
    source: Text | None = None
    close_by: date | None = None
    company_id: int | None = None
    company: Text | None = None
    contact_id: int | None = None
    contact: Text | None = None
    email: Email | None = None
    product: str | None = None
    upsell_of_id: int | None = None
    external_id: str | None = None
    created_at: datetime
    updated_at: datetime
    version: int = Field(default=1, ge=1)
    history: list[MoveItem] = Field(default_factory=list)
    outcomes: list[OutcomeItem] = Field(default_factory=list)
    changes: list[ChangeItem] = Field(default_factory=list)
    activities: list[ActivityItem] = Field(default_factory=list)


class TaskItem(_Item):
    id: int
    deal_id: int
    text: Text
    due: date
    owner: RepName
    repeat: Repeat | None = None
    done_at: datetime | None = None
    closed_as: Literal["done", "superseded", "cancelled"] | None = None
    created_at: datetime
    created_by: RepName


class TeamItem(_Item):
    name: Text
    manager: Text | None = None
    office: Text | None = None
    reps: list[RepName] = Field(default_factory=list)


SECTION_MODELS: dict[str, type[_Item]] = {
    "pipelines": PipelineItem,
    "products": ProductItem,
    "companies": CompanyItem,
    "contacts": ContactItem,
    "deals": DealItem,
    "tasks": TaskItem,
    "teams": TeamItem,
}


def naive(moment: datetime | None) -> datetime | None:
    """A moment as the database stores it: naive UTC."""
    return _Item.naive(moment)


def load_export(path: Path, encoding: str | None) -> dict[str, Any]:
    """The export file's sections, once it is known to be a salesflow export of format 1."""
    try:
        with path.open(encoding=encoding or "utf-8-sig") as handle:
            data = json.load(handle)
    except UnicodeDecodeError:
        raise InvalidInput(
            f"{path} is not UTF-8", hint="give its encoding with --encoding"
        ) from None
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"{path} is not valid JSON: line {exc.lineno} column {exc.colno}: "
                           f"{exc.msg}") from None  # fmt: skip
    except RecursionError:  # the decoder's own guard against a stack overflow
        raise InvalidInput(f"{path} is nested too deeply to be a salesflow export",
                           hint="`salesflow export json` writes one") from None  # fmt: skip
    except ValueError:  # int(): a number of more digits than Python converts (4,300)
        raise InvalidInput(
            f"{path} holds a number of more than {sys.get_int_max_str_digits():,} digits; "
            "no salesflow id or amount is that long"
        ) from None
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror or exc}") from None
    if not isinstance(data, dict) or FORMAT_KEY not in data:
        raise InvalidInput(f"{path} is not a salesflow export (no \"{FORMAT_KEY}\" key)",
                           hint="`salesflow export json` writes one")  # fmt: skip
    version = data[FORMAT_KEY]
    # `true == 1`: a bool is no format number
    if type(version) is not int or version != FORMAT_VERSION:
        raise InvalidInput(
            f"{path} is salesflow export format {version!r}; this salesflow "
            f"reads format {FORMAT_VERSION}",
            hint="upgrade salesflow",
        )
    for name in SECTION_MODELS:
        if name in data and not isinstance(data[name], list):
            raise InvalidInput(f"{path}: {name!r} must be a list")
    return data


def json_path(loc: tuple[int | str, ...]) -> str:
    """pydantic's location as the rest of a JSON path: ('history', 0, 'to') → `.history[0].to`."""
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc)
