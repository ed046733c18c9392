"""The fast cell helpers and per-distinct parsing give exactly what the pandas expressions they
replace give, so a faster load rejects the same rows for the same reasons and writes the same
rows (with the same row hashes, so a warehouse loaded before reloads unchanged)."""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd

from data_pipeline.distinct_values import SMALL
from data_pipeline.formats.threesixtygiving_transform import parse_event_dates, route_of
from data_pipeline.text_cells import blank_cells, placeholder_cells, quoted_text, stripped_text
from data_pipeline.transform import (
    BLANKS,
    _parse_dates,
    _parse_datetimes,
    _parse_money_pence,
    _parse_number,
    parse_dates,
    parse_datetimes,
    parse_money_pence,
    parse_number,
)
from warehouse.upsert import row_hashes

MIXED = pd.Series(
    [
        "  a ",
        "",
        "   ",
        None,
        np.nan,
        pd.NA,
        5,
        5.5,
        datetime.date(2024, 1, 2),
        pd.Timestamp("2024-01-02"),
        True,
        " N/A ",
        "\xa0x\xa0",
        "x" * 80,
        pd.NaT,
    ],
    dtype=object,
)


def test_cell_helpers_match_the_pandas_expressions() -> None:
    as_text = MIXED.astype("string")
    blank = (MIXED.isna() | as_text.str.strip().eq("").fillna(True)).astype(bool)
    assert blank_cells(MIXED).tolist() == blank.tolist()
    assert stripped_text(MIXED).equals(as_text.str.strip().mask(blank))
    lowered = as_text.str.strip().str.lower()
    placeholders = (lowered.isna() | lowered.isin(BLANKS)).astype(bool)
    assert placeholder_cells(MIXED, BLANKS).tolist() == placeholders.tolist()
    assert quoted_text(MIXED, 60).equals("'" + as_text.fillna("").str.slice(0, 60) + "'")


def _long(cells: list[object]) -> pd.Series:
    """A column long enough, and repetitive enough, to be parsed per distinct value."""
    repeats = SMALL // len(cells) + 2
    return pd.Series(cells * repeats, index=np.arange(len(cells) * repeats) * 3, dtype="str")


def _same(left: tuple[pd.Series, pd.Series], right: tuple[pd.Series, pd.Series]) -> None:
    for a, b in zip(left, right, strict=True):
        pd.testing.assert_series_equal(a, b)


def test_parsing_per_distinct_value_gives_the_direct_parse_row_for_row() -> None:
    dates = _long(["2024-01-31", "31/01/2024", "202402", "45000", "2024-02-30", " ", "N/A", "x"])
    _same(parse_dates(dates), _parse_dates(dates))
    stamps = _long(
        ["2025-05-06T09:30:00Z", "2024-01-01", "yesterday", "", "2024-06-19T10:00+01:00"]
    )
    _same(parse_datetimes(stamps), _parse_datetimes(stamps))
    money = _long(["£1,234.50", "(12.00)", "-5", "abc", "", "7"])
    _same(parse_money_pence(money), _parse_money_pence(money))
    numbers = _long(["1,000", "12", "twelve", "", "-3.5"])
    _same(parse_number(numbers), _parse_number(numbers))
    planned = _long(["2024", "2024-02", "2024-13", "2024-02-29", ""])
    end, invalid = parse_event_dates(planned, end=True)
    assert end.iloc[:5].tolist() == [
        datetime.date(2024, 12, 31),
        datetime.date(2024, 2, 29),
        None,
        datetime.date(2024, 2, 29),
        None,
    ]
    assert invalid.iloc[:5].tolist() == [False, False, True, False, False]
    assert end.index.equals(planned.index)


def test_route_per_distinct_value_matches_each_row() -> None:
    titles = _long(["Participatory budgeting", "Liverpool pool", "Core grant", ""])
    blank = pd.Series("", index=titles.index, dtype="str")
    routes = route_of(
        titles, blank, blank, {"participatory": ("participatory",), "pooled": ("pool",)}
    )
    assert routes.iloc[:4].tolist() == ["participatory", "pooled", "grant", "grant"]
    assert routes.index.equals(titles.index)


def test_row_hashes_are_those_of_every_value_as_text() -> None:
    frame = pd.DataFrame(
        {
            "text": pd.Series(["x", None, "y", "x"], dtype="string"),
            "day": np.array(
                [datetime.date(2024, 1, 2), None, datetime.date(2024, 1, 2), None], dtype=object
            ),
            "stamp": pd.to_datetime(
                ["2025-05-06T09:30:00Z", None, "2025-05-06T09:30:00.5Z", "2024-01-01T00:00:00Z"],
                utc=True,
                format="ISO8601",
            ),
            "pence": pd.array([1, None, 3, 4], dtype="Int64"),
            "flag": [True, False, True, False],
            # Equal to pd.factorize, read differently as text: each must hash as its own text.
            "mixed": np.array([1, 1.0, True, "1"], dtype=object),
            "share": [0.1 + 0.2, float("nan"), 1e20, 0.1 + 0.2],
            "nothing": np.array([None, None, None, None], dtype=object),
        },
        index=[5, 7, 9, 11],
    )
    columns = list(frame.columns)
    assert frame["day"].notna().sum() == 2 and frame["mixed"].notna().all()
    text = frame[columns].astype("string").fillna("\x00")
    expected = pd.util.hash_pandas_object(text, index=False).to_numpy(dtype=np.uint64)
    hashes = row_hashes(frame, columns)
    assert hashes.tolist() == [f"{h:016x}" for h in expected]
    assert hashes.index.equals(frame.index)


def test_row_hashes_of_a_column_with_no_dates_at_all() -> None:
    frame = pd.DataFrame(
        {
            "day": pd.Series([None, None], dtype=object),
            "stamp": pd.to_datetime(pd.Series([None, None]), utc=True),
            "text": ["a", "b"],
        }
    )
    text = frame.astype("string").fillna("\x00")
    expected = pd.util.hash_pandas_object(text, index=False).to_numpy(dtype=np.uint64)
    assert row_hashes(frame, list(frame.columns)).tolist() == [f"{h:016x}" for h in expected]
