"""`history`: a deal's audit trail for people and for scripts."""

from __future__ import annotations

from typing import Any

from salesflow.render.formats import when_json, when_screen
from salesflow.render.output import Column, Output
from salesflow.services.deals.history import DealHistory


def history_json(history: DealHistory) -> dict[str, Any]:
    """`{"deal_id", "title", "events": [{"at", "by", "kind", "field", "from", "to", "note"}]}`."""
    return {
        "deal_id": history.deal_id,
        "title": history.title,
        "events": [
            {"at": when_json(e.at), "by": e.by, "kind": e.kind, "field": e.field,
             "from": e.old, "to": e.new, "note": e.note}
            for e in history.events
        ],
    }  # fmt: skip


def show_history(out: Output, history: DealHistory) -> None:
    """The trail as a table, oldest first."""
    out.line(f"#{history.deal_id} {history.title}", style="bold")
    rows = []
    for e in history.events:
        what = e.kind if e.kind in ("created", "won", "lost", "reopened") else e.field or e.kind
        if e.kind == "activity":
            what = f"{e.field} logged"
        elif e.kind in (
            "task added",
            "task done",
            "task superseded",
            "task cancelled",
            "regression",
            "feedback",
        ):
            what = e.kind
        change = e.new or ""
        if e.old is not None or e.kind in ("field", "stage", "regression", "won", "lost",
                                           "quote", "cadence"):  # fmt: skip
            change = (
                f"{e.old if e.old is not None else '–'} → {e.new if e.new is not None else '–'}"
            )
        rows.append([when_screen(e.at), e.by, what, change, e.note or ""])
    out.table([Column("when"), Column("by"), Column("what"), Column("change"), Column("note")],
              rows)  # fmt: skip
