"""The strict, fast reads of a 360Giving file (Arrow's kernels over whole columns, once per
distinct value) give exactly what the tolerant pandas reads give: the same grants (values and
dtypes), rejects, warnings and money, on real published files and on values chosen to fall
off each fast path."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from data_pipeline import transform
from data_pipeline.config import load_config
from data_pipeline.extract import Source
from data_pipeline.formats import threesixtygiving
from data_pipeline.formats import threesixtygiving_repair as repair
from data_pipeline.formats import threesixtygiving_transform as grants
from data_pipeline.formats.base import Parsed
from data_pipeline.text_cells import _quoted_text, quoted_text
from tests.conftest import FIXTURES

REAL = FIXTURES / "real" / "360giving" / "publishers"
FILES = [
    REAL / "indigo-trust_IndigoTrust_360giving_2015.csv",
    REAL / "trafford-mbc_council-grants_360giving_2017-11.csv",
    REAL / "arts-council-northern-ireland_ACNI_2015_360g-conversion.csv",
    REAL / "baring-foundation_2016.json",
]
TEXT = pd.StringDtype("pyarrow", na_value=float("nan"))

HEADER = ["Identifier", "Title", "Currency", "Amount Awarded", "Amount Applied For"]
HEADER += ["Award Date", "Planned Dates:Start Date", "Planned Dates:End Date"]
HEADER += ["Recipient Org:Identifier", "Recipient Org:Name", "Funding Org:Identifier"]
HEADER += ["Funding Org:Name", "From An Open Call?", "Grant Programme:Title"]
ROWS = [
    ["1", "Clean", "GBP", "100", "", "2021-04-13", "2021-05-01", "2022-04-30", "GB-CHC-1"],
    ["2", "Repaired", "gbp", "£1,000.50", "(5)", "13/04/2021", "2021", "2022-02", "GB CHC 2"],
    ["3", "Bad", "", "n/a", "x", "2021-02-30", "2019-02-29", "N/A", "GB-COH-3"],
    ["4", "Ünïcödé", "GBP", "١٢", "12.50", " 2021-04-13 ", "04/2021", "", "GB-CHC-١"],
    ["5", "", "XYZ", "-3", "1e3", "44300", "2021-13-01", "2021-04-13T10:00", "GB-CHC-5\x0b"],
]


def _comparable(parsed: Parsed) -> dict[str, Any]:
    frames = {
        table.name: (
            [str(dtype) for dtype in frame.dtypes],
            frame.reset_index(drop=True).astype(object).where(frame.notna().to_numpy(), None),
        )
        for table, frame in parsed.frames
    }
    return {
        "frames": {name: (d, f.to_dict("split")) for name, (d, f) in frames.items()},
        "rejects": parsed.rejects.reset_index(drop=True).astype(object).to_dict("split"),
        "warnings": parsed.warnings,
        "money": parsed.money,
    }


def _without_fast_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every column down the tolerant path, as before the fast paths were written."""
    monkeypatch.setattr(repair, "_strict_iso_dates", lambda raw: None)
    monkeypatch.setattr(repair, "ascii_text", lambda values: None)
    monkeypatch.setattr(repair, "stripped_lengths", lambda values: None)
    monkeypatch.setattr(grants, "_per_distinct_joined", lambda *args: None)
    monkeypatch.setattr(grants, "_direction_in_arrow", lambda *args: None)
    monkeypatch.setattr(grants, "arrow_text", lambda values: None)
    monkeypatch.setattr(transform, "_FLOATS", frozenset())


def _parse(path: Path) -> Parsed:
    source = Source.from_path(path)
    if path.suffix == ".json":
        return threesixtygiving.parse_json(source, load_config())
    return threesixtygiving.parse_csv(source, load_config())


@pytest.fixture
def awkward_csv(tmp_path: Path) -> Path:
    path = tmp_path / "grants.csv"
    rows = [[*row, f"Org {row[0]}", "GB-LAE-XDB", "Council", "y", "Pooled fund"] for row in ROWS]
    with path.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows([HEADER, *rows])
    return path


@pytest.mark.parametrize("path", [*FILES, None], ids=[p.name for p in FILES] + ["awkward"])
def test_the_fast_paths_read_a_file_as_the_tolerant_paths_do(
    path: Path | None, awkward_csv: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = path or awkward_csv
    fast = _comparable(_parse(path))
    _without_fast_paths(monkeypatch)
    assert fast == _comparable(_parse(path))


def test_strict_dates_take_only_real_dates_written_yyyy_mm_dd() -> None:
    dates = pd.Series(["2021-04-13", " 2020-02-29 ", "", None], dtype=TEXT)
    strict = repair._strict_iso_dates(dates)
    assert strict is not None
    assert strict[0].tolist() == ["2021-04-13", "2020-02-29", None, None]
    assert strict[1].tolist() == [False, False, True, True]
    for other in ("2019-02-29", "2021-04-31", "1650-01-01", "2021-04-13T10:00", "13/04/2021"):
        assert repair._strict_iso_dates(pd.Series(["2021-04-13", other], dtype=TEXT)) is None


def test_pounds_and_pence_are_the_tolerant_parse_s() -> None:
    values = ["12", "£1,000", "", None, "n/a", "12.345", " 7.5 ", "(3)", "12", "-0", "١٢"]
    for dtype in (TEXT, object, "string"):
        column = pd.Series(values, dtype=dtype)
        pence, invalid = transform.parse_money_pence(column)
        expected_pence, expected_invalid = transform._parse_money_pence(column)
        pd.testing.assert_series_equal(pence, expected_pence, check_names=False)
        pd.testing.assert_series_equal(invalid, expected_invalid, check_names=False)
    pence = pd.Series([5910, -1, 0, None, 123456789012, -250, 5910], dtype="Int64")
    pounds = repair._pounds(pence)
    assert pounds.tolist()[:3] == ["59.10", "-0.01", "0.00"]
    assert pounds.tolist()[3] is pd.NA
    assert pounds.tolist()[4:] == ["1234567890.12", "-2.50", "59.10"]


def test_quoted_values_and_floats_read_once_per_distinct_value() -> None:
    values = ["a" * 70, None, "", " é" * 40, "𝄞x" * 40, float("nan")]
    for dtype in (TEXT, object, "string"):
        column = pd.Series(values, dtype=dtype)
        pd.testing.assert_series_equal(quoted_text(column, 60), _quoted_text(column, 60))
    floats = pd.Series([12.0, None, -0.0, 0.0, float("nan"), 1e300, 0.1 + 0.2], dtype=object)
    number, invalid = transform.parse_number(floats)
    expected_number, expected_invalid = transform._parse_number(floats)
    pd.testing.assert_series_equal(number, expected_number)
    pd.testing.assert_series_equal(invalid, expected_invalid)
