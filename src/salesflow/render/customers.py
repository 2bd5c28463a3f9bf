"""Customers, renewals and feedback on screen and in JSON."""

from __future__ import annotations

from typing import Any

from salesflow.render.formats import day_json, money_json, money_screen
from salesflow.render.output import Column, Output
from salesflow.services.customers import CustomerView, RenewalView
from salesflow.words import plural


def customer_json(c: CustomerView) -> dict[str, Any]:
    """A customer's JSON keys."""
    return {
        "company_id": c.company_id,
        "company": c.company,
        "won_deals": c.won_deals,
        "won": [{"currency": k, "value": money_json(v, k)} for k, v in sorted(c.won.items())],
        "recurring": [
            {"currency": k, "value": money_json(v, k)} for k, v in sorted(c.recurring.items())
        ],
        "renewal_on": day_json(c.renewal_on),
        "nps": c.nps,
        "feedback_count": c.feedback_count,
        "last_activity": day_json(c.last_activity),
        "open_follow_ups": c.open_follow_ups,
        "handoff": c.handoff,
        "at_risk": c.at_risk,
    }


def show_customers(out: Output, customers: list[CustomerView], *, at_risk: bool) -> None:
    """`customer list`."""
    if not customers:
        out.line("No customers at risk." if at_risk else "No customers yet: win a deal first.")
        return
    out.table(
        [
            Column("company"),
            Column("won", True),
            Column("won value", True),
            Column("renewal"),
            Column("NPS", True),
            Column("last activity"),
            Column("at risk"),
        ],
        [
            [
                c.company,
                c.won_deals,
                ", ".join(money_screen(v, k) for k, v in sorted(c.won.items())),
                day_json(c.renewal_on) or "",
                "" if c.nps is None else c.nps,
                day_json(c.last_activity) or "",
                "; ".join(c.at_risk),
            ]
            for c in customers
        ],
        styles=["yellow" if c.at_risk else None for c in customers],
    )


def renewal_json(r: RenewalView) -> dict[str, Any]:
    """A renewal's JSON keys."""
    return {
        "deal_id": r.deal_id,
        "deal": r.deal,
        "company": r.company,
        "renewal_on": day_json(r.renewal_on),
        "days_left": r.days_left,
        "recurring": money_json(r.recurring_minor, r.currency),
        "currency": r.currency,
        "period": r.period,
        "has_next_step": r.has_next_step,
    }


def show_renewals(out: Output, rows: list[RenewalView], within: int) -> None:
    """`renewals`."""
    if not rows:
        out.line(f"No renewals in the next {plural(within, 'day')}.")
        return
    out.table(
        [
            Column("renewal"),
            Column("in", True),
            Column("deal"),
            Column("company"),
            Column("recurring", True),
            Column("next step"),
        ],
        [
            [
                r.renewal_on,
                f"{r.days_left}d",
                f"#{r.deal_id} {r.deal}",
                r.company or "",
                money_screen(r.recurring_minor, r.currency) + (f"/{r.period}" if r.period else ""),
                "yes" if r.has_next_step else "none",
            ]
            for r in rows
        ],
        styles=[None if r.has_next_step else "yellow" for r in rows],
    )
