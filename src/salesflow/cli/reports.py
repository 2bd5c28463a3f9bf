"""Manager views: `funnel` and `report kpis|forecast|reps|products|lost|stages|html`.

Every report takes the same scope options (`--pipeline --since --until --owner --period
--currency`; the funnel has no `--period`) and `--json`/`--csv`. They are declared once, in
`_SCOPE_OPTIONS`, and `_report` adds them to each command; the command body gets one
`ReportScope` built from them (`_Run.scope`), calls one service on a Reader and renders.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from salesflow.cli.app import CsvFlag, JsonFlag, app, group
from salesflow.cli.context import state
from salesflow.parsing.typed import parse_day

if TYPE_CHECKING:
    from salesflow.services.reports.scope import ReportScope

Opt = typer.Option

report_app = group(
    "report", "Reports for the sales manager: kpis, forecast, reps, products, lost, stages, html."
)

PipelineOpt = Annotated[str | None, Opt("--pipeline", help="Pipeline (default: the default).")]
SinceOpt = Annotated[str | None, Opt("--since", help="Window start (a date; default: all time).")]
FunnelSinceOpt = Annotated[str | None, Opt("--since", help="Window start (a date).")]
UntilOpt = Annotated[str | None, Opt("--until", help="Window end (a date, inclusive).")]
OwnerOpt = Annotated[str | None, Opt("--owner", help="Only this rep's deals.")]
PeriodOpt = Annotated[str, Opt("--period", help="month or quarter.", metavar="month|quarter")]
CurrencyOpt = Annotated[
    str | None, Opt("--currency", help="Report currency (default: the most used).")
]
SeedOpt = Annotated[int, Opt("--seed", help="Seed of the simulation (same seed, same figures).")]
TrialsOpt = Annotated[
    int | None, Opt("--trials", help="Simulation trials (default 1000, fewer for huge pipelines).")
]
MinHistoryOpt = Annotated[
    int, Opt("--min-history", help="Closed deals a stage's measured win rate needs.")
]
HtmlOutOpt = Annotated[Path, Opt("--out", help="The HTML file to write.", metavar="FILE")]
HtmlSeedOpt = Annotated[int, Opt("--seed", help="Seed of the forecast simulation.")]
KpisByOpt = Annotated[
    str | None,
    Opt("--by", help="Also the figures per source, industry, country, product or team.",
        metavar="source|industry|country|product|team"),
]  # fmt: skip
RepsByOpt = Annotated[
    str,
    Opt(
        "--by", help="One line per rep, team, manager or office.", metavar="rep|team|manager|office"
    ),
]

# (name, option, default): the scope options every report shares, in their order on --help
_SCOPE_OPTIONS: list[tuple[str, Any, Any]] = [
    ("pipeline", PipelineOpt, None),
    ("since", SinceOpt, None),
    ("until", UntilOpt, None),
    ("owner", OwnerOpt, None),
    ("period", PeriodOpt, "month"),
    ("currency", CurrencyOpt, None),
]
_FUNNEL_OPTIONS = [
    ("since", FunnelSinceOpt, None) if name == "since" else (name, kind, default)
    for name, kind, default in _SCOPE_OPTIONS
    if name != "period"
]
_SCOPE_NAMES = {name for name, _, _ in _SCOPE_OPTIONS}


@dataclass
class _Run:
    """One report invocation: its context, the scope built once, and the command's own options
    (the output format is on the AppContext, chosen by --json / --csv)."""

    ctx: typer.Context
    scope: ReportScope
    own: dict[str, Any] = field(default_factory=dict)

    def report(
        self,
        build: Callable[..., Any],
        to_json: Callable[[Any], dict[str, Any]],
        show: Callable[[Any, Any], None],
        *,
        csv: Callable[[Any], tuple[list[str], list[list[Any]]]] | None = None,
        rows: tuple[str, tuple[str, ...]] | None = None,
        **options: Any,
    ) -> None:
        """Build the report (`build(reader=, scope=, **options)`) and print it (`Output.emit`) as
        JSON (`to_json`), CSV (`csv(result)`, or the JSON's list `rows[0]` in the columns
        `rows[1]`) or a table (`show(out, result)`)."""
        with state(self.ctx).reader() as reader:
            result = build(reader=reader, scope=self.scope, **options)
        out = state(self.ctx).output()

        def table() -> tuple[list[str], list[list[Any]]]:
            if csv is not None:
                return csv(result)
            assert rows is not None
            return _rows(to_json(result), *rows)

        out.emit(json=lambda: to_json(result), csv=table, table=lambda: show(out, result))


def _build_scope(options: dict[str, Any], check: Callable[[], None] | None) -> ReportScope:
    """The one `ReportScope` of a command, from its options; the checks run in the order the
    contract's errors come: --period, the dates, --currency, the command's own, the window."""
    from salesflow.parsing.money import check_currency
    from salesflow.services.reports.scope import check_period, report_scope

    period = options.get("period", "month")
    check_period(period)
    since, until = parse_day(options["since"]), parse_day(options["until"])
    currency = options["currency"]
    code = check_currency(currency) if currency else None
    if check is not None:
        check()
    return report_scope(pipeline=options["pipeline"], since=since, until=until,
                        owner=options["owner"], currency=code, period=period)  # fmt: skip


def _report(
    parent: typer.Typer,
    *,
    first: tuple[tuple[str, Any, Any], ...] = (),
    extra: tuple[tuple[str, Any, Any], ...] = (),
    scope_options: list[tuple[str, Any, Any]] = _SCOPE_OPTIONS,
    csv: bool = True,
    check: Callable[[_Run], None] | None = None,
) -> Callable[[Callable[[_Run], None]], Callable[..., None]]:
    """Register a report command whose options are `first`, the shared scope options, `extra`,
    `--json` and (unless `csv=False`) `--csv`; its body gets a `_Run`. `check` validates the
    command's own options before the window is checked (and before the database is opened)."""

    def register(body: Callable[[_Run], None]) -> Callable[..., None]:
        flags = [("json", JsonFlag, False), *([("csv", CsvFlag, False)] if csv else [])]
        declared = [*first, *scope_options, *extra, *flags]

        def command(ctx: typer.Context, **options: Any) -> None:
            own = {k: v for k, v in options.items() if k not in _SCOPE_NAMES | {"json", "csv"}}
            run = _Run(ctx=ctx, scope=None, own=own)  # type: ignore[arg-type]
            run.scope = _build_scope(options, (lambda: check(run)) if check else None)
            body(run)

        parameters = [
            inspect.Parameter(
                "ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context
            ),  # fmt: skip
            *(
                inspect.Parameter(
                    name, inspect.Parameter.KEYWORD_ONLY, annotation=kind, default=default
                )  # fmt: skip
                for name, kind, default in declared
            ),
        ]
        command.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
        command.__annotations__ = {p.name: p.annotation for p in parameters}
        command.__name__ = command.__qualname__ = body.__name__
        command.__doc__ = body.__doc__
        parent.command()(command)
        return command

    return register


def _rows(
    data: dict[str, Any], key: str, columns: tuple[str, ...]
) -> tuple[list[str], list[list[Any]]]:
    return list(columns), [[row[c] for c in columns] for row in data[key]]


@_report(app, scope_options=_FUNNEL_OPTIONS)
def funnel(run: _Run) -> None:
    """The funnel: entered, now, converted, conversion and median days per stage; win rate."""
    from salesflow.render.funnel import funnel_csv, funnel_json, show_funnel
    from salesflow.services.reports.funnel import build_funnel

    run.report(build_funnel, funnel_json, show_funnel, csv=funnel_csv)


def _check_kpis(run: _Run) -> None:
    from salesflow.services.reports.kpis import check_kpi_group

    check_kpi_group(run.own["by"])


@_report(report_app, extra=(("by", KpisByOpt, None),), check=_check_kpis)
def kpis(run: _Run) -> None:
    """Deals created, won, lost, win rate, won value, ARPU, cycle, pipeline, lead velocity."""
    from salesflow.render.reports.kpis import kpis_csv, kpis_json, show_kpis
    from salesflow.services.reports.kpis import build_kpis

    run.report(build_kpis, kpis_json, show_kpis, csv=kpis_csv, by=run.own["by"])


def _check_forecast(run: _Run) -> None:
    from salesflow.services.reports.forecast import check_simulation

    check_simulation(run.own["trials"], run.own["min_history"])


@_report(
    report_app,
    extra=(("seed", SeedOpt, 0), ("trials", TrialsOpt, None), ("min_history", MinHistoryOpt, 20)),
    check=_check_forecast,
)
def forecast(run: _Run) -> None:
    """Per period: weighted, commit, best case, historical, and P10/P50/P90 of the won value."""
    from salesflow.render.reports.forecast import forecast_csv, forecast_json, show_forecast
    from salesflow.services.reports.forecast import build_forecast

    run.report(build_forecast, forecast_json, show_forecast, csv=forecast_csv, **run.own)


def _check_reps(run: _Run) -> None:
    from salesflow.services.reports.team import check_group

    check_group(run.own["by"])


@_report(report_app, extra=(("by", RepsByOpt, "rep"),), check=_check_reps)
def reps(run: _Run) -> None:
    """Per rep (or team, manager, office): open, won, lost, win rate, won value, cycle, …"""
    from salesflow.render.reports import team
    from salesflow.services.reports.team import build_reps

    if run.own["by"] == "rep":
        run.report(build_reps, team.reps_json, team.show_reps, rows=("reps", team.REP_KEYS))
    else:
        run.report(build_reps, team.rep_groups_json, team.show_rep_groups,
                   rows=("groups", team.GROUP_KEYS), by=run.own["by"])  # fmt: skip


@_report(report_app)
def products(run: _Run) -> None:
    """Per main product: open, won, lost, win rate, won value, average won, median cycle."""
    from salesflow.render.reports.team import PRODUCT_KEYS, products_json, show_products
    from salesflow.services.reports.team import build_products

    run.report(build_products, products_json, show_products, rows=("products", PRODUCT_KEYS))


@_report(report_app)
def lost(run: _Run) -> None:
    """Lost reasons ranked by count and value, the stages lost from, competitors."""
    from salesflow.render.reports.lost import lost_csv, lost_json, show_lost
    from salesflow.services.reports.lost import build_lost

    run.report(build_lost, lost_json, show_lost, csv=lost_csv)


@_report(report_app)
def stages(run: _Run) -> None:
    """Time in stage (median, P90), conversion and losses per stage; the bottlenecks."""
    from salesflow.render.reports.stages import STAGE_KEYS, show_stages, stages_json
    from salesflow.services.reports.stages import build_stages

    run.report(build_stages, stages_json, show_stages, rows=("stages", STAGE_KEYS))


def _check_html(run: _Run) -> None:
    state(run.ctx).check_output(run.own["out"])  # before anything is opened or created


@_report(
    report_app,
    first=(("out", HtmlOutOpt, inspect.Parameter.empty),),
    extra=(("seed", HtmlSeedOpt, 0),),
    csv=False,
    check=_check_html,
)
def html(run: _Run) -> None:
    """One self-contained HTML dashboard: KPIs, funnel, win rate, forecast, reps, stages."""
    from salesflow.render.dashboard import dashboard_html
    from salesflow.services.reports.dashboard import build_dashboard

    app_ctx, out = state(run.ctx), run.own["out"]
    with app_ctx.reader() as reader:
        result = build_dashboard(reader=reader, scope=run.scope, seed=run.own["seed"])
    page = dashboard_html(result)
    app_ctx.write_file(out, page, what="report html")
    printer, size = app_ctx.output(), len(page.encode("utf-8"))
    printer.emit(json=lambda: {"path": str(out), "bytes": size},
                 table=lambda: printer.line(f"Wrote {out} ({size:,} bytes)."))  # fmt: skip
