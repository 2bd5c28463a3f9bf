"""After the win: `customer list`, `renewals`, `feedback add`."""

from __future__ import annotations

from typing import Annotated

import typer

from salesflow.cli.app import CsvFlag, JsonFlag, app, group
from salesflow.cli.context import state

Opt = typer.Option
customer_app = group("customer", "Customers after the win.")
feedback_app = group("feedback", "Customer feedback (NPS).")


@customer_app.command("list")
def list_customers_(
    ctx: typer.Context,
    at_risk: Annotated[
        bool, Opt("--at-risk", help="Only customers at risk, with the reason.")
    ] = False,
    json: JsonFlag = False,
    csv: CsvFlag = False,
) -> None:
    """Companies that bought: won value, renewal, NPS, last activity, risk."""
    from salesflow.render.customers import customer_json, show_customers
    from salesflow.services.customers import list_customers

    app_ctx = state(ctx)
    with app_ctx.read() as session:
        customers = list_customers(session=session, at_risk_only=at_risk)
    out = app_ctx.output()
    out.emit(
        json=lambda: {"customers": [customer_json(c) for c in customers]},
        csv=lambda: (
            ["company", "won_deals", "renewal_on", "nps", "last_activity", "at_risk"],
            [
                [c.company, c.won_deals, c.renewal_on, c.nps, c.last_activity, "; ".join(c.at_risk)]
                for c in customers
            ],
        ),
        table=lambda: show_customers(out, customers, at_risk=at_risk),
    )


@app.command()
def renewals(
    ctx: typer.Context,
    within: Annotated[
        str, Opt("--within", help="How far ahead: 90d, 12w, 6m or a number of days.")
    ] = "90d",
    json: JsonFlag = False,
) -> None:
    """Contracts coming up for renewal, soonest first."""
    from salesflow.errors import InvalidInput
    from salesflow.render.customers import renewal_json, show_renewals
    from salesflow.services.customers import renewals as upcoming

    text = within.strip().lower()
    factor = {"d": 1, "w": 7, "m": 30}.get(text[-1:])
    number = text[:-1] if factor else text
    if not (number.isascii() and number.isdigit()) or int(number) * (factor or 1) > 36_600:
        raise InvalidInput(
            f"--within {within!r} is not a number of days (up to 100 years)",
            hint="e.g. 90d, 12w, 6m",
        )
    days = int(number) * (factor or 1)
    app_ctx = state(ctx)
    with app_ctx.read() as session:
        rows = upcoming(within_days=days, session=session)
    out = app_ctx.output()
    out.emit(json=lambda: {"within_days": days, "renewals": [renewal_json(r) for r in rows]},
             table=lambda: show_renewals(out, rows, days))  # fmt: skip


@feedback_app.command("add")
def feedback_add(
    ctx: typer.Context,
    deal: Annotated[str, typer.Argument(help="Deal id or a piece of its title/company.")],
    score: Annotated[int, Opt("--score", help="0 (never) to 10 (certainly) would recommend us.")],
    note: Annotated[str | None, Opt("--note", help="What they said.")] = None,
    json: JsonFlag = False,
) -> None:
    """Record a customer's feedback score (NPS scale)."""
    from salesflow.services.customers import add_feedback

    app_ctx = state(ctx)
    with app_ctx.write() as session:
        row = add_feedback(deal, score=score, note=note, actor=app_ctx.actor, session=session)
    out = app_ctx.output()
    out.emit(
        json=lambda: {"id": row.id, "deal_id": row.deal_id, "score": row.score, "note": row.note},
        table=lambda: out.line(f"Feedback {row.score}/10 recorded on deal #{row.deal_id}."),
    )
