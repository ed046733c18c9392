"""What the warehouse holds: rows per table, the last load of each source, the rejects."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, func, select

from data_pipeline.errors import Problem
from data_pipeline.formats.base import reject_records
from warehouse.queries.file_quality import latest_run_id, quality_report, truthful_status
from warehouse.schema import meta_load_runs, meta_rejected_rows, metadata


def warehouse_report(engine: Engine) -> dict[str, object]:
    """Rows per table, the last load of each file, and rejected rows by reason."""
    with engine.connect() as conn:
        tables = {
            table.name: int(conn.execute(select(func.count()).select_from(table)).scalar_one())
            for table in metadata.sorted_tables
        }
        latest = (
            select(func.max(meta_load_runs.c.load_run_id))
            .group_by(meta_load_runs.c.file_name)
            .scalar_subquery()
        )
        last_loads = [
            dict(row._mapping)
            for row in conn.execute(
                select(
                    meta_load_runs.c.file_name,
                    meta_load_runs.c.detected_format,
                    meta_load_runs.c.finished_at,
                    meta_load_runs.c.status,
                    meta_load_runs.c.rows_read,
                    meta_load_runs.c.rows_inserted,
                    meta_load_runs.c.rows_updated,
                    meta_load_runs.c.rows_unchanged,
                    meta_load_runs.c.rows_rejected,
                    meta_load_runs.c.message,
                )
                .where(meta_load_runs.c.load_run_id.in_(latest))
                .order_by(meta_load_runs.c.file_name)
            )
        ]
        for run in last_loads:
            run["rows_loaded"] = run["rows_inserted"] + run["rows_updated"] + run["rows_unchanged"]
            run["status"] = truthful_status(run["status"], run["rows_loaded"], run["rows_rejected"])
        # Rows, not problems: a row with the same reason on two fields counts once.
        rows_by_reason = (
            select(
                meta_rejected_rows.c.reason,
                meta_rejected_rows.c.sha256,
                meta_rejected_rows.c.row_number,
            )
            .distinct()
            .subquery()
        )
        by_reason = {
            str(reason): int(count)
            for reason, count in conn.execute(
                select(rows_by_reason.c.reason, func.count())
                .group_by(rows_by_reason.c.reason)
                .order_by(func.count().desc(), rows_by_reason.c.reason)
            )
        }
        rejected_total = int(
            conn.execute(
                select(func.count()).select_from(
                    select(meta_rejected_rows.c.sha256, meta_rejected_rows.c.row_number)
                    .distinct()
                    .subquery()
                )
            ).scalar_one()
        )
    return {
        "tables": tables,
        "last_loads": last_loads,
        "rejected_rows": rejected_total,
        "rejected_by_reason": by_reason,
    }


def refusal(engine: Engine, file_name: str) -> str | None:
    """Why a file has no rejected rows to list: it was rejected whole (the reason), or it was
    never loaded. None when its latest load read rows."""
    run_id = latest_run_id(engine, file_name)
    report = quality_report(engine, run_id) if run_id is not None else None
    if report is None:
        return f"{file_name}: no load of a file of that name"
    if not report.rejected_whole:
        return None
    return (
        f"{report.message or f'{file_name}: the file could not be read'}\n"
        f"{file_name} was rejected whole (load {report.load_run_id}): no row was read, "
        "so none is listed"
    )


def rejected_rows(engine: Engine, file_name: str | None = None) -> pd.DataFrame:
    """Every rejected-row problem, optionally for one file, in file and row order."""
    query = select(
        meta_rejected_rows.c.file_name,
        meta_rejected_rows.c.row_number,
        meta_rejected_rows.c.field,
        meta_rejected_rows.c.reason,
        meta_rejected_rows.c.raw,
    ).order_by(meta_rejected_rows.c.file_name, meta_rejected_rows.c.row_number)
    if file_name:
        query = query.where(meta_rejected_rows.c.file_name == file_name)
    with engine.connect() as conn:
        return pd.read_sql(query, conn)


def problems_of(rejects: pd.DataFrame) -> list[Problem]:
    """Reject records (as from ``rejected_rows``) as problems that print as FILE:ROW: FIELD."""
    return [
        Problem(file_name, r["row_number"], r["field"], r["reason"])
        for file_name, r in zip(rejects["file_name"], reject_records(rejects), strict=True)
    ]
