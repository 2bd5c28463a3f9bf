"""Deals on screen and in JSON: the card (`show`), `lead list`, and move confirmations."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from salesflow.render.formats import day_json, money_json, money_screen, when_json, when_screen
from salesflow.render.output import Column, Output
from salesflow.render.tasks import task_json
from salesflow.services.deals.views import DealView
from salesflow.words import plural

if TYPE_CHECKING:
    from salesflow.services.deals.leads import OpenDeal

LIST_COLUMNS = ["id", "title", "company", "stage", "status", "value", "currency", "owner",
                "close_by", "score"]  # fmt: skip


def deal_json(deal: DealView, *, history: bool = True) -> dict[str, Any]:
    """The contract's deal keys (plus a few more)."""
    data: dict[str, Any] = {
        "id": deal.id,
        "title": deal.title,
        "pipeline": deal.pipeline,
        "stage": deal.stage,
        "stage_name": deal.stage_name,
        "status": deal.status,
        "value": money_json(deal.value_minor, deal.currency),
        "currency": deal.currency,
        "probability": float(deal.probability),
        "owner": deal.owner,
        "company": deal.company,
        "contact": deal.contact,
        "email": deal.email,
        "source": deal.source,
        "close_by": day_json(deal.close_by),
        "score": deal.score,
        "lifecycle": deal.lifecycle,
        "created_at": when_json(deal.created_at),
        "updated_at": when_json(deal.updated_at),
        "version": deal.version,  # for `edit --if-version`
    }
    if history:
        data["history"] = [
            {
                "from": m.from_stage,
                "to": m.to_stage,
                "at": when_json(m.at),
                "by": m.by,
                "note": m.note,
                "forced": m.forced,
                "regression": m.regression,
            }
            for m in deal.history
        ]
        data["tasks"] = [task_json(t) for t in deal.tasks]
        data["activities"] = [{**a, "at": when_json(a["at"])} for a in deal.activities]
        data["quotes"] = [
            {
                "id": q["id"],
                "version": q["version"],
                "status": q["status"],
                "total": money_json(q["total_minor"], q["currency"]),
                "currency": q["currency"],
                "valid_until": day_json(q["valid_until"]),
            }
            for q in deal.quotes
        ]
        data["collateral"] = deal.collateral
        data["close"] = (
            None
            if deal.close is None
            else {
                "outcome": deal.close.outcome,
                "amount": money_json(deal.close.amount_minor, deal.close.currency),
                "currency": deal.close.currency,
                "reason": deal.close.reason,
                "competitor": deal.close.competitor,
                "note": deal.close.note,
                "date": day_json(deal.close.closed_on),
            }
        )
    return data


def show_card(out: Output, deal: DealView) -> None:
    """The deal card for people."""
    out.line(f"#{deal.id} {deal.title}", style="bold")
    facts = [
        ("Company", deal.company or "–"),
        ("Contact", ", ".join(x for x in (deal.contact, deal.email, deal.phone) if x) or "–"),
        ("Pipeline", deal.pipeline),
        ("Stage", f"{deal.stage_name} ({deal.stage}) since {when_screen(deal.stage_entered_at)}"),
        ("Status", deal.status),
        ("Value", money_screen(deal.value_minor, deal.currency)),
        ("Probability", f"{deal.probability * 100:.0f}%"),
        ("Owner", deal.owner),
        ("Source", deal.source or "–"),
        ("Close by", day_json(deal.close_by) or "–"),
        ("Score", f"{deal.score} ({deal.lifecycle})"),
    ]
    if deal.close:
        c = deal.close
        detail = f"{c.outcome} on {c.closed_on}, {money_screen(c.amount_minor, c.currency)}"
        if c.reason:
            detail += f", reason: {c.reason}"
        if c.competitor:
            detail += f", to {c.competitor}"
        facts.append(("Outcome", detail))
    width = max(len(k) for k, _ in facts)
    for key, value in facts:
        out.line(f"  {key.ljust(width)}  {value}")
    open_tasks = [t for t in deal.tasks if t.done_at is None]
    out.line()
    if open_tasks:
        out.table(
            [Column("id", True), Column("due"), Column("follow-up"), Column("owner")],
            [[t.id, t.due, t.text, t.owner] for t in open_tasks],
            title="Open follow-ups",
            styles=["red" if t.overdue_days else None for t in open_tasks],
        )
    else:
        out.line("No open follow-up: add the next step with `salesflow task add`.", style="yellow")
    if deal.collateral:
        out.line()
        out.line("Collateral for this stage:")
        for item in deal.collateral:
            out.line(f"  {item.get('title')}: {item.get('link')}")
    out.line()
    out.table(
        [Column("when"), Column("from"), Column("to"), Column("by"), Column("note")],
        [
            [
                when_screen(m.at),
                m.from_stage or "(created)",
                m.to_stage + (" ↩" if m.regression else "") + (" (forced)" if m.forced else ""),
                m.by,
                m.note or "",
            ]
            for m in deal.history
        ],
        title="Stage history",
    )
    if deal.activities:
        out.line()
        out.table(
            [Column("when"), Column("type"), Column("summary"), Column("outcome"), Column("by")],
            [
                [when_screen(a["at"]), a["type"], a["summary"], a["outcome"] or "", a["by"]]
                for a in deal.activities
            ],
            title="Activities (newest first)",
        )
    else:
        out.line("No activities logged.", style="dim")
    if not deal.quotes:
        out.line("No quotes.", style="dim")
        return
    out.line()
    out.table(
        [Column("quote", True), Column("v", True), Column("status"), Column("total", True),
         Column("valid until")],
        [
            [q["id"], q["version"], q["status"], money_screen(q["total_minor"], q["currency"]),
             day_json(q["valid_until"])]
            for q in deal.quotes
        ],
        title="Quotes (newest first; `salesflow quote show Q`)",
    )  # fmt: skip


def list_rows(deals: list[DealView]) -> list[list[Any]]:
    """`lead list` rows in LIST_COLUMNS order (CSV keeps machine-readable values)."""
    return [
        [
            d.id,
            d.title,
            d.company,
            d.stage,
            d.status,
            money_json(d.value_minor, d.currency),
            d.currency,
            d.owner,
            day_json(d.close_by),
            d.score,
        ]  # fmt: skip
        for d in deals
    ]


def show_list(out: Output, deals: list[DealView]) -> None:
    """`lead list` for people."""
    if not deals:
        out.line("No deals match.", style="dim")
        return
    out.table(
        [
            Column("id", True, priority=9),
            Column("title", priority=7),
            Column("company", priority=5),
            Column("stage", priority=6),
            Column("status", priority=2),
            Column("value", True, priority=8),
            Column("owner", priority=3),
            Column("close by", priority=4),
            Column("score", True, priority=4),
            Column("lifecycle", priority=1),
        ],  # on a narrow terminal the lowest priorities go first
        [
            [
                d.id,
                d.title,
                d.company or "",
                d.stage_name,
                d.status,
                money_screen(d.value_minor, d.currency),
                d.owner,
                day_json(d.close_by) or "",
                d.score,
                d.lifecycle,
            ]
            for d in deals
        ],
    )
    out.line(plural(len(deals), "deal"), style="dim")


def warn_repeat(deal: OpenDeal) -> None:
    """`lead add` of a deal that is already open: one warning line on stderr (never stdout,
    which scripts read the new id or JSON from)."""
    from salesflow.render.output import warning

    where = f" at {deal.company}" if deal.company else ""
    warning(f'deal #{deal.id} "{deal.title}"{where} is already open')
