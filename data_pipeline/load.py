"""Loading one file: detect, parse, then write everything in one transaction.

A file rejected whole writes no data: only a load run with status ``rejected`` and the reason,
so the data team's history shows it whether it came by the command line or an upload. A file
that loads writes its rows, its rejects, its load run, its source-file record and the rebuilt
marts its rows feed together, or (if the process dies part-way) none of them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, Table, exists, func, insert, or_, select, update
from sqlalchemy.exc import SQLAlchemyError

from data_pipeline.config import Config
from data_pipeline.errors import FileRejected, Problem
from data_pipeline.extract import Source
from data_pipeline.fingerprint import loader_fingerprint
from data_pipeline.formats import detect_format, format_by_id
from data_pipeline.formats.base import (
    FileWarning,
    LinkScope,
    Money,
    Parsed,
    ParseStream,
    reject_records,
    whole_file,
)
from data_pipeline.parse_apart import stream_apart, worth_parsing_apart
from warehouse.db import bulk_load_settings, one_load_at_a_time
from warehouse.marts import refresh_marts
from warehouse.schema import (
    meta_audit_log,
    meta_load_runs,
    meta_load_warnings,
    meta_rejected_rows,
    meta_source_files,
)
from warehouse.upsert import (
    UpsertCounts,
    delete_stale_links,
    first_load_in_batches,
    upsert_frame,
)

Progress = Callable[[str, float], None]
Refine = Callable[[Source, Parsed], Parsed]
"""A step between parsing and writing, for one kind of load only (the refresh's area filter):
it may drop rows from the frames, and says so in the parsed file's warnings."""


@dataclass
class LoadResult:
    """What happened to one file."""

    file_name: str
    format_id: str | None
    rows_read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    problems: list[Problem] = field(default_factory=list)
    rejected_whole: bool = False
    load_run_id: int | None = None
    warnings: list[FileWarning] = field(default_factory=list)
    money: Money | None = None
    pence_loaded: int | None = None
    # The run that loaded this very file under the same loader and configuration: nothing
    # was written, and the counts are that run's.
    unchanged_since: int | None = None

    @property
    def loaded(self) -> int:
        """Rows of the file now in the warehouse (new, changed or already there)."""
        return self.inserted + self.updated + self.unchanged

    @property
    def status(self) -> str:
        """``unchanged`` when the same file was loaded before and nothing was written,
        ``rejected`` when nothing loaded (the file refused, or every row rejected),
        ``partial`` when some rows were rejected, else ``loaded``."""
        if self.unchanged_since is not None:
            return UNCHANGED
        return run_status(self.rejected_whole, self.loaded, self.rejected)


UNCHANGED = "unchanged"
# Runs that wrote the file's rows: a later run of the same file may find nothing to write.
WROTE = ("loaded", "partial")


def run_status(rejected_whole: bool, loaded: int, rejected: int) -> str:
    """A load run's status from what it loaded and rejected."""
    if rejected_whole or (rejected and not loaded):
        return "rejected"
    return "partial" if rejected else "loaded"


def _no_progress(_stage: str, _fraction: float) -> None:
    return None


def load_file(
    engine: Engine,
    path: Path,
    config: Config,
    *,
    format_id: str | None = None,
    progress: Progress = _no_progress,
    refine: Refine | None = None,
    name: str | None = None,
    load_run_id: int | None = None,
) -> LoadResult:
    """Load one file. Never raises for bad input: problems are in the result. ``refine``,
    when given, sees the parsed file before it is written. ``name`` is the name to record the
    file by when it is stored under another (an upload). ``load_run_id`` is a run already
    recorded as ``queued`` (an upload's background load): the load finishes that run, in its
    transaction, instead of starting one."""
    name = name or path.name
    # A refined load drops rows by rules the fingerprint does not cover: it always writes.
    fingerprint = loader_fingerprint(config, format_id) if refine is None else None
    try:
        progress("reading", 0.05)
        source = Source.from_path(path, name if name != path.name else None)
        if fingerprint is not None:
            unchanged = _record_if_unchanged(engine, source, fingerprint, load_run_id)
            if unchanged is not None:
                progress("done", 1.0)
                return unchanged
        fmt = format_by_id(format_id) if format_id else detect_format(source)
        progress("validating", 0.2)
        # A refined load sees the whole file's rows at once: it is parsed whole.
        stream = None
        if fmt.stream and refine is None:
            if worth_parsing_apart(fmt, path, engine.dialect.name):
                stream = stream_apart(fmt, source, config)
            else:
                stream = fmt.stream(source, config)
        if stream is None:
            parsed = fmt.parse(source, config)
            if refine is not None:
                parsed = refine(source, parsed)
            stream = whole_file(parsed)
    except FileRejected as rejection:
        return _rejected_whole(engine, path, name, format_id, rejection.problem, load_run_id)
    except Exception as error:
        problem = Problem(name, None, None, f"could not be parsed ({error!r})")
        return _rejected_whole(engine, path, name, format_id, problem, load_run_id)
    progress("loading", 0.6)
    try:
        with engine.begin() as conn, one_load_at_a_time(conn), bulk_load_settings(conn):
            result = _write(conn, source, stream, load_run_id, fingerprint, progress)
    except SQLAlchemyError as error:
        # The transaction has been rolled back: the warehouse is as it was.
        cause = getattr(error, "orig", None) or error
        reason = f"could not be written to the warehouse ({cause.__class__.__name__}: {cause})"
        problem = Problem(name, None, None, reason)
        return _rejected_whole(engine, path, name, stream.format_id, problem, load_run_id)
    except FileRejected as rejection:
        # Found part-way through a file read a batch at a time: nothing of it was kept.
        return _rejected_whole(engine, path, name, stream.format_id, rejection.problem, load_run_id)
    except Exception as error:
        problem = Problem(name, None, None, f"could not be parsed ({error!r})")
        return _rejected_whole(engine, path, name, stream.format_id, problem, load_run_id)
    progress("done", 1.0)
    return result


def _record_if_unchanged(
    engine: Engine, source: Source, fingerprint: str, queued_run_id: int | None
) -> LoadResult | None:
    """When the warehouse already holds what this file would write, record an ``unchanged``
    run (the queued run ``queued_run_id``, if given, becomes it) and return its result; else
    None, and nothing is written. Reading the file's bytes and one indexed query is all it
    costs, so reloading a folder of files already loaded is quick."""
    with engine.begin() as conn:
        earlier = _last_load_of_same(conn, source, fingerprint)
        if earlier is None:
            return None
        loaded = int(earlier.rows_inserted + earlier.rows_updated + earlier.rows_unchanged)
        now = datetime.now(UTC)
        run: dict[str, Any] = {
            "source_file_id": earlier.source_file_id,
            "file_name": source.name,
            "sha256": source.sha256,
            "detected_format": earlier.detected_format,
            "finished_at": now,
            "status": UNCHANGED,
            "stage": None,
            "fraction": None,
            "rows_read": earlier.rows_read,
            "rows_inserted": 0,
            "rows_updated": 0,
            "rows_unchanged": loaded,
            "rows_rejected": earlier.rows_rejected,
            "message": unchanged_message(int(earlier.load_run_id)),
            "amount_column": earlier.amount_column,
            "pence_read": earlier.pence_read,
            "pence_loaded": earlier.pence_loaded,
            "pence_rejected": earlier.pence_rejected,
            "loader_fingerprint": fingerprint,
            "unchanged_since": earlier.load_run_id,
        }
        load_run_id = _record_run(conn, run, queued_run_id, now)
    return LoadResult(
        file_name=source.name,
        format_id=earlier.detected_format,
        rows_read=int(earlier.rows_read),
        unchanged=loaded,
        rejected=int(earlier.rows_rejected),
        load_run_id=int(load_run_id),
        pence_loaded=earlier.pence_loaded,
        unchanged_since=int(earlier.load_run_id),
    )


def _record_run(
    conn: Connection, run: dict[str, Any], queued_run_id: int | None, now: datetime
) -> int:
    """The queued run ``queued_run_id`` given these values, or a new run started ``now``."""
    if queued_run_id is not None:
        conn.execute(
            update(meta_load_runs)
            .where(meta_load_runs.c.load_run_id == queued_run_id)
            .values(**run)
        )
        return queued_run_id
    return int(
        conn.execute(
            insert(meta_load_runs)
            .values(started_at=now, **run)
            .returning(meta_load_runs.c.load_run_id)
        ).scalar_one()
    )


def unchanged_message(earlier_run_id: int) -> str:
    """What an unchanged run says, on /data and in the command line."""
    return (
        f"unchanged: the same file was loaded by load run {earlier_run_id} with the same "
        "loader and configuration, so nothing was written (its rows, rejected rows and "
        "report are that run's)"
    )


def _last_load_of_same(conn: Connection, source: Source, fingerprint: str) -> Any:
    """The last run that wrote this file's content, if the warehouse still holds what it
    wrote: loaded under the same fingerprint, no other content loaded since under either
    name (which replaces the file's rows and rejects), no stored row of any file changed
    since (a file's rows can be overwritten by another's), and no edit made on the site."""
    runs = meta_load_runs.c
    earlier = conn.execute(
        select(meta_load_runs)
        .where(runs.sha256 == source.sha256, runs.status.in_(WROTE))
        .order_by(runs.load_run_id.desc())
        .limit(1)
    ).first()
    if earlier is None or earlier.loader_fingerprint != fingerprint:
        return None
    names = {source.name, earlier.file_name}
    since = runs.load_run_id > earlier.load_run_id
    replaced = select(func.count()).where(
        since,
        runs.status.in_(WROTE),
        runs.sha256 != source.sha256,
        or_(runs.file_name.in_(names), runs.rows_updated > 0),
    )
    edited = exists().where(meta_audit_log.c.changed_at >= earlier.started_at)
    found = conn.execute(select(replaced.scalar_subquery(), edited)).one()
    if found[0] or found[1]:
        return None
    return earlier


def _cleaned_warnings(source: Source) -> list[FileWarning]:
    """The control characters the readers removed from the file's text, one warning a field."""
    return [
        FileWarning(
            "repaired",
            cleaned.field_name,
            "control characters (such as NUL) were removed from text",
            cleaned.rows,
            [(row, "") for row in cleaned.examples],
        )
        for cleaned in source.cleaned
    ]


def _rejected_whole(
    engine: Engine,
    path: Path,
    name: str,
    format_id: str | None,
    problem: Problem,
    load_run_id: int | None = None,
) -> LoadResult:
    result = LoadResult(name, format_id, problems=[problem], rejected_whole=True)
    result.load_run_id = _record_rejected_run(engine, path, result, load_run_id)
    return result


def _record_rejected_run(
    engine: Engine, path: Path, result: LoadResult, load_run_id: int | None = None
) -> int | None:
    """A load run for a file rejected whole, with its reason (the queued run ``load_run_id``,
    if given, becomes it); None when there is nothing to record it by (the file cannot be
    read, so it has no checksum) or the warehouse cannot be written (the reason is in the
    result either way)."""
    now = datetime.now(UTC)
    message = "; ".join(str(problem) for problem in result.problems)
    if load_run_id is not None:
        try:
            with engine.begin() as conn:
                conn.execute(
                    update(meta_load_runs)
                    .where(meta_load_runs.c.load_run_id == load_run_id)
                    .values(
                        detected_format=result.format_id,
                        finished_at=now,
                        status="rejected",
                        stage=None,
                        fraction=None,
                        message=message,
                    )
                )
        except SQLAlchemyError:
            return None
        return load_run_id
    try:
        with path.open("rb") as stream:
            sha256 = hashlib.file_digest(stream, "sha256").hexdigest()
    except OSError:
        return None
    try:
        with engine.begin() as conn:
            return int(
                conn.execute(
                    insert(meta_load_runs)
                    .values(
                        source_file_id=None,
                        file_name=result.file_name,
                        sha256=sha256,
                        detected_format=result.format_id,
                        started_at=now,
                        finished_at=now,
                        status="rejected",
                        rows_read=0,
                        rows_inserted=0,
                        rows_updated=0,
                        rows_unchanged=0,
                        rows_rejected=0,
                        message=message,
                    )
                    .returning(meta_load_runs.c.load_run_id)
                ).scalar_one()
            )
    except SQLAlchemyError:
        return None


def _write(
    conn: Connection,
    source: Source,
    stream: ParseStream,
    queued_run_id: int | None = None,
    fingerprint: str | None = None,
    progress: Progress = _no_progress,
) -> LoadResult:
    """Write the file's batches as they are parsed, then the rest, in the caller's
    transaction: its source-file record and load run are written first and completed last."""
    now = datetime.now(UTC)
    source_file_id = _record_source_file(conn, source, stream.format_id, now)
    run: dict[str, Any] = {
        "source_file_id": source_file_id,
        "file_name": source.name,
        "sha256": source.sha256,
        "detected_format": stream.format_id,
        "status": "running",
        "rows_read": 0,
        "loader_fingerprint": fingerprint,
    }
    load_run_id = _record_run(conn, run, queued_run_id, now)

    streamed = UpsertCounts()  # the batches' rows, all of the primary table
    changed: list[Table] = []  # tables this load inserted, updated or deleted rows of
    if stream.table is not None:
        with first_load_in_batches(conn, stream.table):
            streamed = _write_batches(
                conn, stream, stream.table, source_file_id, load_run_id, changed, progress
            )
            # A first load's indexes are built here, with no batch left in memory.
    parsed = stream.finish()
    parsed.warnings.extend(_cleaned_warnings(source))
    changed += [s.table for s in parsed.replace_links if _deleted_stale_links(conn, s, parsed)]
    last_primary = UpsertCounts()
    for table, frame in parsed.frames:
        counts = _upsert(conn, table, frame, source_file_id, load_run_id)
        _note_changed(changed, table, counts)
        if table is parsed.primary:
            # The primary table's last frame is the one counted (an area lookup writes the
            # higher areas first, then the areas its rows are about).
            last_primary = counts
    primary = _sum(streamed, last_primary)
    _complete_source_file(conn, source_file_id, parsed)

    rejected_rows = _record_rejects(conn, source, parsed.rejects, load_run_id)
    _record_warnings(conn, parsed.warnings, load_run_id)
    loaded = primary.inserted + primary.updated + primary.unchanged
    status = run_status(False, loaded, rejected_rows)
    money = parsed.money
    conn.execute(
        update(meta_load_runs)
        .where(meta_load_runs.c.load_run_id == load_run_id)
        .values(
            finished_at=datetime.now(UTC),
            status=status,
            stage=None,
            fraction=None,
            rows_read=parsed.rows_read,
            rows_inserted=primary.inserted,
            rows_updated=primary.updated,
            rows_unchanged=primary.unchanged,
            rows_rejected=rejected_rows,
            message=f"every one of its {rejected_rows} rows was rejected"
            if status == "rejected"
            else None,
            amount_column=money.column if money else None,
            pence_read=money.read_pence if money else None,
            pence_loaded=parsed.loaded_pence,
            pence_rejected=money.rejected_pence if money else None,
        )
    )
    # Only the marts these tables feed: every earlier load left the others consistent.
    refresh_marts(conn, changed)
    problems = [
        Problem(source.name, r["row_number"], r["field"], r["reason"])
        for r in reject_records(parsed.rejects)
    ]
    return LoadResult(
        file_name=source.name,
        format_id=parsed.format_id,
        rows_read=parsed.rows_read,
        inserted=primary.inserted,
        updated=primary.updated,
        unchanged=primary.unchanged,
        rejected=rejected_rows,
        problems=problems,
        load_run_id=load_run_id,
        warnings=parsed.warnings,
        money=money,
        pence_loaded=parsed.loaded_pence,
    )


def _write_batches(
    conn: Connection,
    stream: ParseStream,
    table: Table,
    source_file_id: int,
    load_run_id: int,
    changed: list[Table],
    progress: Progress,
) -> UpsertCounts:
    """Upsert each batch as it is parsed; the rows written, counted. The tables whose rows
    changed are added to ``changed``. (Parsing the next batch in a thread while one is written
    was tried: the write holds Python's lock for most of its time, so at 1,000,000 grants the
    load took longer, used a quarter more processor time and 0.1 GB more memory.)"""
    streamed = UpsertCounts()
    for frame in stream.batches:
        counts = _upsert(conn, table, frame, source_file_id, load_run_id)
        streamed = _sum(streamed, counts)
        _note_changed(changed, table, counts)
        written = streamed.inserted + streamed.updated + streamed.unchanged
        progress("loading", 0.6 + 0.3 * min(written / max(stream.rows, 1), 1.0))
    return streamed


def _record_warnings(conn: Connection, warnings: list[FileWarning], load_run_id: int) -> None:
    if not warnings:
        return
    conn.execute(
        insert(meta_load_warnings),
        [
            {
                "load_run_id": load_run_id,
                "kind": w.kind,
                "field": w.field_name,
                "message": w.message,
                "rows": w.rows,
                "examples": json.dumps(w.examples, ensure_ascii=False) if w.examples else None,
            }
            for w in warnings
        ],
    )


def _record_source_file(conn: Connection, source: Source, format_id: str, now: datetime) -> int:
    """The file's record, found by its content or made; ``_complete_source_file`` fills in
    what its parse found once the rows are written."""
    existing = conn.execute(
        select(meta_source_files.c.source_file_id).where(
            meta_source_files.c.sha256 == source.sha256
        )
    ).scalar_one_or_none()
    values = {"file_name": source.name, "detected_format": format_id, "last_loaded_at": now}
    if existing is not None:
        conn.execute(
            update(meta_source_files)
            .where(meta_source_files.c.source_file_id == existing)
            .values(**values)
        )
        return int(existing)
    return int(
        conn.execute(
            insert(meta_source_files)
            .values(sha256=source.sha256, first_loaded_at=now, row_count=0, **values)
            .returning(meta_source_files.c.source_file_id)
        ).scalar_one()
    )


def _complete_source_file(conn: Connection, source_file_id: int, parsed: Parsed) -> None:
    conn.execute(
        update(meta_source_files)
        .where(meta_source_files.c.source_file_id == source_file_id)
        .values(row_count=parsed.rows_read, publisher=parsed.publisher, licence=parsed.licence)
    )


def _upsert(
    conn: Connection, table: Table, frame: pd.DataFrame, source_file_id: int, load_run_id: int
) -> UpsertCounts:
    return upsert_frame(conn, table, frame, source_file_id=source_file_id, load_run_id=load_run_id)


def _sum(one: UpsertCounts, other: UpsertCounts) -> UpsertCounts:
    return UpsertCounts(
        one.inserted + other.inserted, one.updated + other.updated, one.unchanged + other.unchanged
    )


def _note_changed(changed: list[Table], table: Table, counts: UpsertCounts) -> None:
    if (counts.inserted or counts.updated) and table not in changed:
        changed.append(table)


def _deleted_stale_links(conn: Connection, scope: LinkScope, parsed: Parsed) -> bool:
    keep = next((f for t, f in parsed.frames if t is scope.table), pd.DataFrame())
    return bool(delete_stale_links(conn, scope.table, scope.parent_column, scope.parent_ids, keep))


def _record_rejects(
    conn: Connection, source: Source, rejects: pd.DataFrame, load_run_id: int
) -> int:
    """Replace the file's earlier rejects (same name or same content) with this run's."""
    conn.execute(
        meta_rejected_rows.delete().where(
            or_(
                meta_rejected_rows.c.file_name == source.name,
                meta_rejected_rows.c.sha256 == source.sha256,
            )
        )
    )
    if rejects.empty:
        return 0
    records = [
        {"load_run_id": load_run_id, "file_name": source.name, "sha256": source.sha256, **r}
        for r in reject_records(rejects)
    ]
    conn.execute(insert(meta_rejected_rows), records)
    return int(rejects["row_number"].nunique(dropna=False))
