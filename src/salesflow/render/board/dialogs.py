"""What each of the board's forms asks, prefilled from the selected card, and which action
its answers go to (`services/board/actions`): won, lost, follow-up, activity, edit, new lead."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from salesflow.render.board.forms import Field

if TYPE_CHECKING:
    from salesflow.services.board.actions import BoardActions
    from salesflow.services.board.view import BoardCard


@dataclass(frozen=True)
class Dialog:
    """A form: its title, its fields, and the action its values go to (it returns the line
    to show, or the new deal's id and that line)."""

    title: str
    fields: list[Field]
    job: Callable[[dict[str, str]], Any]


def _amount(card: BoardCard) -> str:
    from salesflow.parsing.money import money_text

    return money_text(card.value_minor, card.currency)


def won(card: BoardCard, actions: BoardActions) -> Dialog:
    """`w`: the amount, prefilled with the deal's value."""
    return Dialog(
        f"Won #{card.deal_id} {card.title}",
        [Field("amount", f"Amount ({card.currency})", _amount(card))],
        lambda v: actions.win(card.deal_id, v["amount"]),
    )


def lost(card: BoardCard, actions: BoardActions) -> Dialog:
    """`x`: a reason from the configured list (suggested as you type), competitor, note."""
    from salesflow.config import load_config

    reasons = tuple(load_config().lost_reasons)
    return Dialog(
        f"Lost #{card.deal_id} {card.title}",
        [
            Field("reason", f"Reason: {', '.join(reasons)}", choices=reasons),
            Field("competitor", "Competitor (optional)"),
            Field("note", "Note (optional)"),
        ],
        lambda v: actions.lose(card.deal_id, v["reason"], v["competitor"], v["note"]),
    )


def follow_up(card: BoardCard, actions: BoardActions) -> Dialog:
    """`t`: what to do, and when (any form `--due` takes)."""
    return Dialog(
        f"Follow-up on #{card.deal_id} {card.title}",
        [
            Field("text", "What to do"),
            Field("due", "Due (2026-12-01, tomorrow, +3d, fri, eow …)", "tomorrow"),
        ],
        lambda v: actions.add_follow_up(card.deal_id, v["text"], v["due"]),
    )


def activity(card: BoardCard, actions: BoardActions) -> Dialog:
    """`a`: the activity's type and what happened."""
    from salesflow.domain.inputs import ACTIVITY_TYPES

    return Dialog(
        f"Log on #{card.deal_id} {card.title}",
        [
            Field(
                "kind",
                "Type (call, email, meeting, demo, note …)",
                "call",
                choices=tuple(ACTIVITY_TYPES),
            ),
            Field("summary", "What happened"),
        ],
        lambda v: actions.log(card.deal_id, v["kind"], v["summary"]),
    )


def edit(card: BoardCard, actions: BoardActions) -> Dialog:
    """`e`: value, owner and close date, prefilled."""
    close = card.close_by.isoformat() if card.close_by else ""
    return Dialog(
        f"Edit #{card.deal_id} {card.title}",
        [
            Field("value", f"Value ({card.currency})", _amount(card)),
            Field("owner", "Owner", card.owner),
            Field("close_by", "Expected close (2026-12-31, eom, +30d …)", close),
        ],
        lambda v: actions.edit(
            card.deal_id, value=v["value"], owner=v["owner"], close_by=v["close_by"]
        ),
    )


def new_lead(pipeline: str | None, actions: BoardActions) -> Dialog:
    """`n`: a lead in the board's pipeline, owned by the acting user."""
    return Dialog(
        "New lead",
        [
            Field("name", "Name (the deal's title)"),
            Field("company", "Company (optional: the name)"),
            Field("value", "Value (optional: 12000, 12.5k)"),
            Field("close_by", "Expected close (optional)"),
        ],
        lambda v: actions.add_lead(
            v["name"],
            company=v["company"],
            value=v["value"],
            close_by=v["close_by"],
            pipeline=pipeline,
        ),
    )
