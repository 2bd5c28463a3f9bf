"""Email drafts on screen and in JSON: `email draft`."""

from __future__ import annotations

from typing import Any

from salesflow.render.output import Output
from salesflow.services.followups.views import EmailDraft


def email_json(draft: EmailDraft) -> dict[str, Any]:
    """`email draft --json`."""
    return {
        "deal_id": draft.deal_id,
        "template": draft.template,
        "to": draft.to,
        "subject": draft.subject,
        "path": draft.path,
        "sent": draft.sent,
        "activity_id": draft.activity_id,
        "message_id": draft.message_id,
    }


def show_email(out: Output, draft: EmailDraft) -> None:
    """Where the draft went, and whether it was sent."""
    verb = "Sent" if draft.sent else "Drafted"
    out.line(f"{verb} \u201c{draft.subject}\u201d to {draft.to} (deal #{draft.deal_id}).")
    out.line(f"  {draft.path}")
    if not draft.sent:
        out.line("  Open it in your mail app, or send it with --send.")
