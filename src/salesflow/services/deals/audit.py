"""The change log's writer: one `DealChange` row per change that is not a stage move.

Edits of deal fields, follow-ups finished, edited or removed, quote status changes and cadences
started or stopped all land here, with who, when, old → new, so `history DEAL` can show every
change to a deal. (Stage moves, activities and follow-ups added keep their own who-and-when.)
Field names: a deal field (`value`, `owner` …), `task #N` (`open` → `done`/`removed …`),
`task #N due|text|owner`, `quote #N` (status → status), `cadence` (name started or stopped).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from salesflow.clock import now_utc
from salesflow.models import DealChange

if TYPE_CHECKING:
    from sqlmodel import Session


def change_text(value: object) -> str | None:
    """A value as the change log writes it: a day as ISO `YYYY-MM-DD`, anything else as text."""
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def record_change(
    deal_id: int,
    field: str,
    old: str | None,
    new: str | None,
    *,
    actor: str,
    session: Session,
    at: datetime | None = None,
) -> None:
    """Add one change to the deal's log (in the caller's transaction)."""
    session.add(
        DealChange(deal_id=deal_id, field=field, old=old, new=new, at=at or now_utc(), by=actor)
    )
