"""The admin's load-run queries on SQLite and PostgreSQL: one run's summary, its rejected rows
(unmasked, in file order), every run's rows, and the CSV streamed with the raw contents and
with spreadsheet formulas defused."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path

from sqlalchemy import Engine, func, insert, select

from data_pipeline.config import Config
from data_pipeline.load import load_file
from warehouse.queries import load_runs
from warehouse.queries.overview import last_load_time
from warehouse.schema import meta_load_runs, meta_rejected_rows

HEADER = "researcher_id,display_name,consent"


def _register(folder: Path, name: str, rows: list[str]) -> Path:
    path = folder / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def test_a_run_its_rejected_rows_and_their_csv(engine: Engine, tmp_path: Path) -> None:
    path = _register(
        tmp_path,
        "people (v2).csv",
        ["R-1,One,hidden", "R-2,=HYPERLINK(1),sometimes", "R-3,Three,never", "R-4,Four,public"],
    )
    result = load_file(engine, path, Config())
    assert result.load_run_id is not None and result.rejected == 2
    run_id = result.load_run_id

    run = load_runs.load_run(engine, run_id)
    assert run is not None
    assert (run["file_name"], run["status"], run["rows_read"], run["rows_inserted"]) == (
        "people (v2).csv",
        "partial",
        4,
        2,
    )
    assert run["detected_format"] == "register-researchers-csv"
    assert load_runs.load_run(engine, run_id + 1000) is None
    assert load_runs.rejected_csv_name(run) == f"rejected-{run_id}-people-v2.csv"

    rows = load_runs.rejected_rows(engine, run_id)
    assert list(rows["row_number"]) == [3, 4]
    assert list(rows["field"]) == ["consent", "consent"]
    assert "'sometimes'" in rows["reason"].iloc[0]  # unmasked, for the admin
    assert load_runs.count_rejected_rows(engine, run_id) == 2
    assert len(load_runs.rejected_rows(engine, run_id, limit=1)) == 1

    other = load_file(engine, _register(tmp_path, "other.csv", ["S-1,Ess,maybe"]), Config())
    assert other.load_run_id is not None
    every = load_runs.rejected_rows(engine)
    assert list(every["load_run_id"]) == [other.load_run_id, run_id, run_id]  # latest first
    with engine.connect() as conn:
        stored = conn.execute(select(func.count()).select_from(meta_rejected_rows)).scalar_one()
    assert load_runs.count_rejected_rows(engine) == stored == 3

    text = "".join(load_runs.rejected_csv_chunks(engine, run_id))
    written = list(csv.DictReader(io.StringIO(text)))
    assert list(written[0]) == list(load_runs.REJECTED_CSV_COLUMNS)
    assert [(r["file_name"], r["row_number"], r["field"]) for r in written] == [
        ("people (v2).csv", "3", "consent"),
        ("people (v2).csv", "4", "consent"),
    ]
    raw = json.loads(written[0]["raw"])
    assert raw["display_name"] == "=HYPERLINK(1)"  # inside JSON: not a formula cell
    assert (
        len(list(csv.DictReader(io.StringIO("".join(load_runs.rejected_csv_chunks(engine)))))) == 3
    )
    assert "".join(load_runs.rejected_csv_chunks(engine, run_id + 1000)).strip() == ",".join(
        load_runs.REJECTED_CSV_COLUMNS
    )


def test_text_a_spreadsheet_would_run_is_defused() -> None:
    assert load_runs._cell("=SUM(A1)") == "'=SUM(A1)"
    assert load_runs._cell("@cmd") == "'@cmd"
    assert load_runs._cell("plain") == "plain"
    assert load_runs._cell(None) == ""
    assert load_runs._cell(-3) == -3


def test_a_file_rejected_whole_is_not_the_last_load(engine: Engine, tmp_path: Path) -> None:
    result = load_file(engine, _register(tmp_path, "people.csv", ["R-1,One,hidden"]), Config())
    assert result.status == "loaded"
    loaded = last_load_time(engine)
    assert loaded is not None
    later = loaded + timedelta(hours=1)
    with engine.begin() as conn:
        conn.execute(
            insert(meta_load_runs).values(
                file_name="broken.csv",
                sha256="0" * 64,
                started_at=later,
                finished_at=later,
                status="rejected",
                message="broken.csv: cannot be read",
            )
        )
    assert last_load_time(engine) == loaded
