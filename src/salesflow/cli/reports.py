"""Manager views: `funnel` and `report kpis|forecast|reps|products|lost|stages|html`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

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
    from salesflow.services.reports.funnel import build_funnel

    app_ctx = state(ctx)
    start, end = parse_day(since), parse_day(until)
    code = check_currency(currency) if currency else None
    with app_ctx.reader() as reader:
        result = build_funnel(reader=reader, pipeline=pipeline, since=start, until=end,
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


report_app = typer.Typer(
    help="Reports for the sales manager: kpis, forecast, reps, products, lost, stages, html.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(report_app, name="report")

PipelineOpt = Annotated[str | None, Opt("--pipeline", help="Pipeline (default: the default).")]
SinceOpt = Annotated[str | None, Opt("--since", help="Window start (a date; default: all time).")]
UntilOpt = Annotated[str | None, Opt("--until", help="Window end (a date, inclusive).")]
OwnerOpt = Annotated[str | None, Opt("--owner", help="Only this rep's deals.")]
PeriodOpt = Annotated[str, Opt("--period", help="month or quarter.", metavar="month|quarter")]
CurrencyOpt = Annotated[
    str | None, Opt("--currency", help="Report currency (default: the most used).")
]


def _scope(
    pipeline: str | None,
    since: str | None,
    until: str | None,
    owner: str | None,
    currency: str | None,
    period: str,
) -> dict[str, Any]:
    """The keyword arguments every report service takes, parsed from the options."""
    from salesflow.errors import InvalidInput
    from salesflow.parsing.money import check_currency

    if period not in ("month", "quarter"):
        raise InvalidInput(f"--period must be month or quarter, not {period!r}")
    return {
        "pipeline": pipeline,
        "since": parse_day(since),
        "until": parse_day(until),
        "owner": owner,
        "currency": check_currency(currency) if currency else None,
        "period": period,
    }


def _emit(
    ctx: typer.Context,
    json: bool,
    csv: bool,
    data: dict[str, Any],
    table: tuple[list[str], list[list[Any]]],
    show: Any,
) -> None:
    """Print a report as JSON, CSV or a table."""
    out = state(ctx).output()
    if json:
        out.json(data)
    elif csv:
        out.csv(*table)
    else:
        show(out)


def _rows(
    data: dict[str, Any], key: str, columns: tuple[str, ...]
) -> tuple[list[str], list[list[Any]]]:
    return list(columns), [[row[c] for c in columns] for row in data[key]]


@report_app.command()
def kpis(
    ctx: typer.Context,
    pipeline: PipelineOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    owner: OwnerOpt = None,
    period: PeriodOpt = "month",
    currency: CurrencyOpt = None,
    json: JsonFlag = False,
    csv: CsvFlag = False,
) -> None:
    """Deals created, won, lost, win rate, won value, ARPU, cycle, pipeline, lead velocity."""
    from salesflow.render.reports.kpis import kpis_csv, kpis_json, show_kpis
    from salesflow.services.reports.kpis import build_kpis

    scope = _scope(pipeline, since, until, owner, currency, period)
    with state(ctx).read() as session:
        result = build_kpis(session=session, **scope)
    _emit(ctx, json, csv, kpis_json(result), kpis_csv(result), lambda out: show_kpis(out, result))


@report_app.command()
def forecast(
    ctx: typer.Context,
    pipeline: PipelineOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    owner: OwnerOpt = None,
    period: PeriodOpt = "month",
    currency: CurrencyOpt = None,
    seed: Annotated[
        int, Opt("--seed", help="Seed of the simulation (same seed, same figures).")
    ] = 0,
    trials: Annotated[
        int | None,
        Opt("--trials", help="Simulation trials (default 1000, fewer for huge pipelines)."),
    ] = None,
    min_history: Annotated[
        int, Opt("--min-history", help="Closed deals a stage's measured win rate needs.")
    ] = 20,
    json: JsonFlag = False,
    csv: CsvFlag = False,
) -> None:
    """Per period: weighted, commit, best case, historical, and P10/P50/P90 of the won value."""
    from salesflow.render.reports.forecast import forecast_csv, forecast_json, show_forecast
    from salesflow.services.reports.forecast import build_forecast

    scope = _scope(pipeline, since, until, owner, currency, period)
    with state(ctx).read() as session:
        result = build_forecast(session=session, seed=seed, trials=trials,
                                min_history=min_history, **scope)  # fmt: skip
    _emit(ctx, json, csv, forecast_json(result), forecast_csv(result),
          lambda out: show_forecast(out, result))  # fmt: skip


@report_app.command()
def reps(
    ctx: typer.Context,
    pipeline: PipelineOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    owner: OwnerOpt = None,
    period: PeriodOpt = "month",
    currency: CurrencyOpt = None,
    json: JsonFlag = False,
    csv: CsvFlag = False,
) -> None:
    """Per rep: open, won, lost, win rate, won value, median cycle, activities, overdue."""
    from salesflow.render.reports.team import REP_KEYS, reps_json, show_reps
    from salesflow.services.reports.team import build_reps

    scope = _scope(pipeline, since, until, owner, currency, period)
    with state(ctx).read() as session:
        result = build_reps(session=session, **scope)
    data = reps_json(result)
    _emit(ctx, json, csv, data, _rows(data, "reps", REP_KEYS), lambda out: show_reps(out, result))


@report_app.command()
def products(
    ctx: typer.Context,
    pipeline: PipelineOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    owner: OwnerOpt = None,
    period: PeriodOpt = "month",
    currency: CurrencyOpt = None,
    json: JsonFlag = False,
    csv: CsvFlag = False,
) -> None:
    """Per main product: open, won, lost, win rate, won value, average won, median cycle."""
    from salesflow.render.reports.team import PRODUCT_KEYS, products_json, show_products
    from salesflow.services.reports.team import build_products

    scope = _scope(pipeline, since, until, owner, currency, period)
    with state(ctx).read() as session:
        result = build_products(session=session, **scope)
    data = products_json(result)
    _emit(ctx, json, csv, data, _rows(data, "products", PRODUCT_KEYS),
          lambda out: show_products(out, result))  # fmt: skip


@report_app.command()
def lost(
    ctx: typer.Context,
    pipeline: PipelineOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    owner: OwnerOpt = None,
    period: PeriodOpt = "month",
    currency: CurrencyOpt = None,
    json: JsonFlag = False,
    csv: CsvFlag = False,
) -> None:
    """Lost reasons ranked by count and value, the stages lost from, competitors."""
    from salesflow.render.reports.lost import lost_csv, lost_json, show_lost
    from salesflow.services.reports.lost import build_lost

    scope = _scope(pipeline, since, until, owner, currency, period)
    with state(ctx).read() as session:
        result = build_lost(session=session, **scope)
    _emit(ctx, json, csv, lost_json(result), lost_csv(result), lambda out: show_lost(out, result))


@report_app.command()
def stages(
    ctx: typer.Context,
    pipeline: PipelineOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    owner: OwnerOpt = None,
    period: PeriodOpt = "month",
    currency: CurrencyOpt = None,
    json: JsonFlag = False,
    csv: CsvFlag = False,
) -> None:
    """Time in stage (median, P90), conversion and losses per stage; the bottlenecks."""
    from salesflow.render.reports.stages import STAGE_KEYS, show_stages, stages_json
    from salesflow.services.reports.stages import build_stages

    scope = _scope(pipeline, since, until, owner, currency, period)
    with state(ctx).read() as session:
        result = build_stages(session=session, **scope)
    data = stages_json(result)
    _emit(ctx, json, csv, data, _rows(data, "stages", STAGE_KEYS),
          lambda out: show_stages(out, result))  # fmt: skip


@report_app.command()
def html(
    ctx: typer.Context,
    out: Annotated[Path, Opt("--out", help="The HTML file to write.", metavar="FILE")],
    pipeline: PipelineOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    owner: OwnerOpt = None,
    period: PeriodOpt = "month",
    currency: CurrencyOpt = None,
    seed: Annotated[int, Opt("--seed", help="Seed of the forecast simulation.")] = 0,
    json: JsonFlag = False,
) -> None:
    """One self-contained HTML dashboard: KPIs, funnel, win rate, forecast, reps, stages."""
    from salesflow.render.dashboard import dashboard_html
    from salesflow.services.reports.dashboard import build_dashboard

    scope = _scope(pipeline, since, until, owner, currency, period)
    app_ctx = state(ctx)
    app_ctx.check_output(out)  # before anything is opened or created
    with app_ctx.read() as session:
        result = build_dashboard(session=session, seed=seed, **scope)
    page = dashboard_html(result)
    app_ctx.write_file(out, page, what="report html")
    printer = app_ctx.output()
    if json:
        printer.json({"path": str(out), "bytes": len(page.encode("utf-8"))})
    else:
        printer.line(f"Wrote {out} ({len(page.encode('utf-8')):,} bytes).")
