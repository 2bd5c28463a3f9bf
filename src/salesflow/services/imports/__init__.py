"""`salesflow import`: bring deals, companies and contacts in from other systems' exports.

`import_files` is the one entry point. It picks the preset (given, or recognised from the
headers), streams every file a record at a time, turns each into records (`rows`), resolves
duplicates and inserts in batches (`writer`), all inside the caller's one transaction: a failure
anywhere leaves the database as it was. Without `skip_invalid` any bad row fails the whole import
(every row is still read, so the message can say how many are bad); with it, bad rows go to the
errors file with their line numbers and reasons and the rest are imported.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from salesflow.clock import now_utc
from salesflow.config import load_config
from salesflow.errors import InvalidInput, UsageProblem
from salesflow.outfiles import Protected, input_files
from salesflow.services.imports.csvfile import BadRecord, CsvFile, check_encoding
from salesflow.services.imports.job import (
    ErrorSink,
    ImportInterrupted,
    ImportJob,
    ImportReport,
    Rejection,
)
from salesflow.services.imports.mapping import (
    PRESETS,
    detect_preset,
    parse_maps,
    plan_columns,
)
from salesflow.services.imports.records import RowRejected
from salesflow.services.imports.writer import ON_DUPLICATE, ImportWriter
from salesflow.words import plural

if TYPE_CHECKING:
    from sqlmodel import Session

__all__ = [
    "ON_DUPLICATE",
    "PRESETS",
    "ImportInterrupted",
    "ImportJob",
    "ImportReport",
    "Rejection",
    "import_files",
]


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files as given; a folder stands for the CSV and JSON files in it."""
    import os
    import stat

    from salesflow.outfiles import shown_name

    files: list[Path] = []
    for path in paths:
        try:
            mode = os.stat(path).st_mode
        except FileNotFoundError:
            mode = None
        except OSError as exc:  # a name too long, a loop of links, a folder it may not enter
            raise InvalidInput(f"cannot read {shown_name(path)}: {exc.strerror or exc}") from None
        if mode is not None and stat.S_ISDIR(mode):
            found = sorted(p for p in path.iterdir() if p.suffix.lower() in (".csv", ".json"))
            if not found:
                raise InvalidInput(f"{path} holds no .csv or .json files")
            files.extend(found)
        elif mode is None:
            raise InvalidInput(f"no file {shown_name(path)}")
        else:
            files.append(path)
    return files


def total_bytes(paths: list[Path]) -> int:
    """The size of what `import_files` will read, for a progress bar."""
    return sum(p.stat().st_size for p in expand_paths(paths))


def _looks_like_json(path: Path) -> bool:
    if path.suffix.lower() == ".json":
        return True
    try:
        with path.open("rb") as handle:
            return handle.read(64).lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")
    except OSError:
        return False


def _choose_preset(given: str | None, files: list[Path], encoding: str | None) -> str:
    if given:
        wanted = given.strip().lower()
        if wanted not in PRESETS:
            raise UsageProblem(f"unknown preset {given!r}", hint=f"presets: {', '.join(PRESETS)}")
        return wanted
    if all(_looks_like_json(p) for p in files):
        return "salesflow"
    found: set[str | None] = set()
    for path in files:
        if _looks_like_json(path):
            raise InvalidInput(f"{path} is JSON and the other files are CSV: import them apart")
        with CsvFile(path, encoding=encoding) as handle:
            found.add(detect_preset(handle.header))
    if "maven" in found:
        return "maven"
    known = {p for p in found if p and p != "generic"}
    if len(known) > 1:
        raise InvalidInput(
            f"the files look like different systems' exports ({', '.join(sorted(known))})",
            hint="import them one at a time, or give --preset",
        )
    return known.pop() if known else "generic"


def import_files(
    paths: list[Path],
    *,
    session: Session,
    actor: str,
    preset: str | None = None,
    maps: list[str] | None = None,
    pipeline: str | None = None,
    new_pipeline: str | None = None,
    stages: list[str] | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    errors_path: Path | None = None,
    on_duplicate: str = "skip",
    encoding: str | None = None,
    on_read: Callable[[int], None] | None = None,
    protected: Iterable[Protected] = (),
) -> ImportReport:
    """Import CSV exports (or our own JSON export) inside the caller's transaction.

    Raises InvalidInput when any row is bad and `skip_invalid` is off (nothing is written then:
    the caller's transaction is rolled back). On a dry run everything is checked and counted,
    then rolled back here. The errors file is never one of `protected` (the database's files)
    nor an input file; once in place it is recorded in `written_files` in the same transaction.
    """
    if on_duplicate not in ON_DUPLICATE:
        raise UsageProblem(
            f"--on-duplicate must be skip, update or fail, not {on_duplicate!r}",
        )
    if not paths:
        raise UsageProblem("give at least one file to import")
    if pipeline and new_pipeline:
        raise UsageProblem("--pipeline and --new-pipeline exclude each other")
    encoding = check_encoding(encoding)
    files = expand_paths(paths)
    chosen = _choose_preset(preset, files, encoding)
    if skip_invalid and errors_path is None:
        first = files[0]
        errors_path = first.with_name(first.stem + ".errors.csv")
        if not os.access(first.parent, os.W_OK):
            errors_path = Path(first.stem + ".errors.csv")
    report = ImportReport(preset=chosen, files=[str(p) for p in files], dry_run=dry_run,
                          on_duplicate=on_duplicate)  # fmt: skip
    sink = ErrorSink(errors_path if skip_invalid else None, [*protected, *input_files(files)])
    job = ImportJob(
        session=session, report=report, actor=actor, skip_invalid=skip_invalid, errors=sink,
        encoding=encoding, on_read=on_read, maps=parse_maps(maps or []), pipeline=pipeline,
        stage_map=_stage_map(stages or []),
    )  # fmt: skip
    try:
        if chosen == "salesflow":
            from salesflow.services.imports.native import import_native

            import_native(job, files)
        elif chosen == "maven":
            from salesflow.services.imports.maven import import_maven

            import_maven(job, files)
        else:
            if new_pipeline:
                from salesflow.services.imports.stages import make_pipeline

                job.pipeline = make_pipeline(new_pipeline, files, preset=chosen, maps=job.maps,
                                             encoding=encoding, session=session)  # fmt: skip
                report.pipeline_created = job.pipeline
            _import_csv(job, files, chosen)
        if job.failing:
            bad = report.rejections[0]
            more = f" ({plural(report.rejected, 'row')} are bad)" if report.rejected > 1 else ""
            raise InvalidInput(
                f"{bad.file}{where(bad.line)}: {bad.reason}{more}; nothing was imported",
                hint="fix the file, or --skip-invalid to import the good rows "
                "(the bad ones go to --errors FILE)",
            )
    except BaseException:
        sink.discard()
        raise
    if dry_run:
        sink.discard()
        session.rollback()
    else:
        report.errors_file = sink.commit()
        if sink.written:
            from salesflow.models import WrittenFile

            session.add(WrittenFile(path=sink.written, what="import --errors", at=now_utc(),
                                    by=actor))  # fmt: skip
    return report


def where(line: int | None) -> str:
    """` line N` for a CSV row; nothing for a JSON item (its reason says where)."""
    return "" if line is None else f" line {line}"


def _stage_map(pairs: list[str]) -> dict[str, str]:
    result = {}
    for pair in pairs:
        theirs, sep, ours = pair.rpartition("=")
        if not sep or not theirs.strip() or not ours.strip():
            raise UsageProblem(f"--stage {pair!r} is not FILE_STAGE=STAGE",
                               hint="e.g. --stage 'Appointment Scheduled=contacted'")  # fmt: skip
        result[theirs.strip().lower()] = ours.strip()
    return result


def _import_csv(job: ImportJob, files: list[Path], preset: str) -> None:
    """Pipedrive, HubSpot and plain CSV files: one row, one deal (or company and contact)."""
    from salesflow.services.imports.rows import RowContext, build_row

    config = load_config()
    now = now_utc()
    expected = 0
    for path in files:
        with CsvFile(path, encoding=job.encoding) as handle:
            expected += handle.estimated_records
    job.writer = writer = ImportWriter(
        session=job.session, on_duplicate=job.report.on_duplicate, actor=job.actor, now=now,
        expected_rows=expected,
    )  # fmt: skip
    for path in files:
        with job.open_csv(path) as handle:
            plan = plan_columns(handle.header, preset, job.maps)
            if not set(plan.fields) & {"title", "company", "contact", "first_name", "email"}:
                raise InvalidInput(
                    f"{path}: no column gives a deal title, company, contact or email "
                    f"(columns: {', '.join(h for h in handle.header[:8] if h)})",
                    hint="give --preset, or --map COLUMN=FIELD (e.g. --map 'Deal Name=title')",
                )
            if plan.ignored:
                job.report.ignored_columns[path.name] = plan.ignored
            ctx = RowContext(
                session=job.session, plan=plan, preset=preset,
                source_label=f"{preset}: {path.name}", actor=job.actor, now=now,
                default_currency=config.currency, lost_reasons=config.lost_reasons,
                date_order=config.date_order, pipeline_option=job.pipeline,
                stage_map=job.stage_map,
            )  # fmt: skip
            report = job.report
            # the loop every row goes through: kept to the calls each row needs
            check, add = writer.check, writer.add
            for record in handle.records():
                report.rows += 1
                if isinstance(record, BadRecord):
                    job.reject(path.name, record.line, record.reason, handle.header, record.cells)
                    continue
                try:
                    row = build_row(ctx, record.line, record.cells)
                    if row is None:
                        continue
                    check(row)
                except RowRejected as exc:
                    job.reject(path.name, record.line, exc.reason, handle.header, record.cells)
                    continue
                if not report.rejected or job.skip_invalid:  # not failing: keep writing
                    add(row)
            for key, count in ctx.pipelines_used.items():
                job.report.pipelines[key] = job.report.pipelines.get(key, 0) + count
            if ctx.lost_as_other:
                job.report.notes.append(
                    f"{plural(ctx.lost_as_other, 'lost reason')} "
                    f"{'is' if ctx.lost_as_other == 1 else 'are'} not in your list: kept as "
                    "`other`, with the words in the note"
                )
    job.report.counts = writer.finish(sync=job.keeps)
    _note_variants(job.report)


def _note_variants(report: ImportReport) -> None:
    merged = [names for names in report.counts.company_variants.values() if len(names) > 1]
    if merged:
        sample = "; ".join(" = ".join(sorted(n)) for n in merged[:3])
        report.notes.append(
            f"{plural(len(merged), 'company', 'companies')} spelled more than one way, "
            f"merged ({sample})"
        )
