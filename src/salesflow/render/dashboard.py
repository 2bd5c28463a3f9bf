"""`report html`: one self-contained HTML file (inline CSS and SVG, no script, no network).

A Content-Security-Policy meta tag forbids every fetch, so the file renders the same offline, in a
mail attachment or on a shared drive. Every text from the database is HTML-escaped.
"""

from __future__ import annotations

from html import escape
from typing import Any

from salesflow.render.formats import day_json, money_screen, percent
from salesflow.services.reports.views import Dashboard, ForecastPeriod

_CSS = """
:root { --ink: #1f2933; --muted: #616e7c; --line: #d9e2ec; --bar: #2f80ed; --bar2: #9cc3f5;
        --won: #27ae60; --lost: #eb5757; --warn: #f2994a; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
       margin: 0; padding: 24px; background: #f5f7fa; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 0 0 12px; }
.sub { color: var(--muted); margin: 0 0 20px; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(460px, 1fr)); gap: 16px;
        align-items: start; }
.wide { grid-column: 1 / -1; }
.scroll { overflow-x: auto; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 16px; }
.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px;
         margin-bottom: 16px; }
.tile { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px; }
.tile b { display: block; font-size: 20px; }
.tile span { color: var(--muted); font-size: 12px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 4px 6px; border-bottom: 1px solid var(--line);
         white-space: nowrap; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
svg { display: block; width: 100%; max-width: 760px; height: auto; }
svg.wide { max-width: 100%; }
svg text { font: 12px system-ui, sans-serif; fill: var(--ink); }
.note { color: var(--muted); font-size: 12px; margin-top: 8px; }
.legend span { display: inline-block; margin-right: 12px; font-size: 12px; }
.legend i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; }
"""


def _e(value: Any) -> str:
    return escape(str(value), quote=True)


def _compact(minor: int, currency: str) -> str:
    """An amount for a tile or a chart label: 410.9M USD, 28.6k USD, 950 USD."""
    from salesflow.parsing.money import from_minor

    amount = from_minor(minor, currency)
    for size, suffix in ((10**9, "B"), (10**6, "M"), (10**3, "k")):
        if abs(amount) >= size:
            return f"{amount / size:,.1f}{suffix} {currency}"
    return f"{amount:,.0f} {currency}"


def _days(days: Any) -> str:
    return "–" if days is None else str(days)


def _tile(label: str, value: str, exact: str | None = None) -> str:
    tip = f' title="{_e(exact)}"' if exact else ""
    return f'<div class="tile"{tip}><span>{_e(label)}</span><b>{_e(value)}</b></div>'


def _money_tile(label: str, minor: int | None, currency: str) -> str:
    """A tile with a rounded amount, the exact one as its tooltip."""
    if minor is None:
        return _tile(label, "–")
    return _tile(label, _compact(minor, currency), money_screen(minor, currency))


def _hbars(rows: list[tuple[str, float, float, str]], width: int = 560) -> str:
    """Horizontal bars: (label, value, second value drawn over it, text at the end)."""
    longest = max((len(label) for label, _, _, _ in rows), default=0)
    label_w, row_h, text_w = min(180, max(80, 7 * longest + 10)), 26, 230
    widest = max((max(v, w) for _, v, w, _ in rows), default=0) or 1
    span = width - label_w - text_w
    parts = [f'<svg viewBox="0 0 {width} {row_h * len(rows) + 4}" role="img">']
    for i, (label, value, over, text) in enumerate(rows):
        y = i * row_h + 4
        parts.append(f'<text x="0" y="{y + 15}">{_e(label)}</text>')
        long, short = span * value / widest, span * over / widest
        tip = f"<title>{_e(label)}: {_e(text)}</title>"
        parts.append(f'<rect x="{label_w}" y="{y}" width="{long:.1f}" height="18" '
                     f'fill="var(--bar2)">{tip}</rect>')  # fmt: skip
        if over:
            parts.append(f'<rect x="{label_w}" y="{y}" width="{short:.1f}" height="18" '
                         f'fill="var(--bar)"/>')  # fmt: skip
        parts.append(f'<text x="{label_w + long + 6:.1f}" y="{y + 15}">{_e(text)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _funnel(d: Dashboard) -> str:
    f = d.funnel
    rows = [
        (s.name, float(s.entered), float(s.converted),
         f"{s.entered} in, {s.converted} on ({percent(s.conversion_rate)})")
        for s in f.stages
    ]  # fmt: skip
    won = money_screen(f.won_value_minor, f.currency)
    lost = money_screen(f.lost_value_minor, f.currency)
    return (
        '<div class="card"><h2>Funnel</h2>'
        '<div class="legend"><span><i style="background:var(--bar2)"></i>entered</span>'
        '<span><i style="background:var(--bar)"></i>converted</span></div>'
        + _hbars(rows)
        + f'<p class="note">Won {f.won_count} ({_e(won)}) · Lost {f.lost_count} ({_e(lost)}) · '
        f"Win rate {percent(f.win_rate)}</p></div>"
    )


def _win_rate(d: Dashboard) -> str:
    periods = d.kpis.periods
    width, height, left, bottom, top = 560, 220, 40, 30, 10
    if not periods:
        return '<div class="card"><h2>Win rate over time</h2><p>No deals yet.</p></div>'
    step = (width - left - 10) / max(1, len(periods))
    plot_h = height - bottom - top
    parts = [f'<svg viewBox="0 0 {width} {height}" role="img">']
    for pct in (0, 25, 50, 75, 100):
        y = top + plot_h * (1 - pct / 100)
        parts.append(f'<line x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" '
                     'stroke="var(--line)"/>'
                     f'<text x="0" y="{y + 4:.1f}">{pct}%</text>')  # fmt: skip
    points = []
    for i, p in enumerate(periods):
        x = left + step * (i + 0.5)
        closed = p.won + p.lost
        if p.win_rate is not None:
            y = top + plot_h * (1 - float(p.win_rate))
            points.append(f"{x:.1f},{y:.1f}")
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="var(--won)">'
                         f"<title>{_e(p.period)}: {percent(p.win_rate)} of {closed} closed"
                         "</title></circle>")  # fmt: skip
        if i % -(-len(periods) // 8) == 0:  # at most eight labels, so they never overlap
            parts.append(f'<text x="{x:.1f}" y="{height - 8}" text-anchor="middle">'
                         f"{_e(p.period)}</text>")  # fmt: skip
    if len(points) > 1:
        parts.insert(1, f'<polyline points="{" ".join(points)}" fill="none" stroke="var(--won)" '
                        'stroke-width="2"/>')  # fmt: skip
    parts.append("</svg>")
    return '<div class="card"><h2>Win rate over time</h2>' + "".join(parts) + "</div>"


def _forecast(d: Dashboard) -> str:
    f = d.forecast
    c = f.window.currency
    lines: list[ForecastPeriod] = [*f.periods, f.overdue, f.undated]
    lines = [p for p in lines if p.deals or p.won_minor or p.period not in ("overdue", "undated")]
    series = [("weighted", "var(--bar2)"), ("commit", "var(--won)"),
              ("best_case", "var(--warn)"), ("historical", "var(--bar)")]  # fmt: skip
    width, height, left, bottom, top = 1100, 260, 10, 30, 10
    widest = max((max(p.p90_minor, p.best_case_minor, p.historical_minor) for p in lines),
                 default=0) or 1  # fmt: skip
    group = min(180.0, (width - left) / max(1, len(lines)))
    bar_w = group * 0.8 / len(series)
    plot_h = height - bottom - top
    parts = [f'<svg class="wide" viewBox="0 0 {width} {height}" role="img">']
    for i, p in enumerate(lines):
        x0 = left + group * i + group * 0.1
        for j, (name, color) in enumerate(series):
            value = getattr(p, f"{name}_minor")
            h = plot_h * value / widest
            parts.append(f'<rect x="{x0 + j * bar_w:.1f}" y="{top + plot_h - h:.1f}" '
                         f'width="{bar_w - 1:.1f}" height="{h:.1f}" fill="{color}"><title>'
                         f"{_e(p.period)} {name.replace('_', ' ')}: {_e(money_screen(value, c))}"
                         "</title></rect>")  # fmt: skip
        # P10-P90 whisker with a P50 tick, over the group
        mid = x0 + group * 0.4
        y10, y50, y90 = (top + plot_h * (1 - v / widest) for v in (p.p10_minor, p.p50_minor,
                                                                   p.p90_minor))  # fmt: skip
        parts.append(f'<line x1="{mid:.1f}" x2="{mid:.1f}" y1="{y10:.1f}" y2="{y90:.1f}" '
                     f'stroke="var(--ink)" stroke-width="2"><title>{_e(p.period)} P10 '
                     f"{_e(money_screen(p.p10_minor, c))} – P90 {_e(money_screen(p.p90_minor, c))}"
                     f'</title></line><line x1="{mid - 5:.1f}" x2="{mid + 5:.1f}" y1="{y50:.1f}" '
                     f'y2="{y50:.1f}" stroke="var(--ink)" stroke-width="2"/>')  # fmt: skip
        parts.append(f'<text x="{x0 + group * 0.4:.1f}" y="{height - 8}" text-anchor="middle">'
                     f"{_e(p.period)}</text>")  # fmt: skip
    parts.append("</svg>")
    legend = "".join(
        f'<span><i style="background:{color}"></i>{name.replace("_", " ")}</span>'
        for name, color in series
    )
    rows = "".join(
        f"<tr><td>{_e(p.period)}</td><td class=n>{p.deals}</td>"
        + "".join(
            f'<td class=n title="{_e(money_screen(getattr(p, k + "_minor"), c))}">'
            f"{_e(_compact(getattr(p, k + '_minor'), c))}</td>"
            for k in ("won", "weighted", "commit", "best_case", "historical", "p10", "p50", "p90")
        )
        + "</tr>"
        for p in [*lines, f.total]
    )
    head = "".join(f"<th class=n>{h}</th>" for h in ("deals", "won so far", "weighted", "commit",
                                                      "best case", "historical", "P10", "P50",
                                                      "P90"))  # fmt: skip
    return (
        '<div class="card wide"><h2>Forecast</h2>'
        f'<div class="legend">{legend}<span>│ P10–P90, P50 tick</span></div>'
        + "".join(parts)
        + f'<div class="scroll"><table><tr><th>{_e(f.window.period)}</th>{head}</tr>{rows}'
        "</table></div>"
        f'<p class="note">Won so far plus open deals by close date. Simulation: {f.trials} '
        f"trials, seed {f.seed}; historical rates need {f.min_history} closed deals per stage."
        "</p></div>"
    )


def _reps(d: Dashboard) -> str:
    r = d.reps
    c = r.window.currency
    rows = [
        (x.owner, float(x.won_value_minor), 0.0,
         f"{_compact(x.won_value_minor, c)} won · {percent(x.win_rate)}")
        for x in r.reps
    ]  # fmt: skip
    table = "".join(
        f"<tr><td>{_e(x.owner)}</td><td class=n>{x.open}</td><td class=n>{x.won}</td>"
        f"<td class=n>{x.lost}</td><td class=n>{percent(x.win_rate)}</td>"
        f"<td class=n>{_e(money_screen(x.won_value_minor, c))}</td>"
        f"<td class=n>{'–' if x.median_cycle_days is None else x.median_cycle_days}</td>"
        f"<td class=n>{x.activities}</td><td class=n>{x.overdue}</td></tr>"
        for x in r.reps
    )
    return (
        '<div class="card wide"><h2>Reps</h2>'
        + (_hbars(rows) if rows else "<p>No reps in this window.</p>")
        + '<div class="scroll"><table><tr><th>rep</th><th class=n>open</th>'
        "<th class=n>won</th><th class=n>lost</th><th class=n>win rate</th>"
        "<th class=n>won value</th><th class=n>median cycle</th>"
        f"<th class=n>activities</th><th class=n>overdue</th></tr>{table}</table></div></div>"
    )


def _stages(d: Dashboard) -> str:
    s = d.stages
    rows = [
        (x.name, float(x.p90_days or 0), float(x.median_days or 0),
         f"median {_days(x.median_days)} d, P90 {_days(x.p90_days)} d")
        for x in s.stages
    ]  # fmt: skip
    names = {x.key: x.name for x in s.stages}
    notes = []
    if s.loses_most:
        notes.append(f"Loses the most deals: <b>{_e(names[s.loses_most])}</b>.")
    if s.waits_longest:
        notes.append(f"Deals wait longest in: <b>{_e(names[s.waits_longest])}</b>.")
    lost = d.lost
    reasons = [(x.reason or "(none)", float(x.count), 0.0,
                f"{x.count} · {_compact(x.value_minor, lost.window.currency)}")
               for x in lost.reasons]  # fmt: skip
    return (
        '<div class="card"><h2>Time in stage</h2>'
        '<div class="legend"><span><i style="background:var(--bar)"></i>median</span>'
        '<span><i style="background:var(--bar2)"></i>P90</span></div>'
        + _hbars(rows)
        + f'<p class="note">{" ".join(notes)}</p>'
        + "<h2>Lost reasons</h2>"
        + (_hbars(reasons) if reasons else "<p>No deals lost in this window.</p>")
        + "</div>"
    )


def dashboard_html(d: Dashboard) -> str:
    """The whole dashboard as one HTML document."""
    k = d.kpis
    c = k.window.currency
    span = f"{day_json(k.window.since) or 'start'} .. {day_json(k.window.until) or 'now'}"
    who = f", owner {k.window.owner}" if k.window.owner else ""
    velocity = "–" if k.lead_velocity is None else f"{k.lead_velocity:+}%"
    cycle = "–" if k.median_cycle_days is None else f"{k.median_cycle_days} days"
    tiles = "".join(
        [
            _tile("Deals created", str(k.deals_created)),
            _tile("Won", str(k.won)),
            _tile("Lost", str(k.lost)),
            _tile("Win rate", percent(k.win_rate)),
            _money_tile("Won value", k.won_value_minor, c),
            _money_tile("Average won deal", k.avg_won_value_minor, c),
            _money_tile("ARPU", k.arpu_minor, c),
            _tile("Median sales cycle", cycle),
            _money_tile("Open pipeline", k.pipeline_value_minor, c),
            _money_tile("Weighted pipeline", k.weighted_pipeline_minor, c),
            _tile(f"Lead velocity ({k.this_period})", velocity),
            _money_tile("Sales velocity, a day", k.sales_velocity.per_day_minor, c),
        ]
    )
    left_out = ""
    if k.window.left_out:
        others = ", ".join(f"{n} in {cur}" for cur, n in k.window.left_out.items())
        left_out = f'<p class="note">Left out: deals in other currencies ({_e(others)}).</p>'
    title = f"salesflow · {k.window.pipeline} ({c}), {span}{who}"
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>"
        f"<h1>{_e(title)}</h1>"
        f'<p class="sub">As of {day_json(d.forecast.as_of)} · report period: '
        f"{_e(k.window.period)}</p>"
        f'<div class="tiles">{tiles}</div>'
        '<div class="grid">'
        + _funnel(d)
        + _win_rate(d)
        + _forecast(d)
        + _reps(d)
        + _stages(d)
        + f"</div>{left_out}</body></html>\n"
    )
