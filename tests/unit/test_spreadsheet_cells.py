"""The one escape for spreadsheet cells: text a spreadsheet would run gets a leading apostrophe;
numbers, negative ones included, stay numbers."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pandas as pd
import pytest

from warehouse.spreadsheet_cells import SafeCsvWriter, safe_cell, safe_frame

FORMULAS = [
    '=HYPERLINK("http://evil.example","Click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "-",
    "+44 20 7946 0000",
    "-e5",
]
NUMBERS = ["-12.50", "-1500", "+3", "-1,234.56", "-.5", "-2e-3", "12.50", "0"]


@pytest.mark.parametrize("text", FORMULAS)
def test_text_a_spreadsheet_would_run_gets_an_apostrophe(text: str) -> None:
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("text", NUMBERS)
def test_numbers_written_as_text_stay_numbers(text: str) -> None:
    assert safe_cell(text) == text


@pytest.mark.parametrize("value", [-3, -2.5, Decimal("-1.25"), None, True, "plain", "a=b", ""])
def test_other_values_are_unchanged(value: object) -> None:
    assert safe_cell(value) is value


def test_the_csv_writer_escapes_every_cell_and_keeps_numbers() -> None:
    buffer = io.StringIO()
    writer = SafeCsvWriter(buffer, lineterminator="\n")
    writer.writerow(["=title", "amount"])
    writer.writerows([["@x", -5], ["ok", "-5.25"]])
    assert list(csv.reader(io.StringIO(buffer.getvalue()))) == [
        ["'=title", "amount"],
        ["'@x", "-5"],
        ["ok", "-5.25"],
    ]


def test_a_frame_keeps_its_numeric_columns_and_escapes_its_text_and_titles() -> None:
    frame = pd.DataFrame(
        {
            "name": ["=1+1", "Plain", None],
            "amount": [-150.25, 3.0, 1.0],
            "count": [-1, 2, 3],
            "label": pd.array(["-4", "+x", pd.NA], dtype="string"),
        }
    ).rename(columns={"count": "=count"})
    safe = safe_frame(frame)
    assert list(safe["name"])[:2] == ["'=1+1", "Plain"] and pd.isna(safe["name"].iloc[2])
    assert safe["amount"].tolist() == [-150.25, 3.0, 1.0]
    assert safe["'=count"].tolist() == [-1, 2, 3]
    assert list(safe["label"])[:2] == ["-4", "'+x"]
    assert frame["name"].iloc[0] == "=1+1"  # the caller's frame is not changed
    written = list(csv.reader(io.StringIO(safe.to_csv(index=False))))
    assert written[1] == ["'=1+1", "-150.25", "-1", "-4"]
