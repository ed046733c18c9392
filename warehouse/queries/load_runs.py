"""Load runs and their rejected rows, for the data officer (admin only).

Unlike ``warehouse.queries.quality`` (public: rejected rows only ever counted, values masked),
these functions return the rejected rows themselves, unmasked, with their raw contents. Only
admin views and callbacks may call them; every caller checks the role first.

Pages show at most ``limit`` rows (computed in SQL); the CSVs stream from one cursor,
``CSV_CHUNK`` rows at a time, so no table is ever read whole into memory.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from typing import Any

import pandas as pd
from sqlalchemy import Engine, Select, func, select

from warehouse.schema import meta_load_runs, meta_rejected_rows
from warehouse.spreadsheet_cells import safe_cell

CSV_CHUNK = 5_000
ROWS_SHOWN = 1_000
RUN_COLUMNS = (
    "load_run_id",
    "file_name",
    "sha256",
    "detected_format",
    "started_at",
    "finished_at",
    "status",
    "rows_read",
    "rows_inserted",
    "rows_updated",
    "rows_unchanged",
    "rows_rejected",
    "message",
    "stage",
    "fraction",
)
REJECTED_CSV_COLUMNS = ("load_run_id", "file_name", "row_number", "field", "reason", "raw")


def rejected_csv_name(run: dict[str, Any]) -> str:
    """``rejected-<run>-<file stem>.csv``: the download names the run and the file."""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", str(run["file_name"]).rsplit(".", 1)[0]).strip("-")
    return f"rejected-{run['load_run_id']}-{stem or 'file'}.csv"


def load_run(engine: Engine, load_run_id: int) -> dict[str, Any] | None:
    """One load run (file, format, status, row counts, message), or None if there is none."""
    runs = meta_load_runs.c
    statement = select(*(runs[name] for name in RUN_COLUMNS)).where(runs.load_run_id == load_run_id)
    with engine.connect() as conn:
        row = conn.execute(statement).mappings().first()
    return dict(row) if row is not None else None


def _rejected(load_run_id: int | None) -> Select[Any]:
    r = meta_rejected_rows.c
    statement = select(r.load_run_id, r.file_name, r.row_number, r.field, r.reason, r.raw)
    if load_run_id is not None:
        statement = statement.where(r.load_run_id == load_run_id)
    return statement


def rejected_rows(
    engine: Engine, load_run_id: int | None = None, limit: int = ROWS_SHOWN
) -> pd.DataFrame:
    """Rejected rows (load_run_id, file_name, row_number, field, reason), of one run or of all
    runs, at most ``limit``: one run's in file order, all runs' latest run first."""
    r = meta_rejected_rows.c
    order = (
        (r.row_number, r.rejected_row_id)
        if load_run_id is not None
        else (r.load_run_id.desc(), r.file_name, r.row_number, r.rejected_row_id)
    )
    statement = (
        _rejected(load_run_id)
        .with_only_columns(r.load_run_id, r.file_name, r.row_number, r.field, r.reason)
        .order_by(*order)
        .limit(limit)
    )
    with engine.connect() as conn:
        return pd.DataFrame(
            conn.execute(statement).all(), columns=list(statement.selected_columns.keys())
        )


def count_rejected_rows(engine: Engine, load_run_id: int | None = None) -> int:
    """How many rejected rows (one per problem) a run, or every run, left."""
    statement = select(func.count()).select_from(meta_rejected_rows)
    if load_run_id is not None:
        statement = statement.where(meta_rejected_rows.c.load_run_id == load_run_id)
    with engine.connect() as conn:
        return int(conn.execute(statement).scalar_one())


def _cell(value: Any) -> Any:
    """A value for a CSV cell. Rejected rows hold whatever a file contained, so text that a
    spreadsheet would run as a formula is prefixed with an apostrophe (shown, not run)."""
    return "" if value is None else safe_cell(value)


def rejected_csv_chunks(engine: Engine, load_run_id: int | None = None) -> Iterator[str]:
    """CSV text of the rejected rows of one run (or of all runs), header first, streamed."""
    r = meta_rejected_rows.c
    statement = _rejected(load_run_id).order_by(r.load_run_id, r.row_number, r.rejected_row_id)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(REJECTED_CSV_COLUMNS)
    with engine.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=CSV_CHUNK).execute(statement)
        for rows in result.partitions():
            writer.writerows([_cell(value) for value in row] for row in rows)
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
