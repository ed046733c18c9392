"""The Arrow read of a 360Giving CSV and the Arrow value parsers give what the tolerant,
Python ones give, value for value; a file the strict read cannot take is left to the
tolerant reader."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from data_pipeline.extract import ROW, Source, read_csv_frame
from data_pipeline.formats.threesixtygiving_arrow import read_grants_csv
from data_pipeline.text_cells import blank_cells, stripped_text
from data_pipeline.transform import _parse_money_pence, blank_mask, parse_money_pence

HEADER = b"Identifier,Title,Amount Awarded,Award Date\r\n"
CLEAN = HEADER + (
    b'360G-1,"A title, with a comma",1000,2024-04-01\r\n'
    b",,,\r\n"
    b'360G-2,"Two\nlines",\xc2\xa31\xc2\xa0000,01/04/2024\r\n'
    b"\r\n"
    b'360G-3,\xc2\xa0 spaced \xe2\x80\x83,"",n/a\r\n'
)
TRICKY = [
    "12.5",
    " 100 ",
    "£1,000",
    "n/a",
    "N/A ",
    "",
    "(3.00)",
    "-0.01",
    "abc",
    None,
    "0.285",
    "1e3",
    "9999999999999.99",
    "+5",
    "12.345",
    "\xa0 7 \u2003",
    "١٢",
]


def _arrow(values: list[str | None]) -> pd.Series:
    return pd.Series(pd.array(values, dtype=pd.StringDtype("pyarrow", na_value=np.nan)))


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype(object).reset_index(drop=True)


def test_a_clean_file_reads_as_the_tolerant_reader_reads_it() -> None:
    source = Source(Path("grants.csv"), CLEAN)
    arrow = read_grants_csv(source)
    assert arrow is not None
    tolerant = read_csv_frame(Source(Path("grants.csv"), CLEAN), keep_ragged_rows=True)
    assert list(arrow.columns) == list(tolerant.columns)
    assert arrow[ROW].tolist() == tolerant[ROW].tolist() == [2, 4, 5]
    assert _plain(arrow).equals(_plain(tolerant))


@pytest.mark.parametrize(
    "content",
    [
        HEADER + b"360G-1,Title,1000\r\n",  # a short row
        HEADER + b"360G-1,Title,1000,2024-04-01,extra\r\n",  # a long row
        HEADER + b'360G-1,"Title cut',  # ends inside a quoted value
        HEADER + b"360G-1,Ti\x01tle,1000,2024-04-01\r\n",  # a control character
        b"Identifier,Identifier,Amount Awarded\r\n1,2,3\r\n",  # a repeated title
        b"Identifier,,Amount Awarded\r\n1,2,3\r\n",  # a blank title
        HEADER,  # no rows
    ],
)
def test_a_file_the_strict_read_cannot_take_is_left_to_the_tolerant_reader(
    content: bytes,
) -> None:
    assert read_grants_csv(Source(Path("grants.csv"), content)) is None


def test_arrow_text_cells_match_the_python_ones() -> None:
    arrow, python = _arrow(TRICKY), pd.Series(TRICKY, dtype=object)
    assert stripped_text(arrow).astype(object).equals(stripped_text(python).astype(object))
    assert blank_cells(arrow).equals(blank_cells(python))
    assert blank_mask(arrow).equals(blank_mask(python))


def test_plain_amounts_read_in_arrow_match_the_tolerant_parse() -> None:
    expected_pence, expected_invalid = _parse_money_pence(pd.Series(TRICKY, dtype=object))
    for values in (_arrow(TRICKY), pd.Series(TRICKY, dtype=object)):
        pence, invalid = parse_money_pence(values)
        assert pence.astype(object).equals(expected_pence.astype(object))
        assert invalid.tolist() == expected_invalid.tolist()
