"""What the warehouse holds: rows per table, the last load of each source, the rejects."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, func, select

from data_pipeline.errors import Problem
from data_pipeline.formats.base import reject_records
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
                )
                .where(meta_load_runs.c.load_run_id.in_(latest))
                .order_by(meta_load_runs.c.file_name)
            )
        ]
        by_reason = {
            str(reason): int(count)
            for reason, count in conn.execute(
                select(meta_rejected_rows.c.reason, func.count())
                .group_by(meta_rejected_rows.c.reason)
                .order_by(func.count().desc())
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
