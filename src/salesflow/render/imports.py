"""What `import` says: a summary for people, stable JSON for scripts."""

from __future__ import annotations

from typing import Any

from salesflow.render.output import Output
from salesflow.services.imports import ImportReport, where
from salesflow.words import plural


def import_json(report: ImportReport) -> dict[str, Any]:
    """The import's result for scripts."""
    c = report.counts
    return {
        "preset": report.preset,
        "files": report.files,
        "dry_run": report.dry_run,
        "on_duplicate": report.on_duplicate,
        "rows": report.rows,
        "rejected": report.rejected,
        "errors_file": report.errors_file,
        "rejections": [
            {"file": r.file, "line": r.line, "reason": r.reason} for r in report.rejections
        ],
        "deals": {
            "created": c.deals_created,
            "updated": c.deals_updated,
            "skipped": c.deals_skipped,
            "by_status": c.by_status,
        },
        "companies": {
            "created": c.companies_created,
            "reused": c.companies_reused,
            "updated": c.companies_updated,
        },
        "contacts": {
            "created": c.contacts_created,
            "reused": c.contacts_reused,
            "updated": c.contacts_updated,
        },
        "products": {"created": report.products_created, "reused": report.products_reused},
        "stage_moves": c.moves,
        "pipelines": report.pipelines,
        "pipeline_created": report.pipeline_created,
        "ignored_columns": report.ignored_columns,
        "notes": report.notes,
        **({"details": report.extra} if report.extra else {}),
    }


def show_import(out: Output, report: ImportReport) -> None:
    """The summary for people."""
    c = report.counts
    verb = "Would import" if report.dry_run else "Imported"
    status = ", ".join(f"{n:,} {s}" for s, n in c.by_status.items() if n)
    out.line(
        f"{verb} {plural(c.deals_created, 'deal')}"
        + (f" ({status})" if status else "")
        + f" from {plural(report.rows, 'record' if report.preset == 'salesflow' else 'row')}"
        + f" ({report.preset})"
        + (f" into {', '.join(report.pipelines)}" if report.pipelines else "")
        + ".",
        style="bold",
    )
    lines = [
        ("Companies", f"{c.companies_created:,} new, {c.companies_reused:,} existing reused"
         + (f", {c.companies_updated:,} updated" if c.companies_updated else "")),
        ("Contacts", f"{c.contacts_created:,} new, {c.contacts_reused:,} existing reused"
         + (f", {c.contacts_updated:,} updated" if c.contacts_updated else "")),
    ]  # fmt: skip
    if c.deals_updated or c.deals_skipped:
        lines.append(("Duplicates", f"{plural(c.deals_updated, 'deal')} updated, "
                                    f"{c.deals_skipped:,} skipped (--on-duplicate "
                                    f"{report.on_duplicate})"))  # fmt: skip
    if report.products_created or report.products_reused:
        lines.append(("Products", f"{report.products_created:,} new, "
                                  f"{report.products_reused:,} existing"))  # fmt: skip
    if report.pipeline_created:
        lines.append(("Pipeline", f"{report.pipeline_created} (new)"))
    for name, columns in report.ignored_columns.items():
        lines.append(("Ignored", f"{name}: {', '.join(columns)}"))
    width = max(len(k) for k, _ in lines)
    for key, value in lines:
        out.line(f"  {key.ljust(width)}  {value}")
    for note in report.notes:
        out.line(f"  Note: {note}")
    if report.rejected:
        written = f" (written to {report.errors_file})" if report.errors_file else ""
        out.line(f"Rejected {plural(report.rejected, 'row')}{written}:", style="yellow")
        for r in report.rejections[:10]:
            out.line(f"  {r.file}{where(r.line)}: {r.reason}")
        if report.rejected > 10:
            out.line(f"  … and {report.rejected - 10:,} more")
    if report.dry_run:
        out.line("Dry run: nothing was written.")
