"""Manager views: `funnel`."""

from __future__ import annotations

from typing import Annotated

import typer

from salesflow.cli.app import CsvFlag, JsonFlag, app, parse_day, state

Opt = typer.Option


@app.command()
def funnel(
    ctx: typer.Context,
    pipeline: Annotated[
        str | None, Opt("--pipeline", help="Pipeline (default: the default).")
    ] = None,
    since: Annotated[str | None, Opt("--since", help="Window start (a date).")] = None,
    until: Annotated[str | None, Opt("--until", help="Window end (a date, inclusive).")] = None,
    owner: Annotated[str | None, Opt("--owner", help="Only this rep's deals.")] = None,
    currency: Annotated[
        str | None, Opt("--currency", help="Report currency (default: the most used).")
    ] = None,
    json: JsonFlag = False,
    csv: CsvFlag = False,
) -> None:
    """The funnel: entered, now, converted, conversion and median days per stage; win rate."""
    from salesflow.parsing.money import check_currency
    from salesflow.render.funnel import funnel_json, show_funnel
    from salesflow.services.funnel import build_funnel

    app_ctx = state(ctx)
    start, end = parse_day(since), parse_day(until)
    code = check_currency(currency) if currency else None
    with app_ctx.read() as session:
        result = build_funnel(session=session, pipeline=pipeline, since=start, until=end,
                              owner=owner, currency=code)  # fmt: skip
    out = app_ctx.output()
    data = funnel_json(result)
    if json:
        out.json(data)
    elif csv:
        keys = list(data["stages"][0].keys()) if data["stages"] else []
        out.csv(keys, [[s[k] for k in keys] for s in data["stages"]])
    else:
        show_funnel(out, result)
