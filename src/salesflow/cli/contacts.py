"""`contact export | forget`: a person's data handed over, or erased."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from salesflow.cli.app import JsonFlag, choose_format, group
from salesflow.cli.context import state
from salesflow.outfiles import typed_text

if TYPE_CHECKING:
    from salesflow.render.output import Output
    from salesflow.services.privacy import Forgotten

contact_app = group("contact", "A person's data: export it or erase it.")
ContactArg = Annotated[
    str, typer.Argument(help="Contact id (12, #12), email, or a piece of the name.")
]


@contact_app.command("export")
def export_(
    ctx: typer.Context,
    contact: ContactArg,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Write to this file (default: standard output).", metavar="FILE"
        ),
    ] = None,  # fmt: skip
    json: Annotated[
        bool,
        typer.Option(
            "--json", help="With --out: report the file written as JSON.", callback=choose_format
        ),
    ] = False,
) -> None:
    """Everything salesflow holds about a person, as JSON (to hand to them)."""
    import json as json_module
    import sys

    from salesflow.services.privacy import contact_data

    app_ctx = state(ctx)
    if out is not None:
        app_ctx.check_output(out)  # before anything is opened or created
    with app_ctx.read() as session:
        data = contact_data(contact, session=session)
    text = json_module.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if out is None:  # the data itself is JSON already: --json changes nothing here
        sys.stdout.write(text)
        return
    app_ctx.write_file(out, text, what="contact export")
    printer = app_ctx.output()
    printer.emit(
        json=lambda: {"contact_id": data["contact"]["id"], "written": str(out)},
        table=lambda: printer.line(f"Wrote {data['contact']['name']}'s data to {typed_text(out)}."),
    )


@contact_app.command()
def forget(
    ctx: typer.Context,
    contact: ContactArg,
    yes: Annotated[
        bool, typer.Option("--yes", help="Yes, erase them (it cannot be undone).")
    ] = False,
    json: JsonFlag = False,
) -> None:
    """Erase a person: name, email, phone, title; their deals keep anonymous figures."""
    from salesflow.config import outbox_dir
    from salesflow.errors import UsageProblem
    from salesflow.services.privacy import forget_contact, purge_file, remove_outbox_drafts

    if not yes:
        raise UsageProblem(
            "forgetting a person cannot be undone: add --yes",
            hint=f"`salesflow contact export {contact}` first hands over their data",
        )
    app_ctx = state(ctx)
    with app_ctx.write() as session:
        gone = forget_contact(contact, actor=app_ctx.actor, session=session)
    purge_file(app_ctx.database(), gone)
    gone.outbox_files = remove_outbox_drafts(gone, outbox_dir(app_ctx.database().target))
    out = app_ctx.output()
    out.emit(
        json=lambda: {
            "contact_id": gone.contact_id,
            "deals": gone.deals,
            "texts_scrubbed": gone.texts_scrubbed,
            "outbox_files": gone.outbox_files,
            "verified": gone.verified,
            "vacuumed": gone.vacuumed,
            "note": gone.note,
            "written_files": gone.written_files,
        },
        table=lambda: _show_forgotten(out, gone),
    )


def _show_forgotten(out: Output, gone: Forgotten) -> None:
    """What `contact forget` did, in words."""
    from salesflow.words import noun, plural

    n = len(gone.deals)
    deals = ", ".join(f"#{d}" for d in gone.deals) or "none"
    out.line(f"Forgot contact #{gone.contact_id}. Their {noun(n, 'deal')} ({deals}) "
             f"{noun(n, 'keeps', 'keep')} anonymous figures.")  # fmt: skip
    if gone.texts_scrubbed:
        places = plural(gone.texts_scrubbed, "place")
        out.line(f"Scrubbed their name or email from {places} in their deals.")
    if gone.outbox_files:
        drafts = plural(gone.outbox_files, "drafted email")
        out.line(f"Removed {drafts} to them from the outbox.")
    if gone.verified:
        out.line("Checked: the database file no longer holds their email.")
    if gone.note:
        out.line(f"Note: {gone.note}")
    if gone.written_files:
        out.line(
            "Note: these files written earlier may still hold their data: "
            + ", ".join(gone.written_files)
        )
