"""`rule …` to manage scoring rules and `score` to see (and explain) scores."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from salesflow.cli.app import CsvFlag, JsonFlag, app, group
from salesflow.cli.context import state

rule_app = group("rule", "Lead-scoring rules (fit and engagement).")
Opt = typer.Option


@rule_app.command()
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="A unique name for the rule.")],
    fit: Annotated[
        tuple[str, str, str] | None,
        Opt(
            "--fit",
            metavar="FIELD OP VALUE",
            help="Fit rule: e.g. --fit source eq referral, "
            "--fit employees gte 50, --fit country in US,CA. OP: eq ne in gte lte contains.",
        ),
    ] = None,
    event: Annotated[
        str | None, Opt("--event", help="Engagement rule: points per TYPE event.", metavar="TYPE")
    ] = None,
    points: Annotated[int | None, Opt("--points", help="Points (negative to penalise).")] = None,
    half_life: Annotated[
        int | None, Opt("--half-life", help="Engagement halves every DAYS.", metavar="DAYS")
    ] = None,
    cap: Annotated[int | None, Opt("--max", help="Cap on the rule's total (magnitude).")] = None,
    within: Annotated[
        int | None, Opt("--within", help="Only events of the last DAYS.", metavar="DAYS")
    ] = None,
    json: JsonFlag = False,
) -> None:
    """Add a fit rule (--fit FIELD OP VALUE) or an engagement rule (--event TYPE)."""
    from salesflow.errors import UsageProblem
    from salesflow.render.scoring import rule_json
    from salesflow.services.scoring.rules import add_rule, engagement_rule, fit_rule

    if (fit is None) == (event is None):
        raise UsageProblem("give exactly one of --fit FIELD OP VALUE or --event TYPE")
    if points is None:
        raise UsageProblem("--points is required")
    if fit is not None:
        if half_life is not None or cap is not None or within is not None:
            raise UsageProblem("--half-life, --max and --within belong to --event rules")
        spec = fit_rule(name, fit[0], fit[1], fit[2], points)
    else:
        assert event is not None
        spec = engagement_rule(name, event, points, half_life, cap, within)
    app_ctx = state(ctx)
    with app_ctx.write() as session:
        add_rule(spec, session=session)
    out = app_ctx.output()
    out.emit(
        json=lambda: rule_json(spec),
        table=lambda: out.line(f"Rule {spec.name!r}: {spec.describe()} → {spec.points:+d}"),
    )


@rule_app.command("list")
def list_(ctx: typer.Context, json: JsonFlag = False, csv: CsvFlag = False) -> None:
    """List the scoring rules."""
    from salesflow.render.scoring import RULE_COLUMNS, rule_json, show_rules
    from salesflow.services.scoring.rules import list_rules

    app_ctx = state(ctx)
    with app_ctx.reader() as reader:
        rules = list_rules(reader=reader)
    out = app_ctx.output()
    out.emit(
        json=lambda: {"rules": [rule_json(r) for r in rules]},
        csv=lambda: (RULE_COLUMNS, [[rule_json(r).get(c) for c in RULE_COLUMNS] for r in rules]),
        table=lambda: show_rules(out, rules),
    )


@rule_app.command()
def remove(
    ctx: typer.Context, name: Annotated[str, typer.Argument(help="The rule's name.")]
) -> None:
    """Remove a rule."""
    from salesflow.services.scoring.rules import remove_rule

    app_ctx = state(ctx)
    with app_ctx.write() as session:
        remove_rule(name, session=session)
    app_ctx.output().line(f"Removed rule {name!r}.")


@rule_app.command()
def load(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(help="Rules TOML ([[rules]] tables).", metavar="FILE.toml")
    ],
    replace: Annotated[bool, Opt("--replace", help="Replace all current rules.")] = False,
) -> None:
    """Load rules from TOML (all or none)."""
    from salesflow.services.scoring.rules import load_rules, parse_rules
    from salesflow.words import plural

    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        from salesflow.outfiles import cannot_read

        raise cannot_read(file, exc) from None
    specs = parse_rules(text, str(file))
    app_ctx = state(ctx)
    with app_ctx.write() as session:
        count = load_rules(specs, replace=replace, session=session)
    app_ctx.output().line(f"Loaded {plural(count, 'rule')}.")


@rule_app.command()
def export(
    ctx: typer.Context,
    out_file: Annotated[
        Path | None, Opt("--out", help="Write to FILE instead of stdout.", metavar="FILE")
    ] = None,
) -> None:
    """Print the rules as TOML that `rule load` reads back."""
    from salesflow.services.scoring.rules import export_rules, list_rules

    app_ctx = state(ctx)
    if out_file is not None:
        app_ctx.check_output(out_file)  # before anything is opened or created
    with app_ctx.reader() as reader:
        text = export_rules(list_rules(reader=reader))
    if out_file is None:
        typer.echo(text, nl=False)
    else:
        app_ctx.write_file(out_file, text)  # scoring rules hold no customer data: not recorded
        app_ctx.output().line(f"Wrote {out_file}.")


@app.command()
def score(
    ctx: typer.Context,
    deal: Annotated[
        str | None, typer.Argument(help="Deal id or a piece of its title/company.")
    ] = None,
    explain: Annotated[
        bool,
        Opt(
            "--explain",
            help="List every rule's contribution and what would reach the next threshold.",
        ),
    ] = False,
    all_: Annotated[bool, Opt("--all", help="Score every open deal, best first.")] = False,
    limit: Annotated[int | None, Opt("--limit", help="With --all: at most N.")] = None,
    json: JsonFlag = False,
    csv: CsvFlag = False,
) -> None:
    """A deal's score now (fit + engagement), or every open deal's with --all."""
    from salesflow.errors import InvalidInput, UsageProblem
    from salesflow.render.scoring import score_json, show_score, show_scores, to_next_json
    from salesflow.services.deals.lookups import deal_id
    from salesflow.services.scoring.scores import score_deals, score_of
    from salesflow.services.scoring.to_next import next_threshold

    if (deal is None) == (not all_):
        raise UsageProblem("give a DEAL or --all")
    if limit is not None and limit < 1:
        raise InvalidInput("--limit must be 1 or more")
    app_ctx = state(ctx)
    out = app_ctx.output()
    with app_ctx.reader() as reader:
        if deal is not None:
            scored = score_of(deal_id(deal, reader=reader), reader=reader)
            wanted = app_ctx.format == "json" or explain  # --json prints `to_next` always
            ahead = next_threshold(scored, reader=reader) if wanted else None
        else:
            ranked = sorted(
                score_deals(reader=reader, open_only=True).values(),
                key=lambda s: (-s.score, s.deal_id),
            )[:limit]
    if deal is not None:
        out.emit(json=lambda: score_json(scored) | {"to_next": to_next_json(ahead)},
                 table=lambda: show_score(out, scored, explain=explain, ahead=ahead))  # fmt: skip
        return
    out.emit(
        json=lambda: {
            "as_of": score_json(ranked[0])["as_of"] if ranked else None,
            "scores": [score_json(s, parts=explain) for s in ranked],
        },
        csv=lambda: (
            ["deal_id", "deal", "score", "fit", "engagement", "lifecycle"],
            [[s.deal_id, s.title, s.score, s.fit, s.engagement, s.lifecycle] for s in ranked],
        ),
        table=lambda: show_scores(out, ranked),
    )
