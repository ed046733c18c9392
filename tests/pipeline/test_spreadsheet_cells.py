"""CSVs written by the warehouse and the command line are safe to open in a spreadsheet: text
that starts like a formula gets a leading apostrophe, and a negative amount stays a number."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from sqlalchemy import Engine, update

from data_pipeline.config import Config
from data_pipeline.load import load_file
from tests.conftest import CliResult
from warehouse.queries.filters import Filters
from warehouse.queries.grants_table import grant_csv_chunks
from warehouse.queries.quality import dataset_csv_chunks
from warehouse.queries.records import DATASET_NAMES, records_csv_chunks
from warehouse.schema import fct_grants

HEADER = (
    "Identifier,Title,Description,Currency,Amount Awarded,Award Date,"
    "Recipient Org:Identifier,Recipient Org:Name,Funding Org:Identifier,Funding Org:Name\n"
)
ROW = "360G-neg-1,=1+2,-2+3+cmd,GBP,150.25,{date},GB-CHC-1,@Group,GB-LAE-XYZ,A Council\n"


def _grants(folder: Path, name: str, date: str) -> Path:
    path = folder / name
    path.write_text(HEADER + ROW.format(date=date), encoding="utf-8")
    return path


def _rows(chunks: object) -> list[list[str]]:
    return list(csv.reader(io.StringIO("".join(chunks))))  # type: ignore[arg-type]


def test_a_returned_grant_keeps_its_negative_amount_as_a_number(
    engine: Engine, tmp_path: Path
) -> None:
    result = load_file(engine, _grants(tmp_path, "grants.csv", "2024-05-01"), Config())
    assert result.status == "loaded", result.problems
    with engine.begin() as conn:  # a clawback, as a warehouse edited by hand may hold
        conn.execute(update(fct_grants).values(amount_awarded_pence=-15025))

    grid = _rows(grant_csv_chunks(engine, Filters()))
    api = _rows(records_csv_chunks(engine, DATASET_NAMES["grants"], Filters()))
    download = _rows(dataset_csv_chunks(engine, "grants"))
    for rows, amount in ((grid, "-150.25"), (api, "-15025"), (download, "-150.25")):
        cells = set(rows[1])
        assert amount in cells and "'" + amount not in cells
        assert "'=1+2" in cells and "=1+2" not in cells
        assert "'@Group" in cells
    assert "'-2+3+cmd" in api[1]


def test_rejects_csv_escapes_formulas(run_cli: object, sqlite_url: str, tmp_path: Path) -> None:
    path = _grants(tmp_path, "=1+2.csv", "31/13/2024")
    loaded: CliResult = run_cli("load", str(path), database_url=sqlite_url)  # type: ignore[operator]
    assert loaded.returncode in (1, 2), loaded.stderr
    listed: CliResult = run_cli("rejects", "--csv", database_url=sqlite_url)  # type: ignore[operator]
    assert listed.returncode == 0, listed.stderr
    rows = list(csv.DictReader(io.StringIO(listed.stdout)))
    assert [row["file_name"] for row in rows] == ["'=1+2.csv"]
    assert rows[0]["row_number"] == "2"
