"""Issue 18.4 for every CSV reader: a file cut off mid-row rejects its last row by name ("has 2
of 9 fields: the file looks cut off"), even where the fields the reader needs happen to be
filled, and a row with values beyond the header is rejected too; every other row loads, and
loaded + rejected = read. Real files (and the register template) are cut here."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from data_pipeline.config import Config
from data_pipeline.load import load_file
from tests.conftest import FIXTURES, REAL
from warehouse.schema import meta_rejected_rows

HEALTH = REAL / "health-indicators"
DEPRIVATION = REAL / "deprivation"
FILES = {
    "register": FIXTURES / "registers" / "projects_v1.csv",
    "deprivation-lsoa": DEPRIVATION
    / "IoD2019_File_2_Domains_of_Deprivation_Trafford-E08000009_and_Manchester-E08000003.csv",
    "deprivation-ward": DEPRIVATION
    / "trafforddatalab_IoD2025_IMD-score_ward_trafford_pop-weighted.csv",
    "fingertips-tidy": HEALTH
    / "fingertips-derived_93239_hospital-admissions-self-harm_ward_trafford_tidy.csv",
    "fingertips-raw": FIXTURES / "fingertips_raw_sample.csv",
    "census": HEALTH / "ons-census2021_general-health_ward_trafford_tidy.csv",
    "area-lookup": FIXTURES / "area_lookup_sample.csv",
}


def _lines(path: Path) -> tuple[str, list[str]]:
    text = path.read_bytes().decode("utf-8-sig")
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[0], lines[1:]


def _rejects(engine: Engine) -> list[tuple[int, str]]:
    with engine.connect() as conn:
        return [
            (int(row), str(reason))
            for row, reason in conn.execute(
                select(meta_rejected_rows.c.row_number, meta_rejected_rows.c.reason)
            )
        ]


def _fields(line: str) -> int:
    import csv

    return len(next(csv.reader([line])))


@pytest.mark.parametrize("kind", list(FILES))
def test_a_file_cut_off_mid_row_rejects_its_last_row_by_name(
    kind: str, sqlite_engine: Engine, tmp_path: Path
) -> None:
    header, rows = _lines(FILES[kind])
    rows = rows[:6]
    width = _fields(header)
    last = rows[-1]
    cut = last[: [i for i, c in enumerate(last) if c == ","][1]]  # two fields, then the end
    path = tmp_path / FILES[kind].name
    path.write_text("\n".join([header, *rows[:-1], cut]), encoding="utf-8")  # no final newline

    result = load_file(sqlite_engine, path, Config())

    assert result.rows_read == len(rows)
    assert result.loaded + result.rejected == result.rows_read
    cut_row = len(rows) + 1
    reasons = [reason for row, reason in _rejects(sqlite_engine) if row == cut_row]
    assert f"has 2 of {width} fields: the file looks cut off" in reasons, _rejects(sqlite_engine)


@pytest.mark.parametrize("kind", list(FILES))
def test_a_row_with_values_beyond_the_header_is_rejected_by_name(
    kind: str, sqlite_engine: Engine, tmp_path: Path
) -> None:
    header, rows = _lines(FILES[kind])
    rows = rows[:6]
    rows[1] = rows[1] + ",stray value"
    path = tmp_path / FILES[kind].name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")

    result = load_file(sqlite_engine, path, Config())

    assert not result.rejected_whole, result.problems
    assert result.loaded + result.rejected == result.rows_read == len(rows)
    reasons = [reason for row, reason in _rejects(sqlite_engine) if row == 3]
    width = _fields(header)
    assert any(
        reason.startswith(f"has {width + 1} fields where the header has {width}")
        and "'stray value'" in reason
        for reason in reasons
    ), _rejects(sqlite_engine)
