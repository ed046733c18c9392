"""Cells a spreadsheet shows and never runs: the one escape every CSV and XLSX the product
writes goes through (the API, the downloads, the rejected rows, ``rejects --csv``).

Rule: pure. Text that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
what Excel, LibreOffice and Google Sheets read as a formula, so it gets a leading apostrophe
(OWASP's rule for CSV injection): the spreadsheet shows the text and runs nothing. Numbers stay
numbers, negative ones included, whether they arrive as ``int``/``float``/``Decimal`` or as
text such as ``-12.50`` (the grants CSV writes pounds as text): a spreadsheet reads a plain
number as a number and runs nothing in it.

It lives in ``warehouse`` because that is the one package every writer may import: the
pipeline's CLI, the web API, the callbacks and the warehouse's own streamed CSVs.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any, Protocol

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


class _Writes(Protocol):
    def write(self, text: str, /) -> Any: ...


def safe_cell(value: Any) -> Any:
    """``value`` as a spreadsheet cell that cannot run: formula-like text prefixed with ``'``,
    everything else (numbers, plain text, None) unchanged."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_STARTS)
        and not _PLAIN_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    """Each value of a row through ``safe_cell``."""
    return [safe_cell(value) for value in values]


class SafeCsvWriter:
    """``csv.writer`` whose every cell goes through ``safe_cell``."""

    def __init__(self, out: _Writes, **options: Any) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        self._writer.writerows(safe_row(row) for row in rows)


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with its text cells and column titles through ``safe_cell``; numeric
    columns are not touched. For ``DataFrame.to_csv`` and ``to_excel``."""
    safe = frame.copy()
    for position, dtype in enumerate(safe.dtypes):
        if pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype):
            safe.isetitem(position, list(safe.iloc[:, position].map(safe_cell)))
    safe.columns = [safe_cell(column) for column in safe.columns]
    return safe
