"""A 360Giving workbook's grants sheet read a batch of rows at a time, as ``read_xlsx_frames``
and ``parse_xlsx`` read it whole: the same titles, the same rows (rows of blanks skipped), the
same cleaning of control characters and the same cells as text (``cell_text``), so that every
check and repair sees the same values.

A workbook is read in batches only when nothing in it needs the whole grants sheet at once:
its other sheets (apart from ``Meta``) add nothing to the grants (``merge_item_sheet`` would
leave them as they are). Anything else is read whole.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from data_pipeline import limits
from data_pipeline.extract import (
    OVERSIZE,
    ROW,
    CleanedCells,
    Source,
    _sheet_frame,
    _sheet_rows,
    sheet_records,
)
from data_pipeline.formats.threesixtygiving_flat import cell_text, main_sheet, map_columns


def sheet_titles(sheet: Any) -> tuple[list[str], list[int], int] | None:
    """The sheet's titles, the positions of the columns kept (titled ones) and the width read,
    as ``read_xlsx_frames`` finds them; None for a sheet it skips (no titles)."""
    first = list(next(_sheet_rows(sheet, 1, limits.MAX_COLUMNS + 1), ()))
    while first and first[-1] in (None, ""):
        first.pop()
    if not first:
        return None
    if len(first) > limits.MAX_COLUMNS:
        raise _TooWide
    header = [str(v).strip() if v is not None else "" for v in first]
    keep = [i for i, title in enumerate(header) if title]
    return [header[i] for i in keep], keep, len(first)


class _TooWide(Exception):
    """A sheet wider than ``read_xlsx_frames`` reads: the whole read says so."""


@dataclass
class SheetRows:
    """Rows of the grants sheet as ``read_xlsx_frames`` keeps them, a batch at a time."""

    titles: list[str]
    keep: list[int]
    width: int
    cleaned: dict[str, list[int]] = field(default_factory=dict)
    """Control characters removed, by column: the rows (kept by the first read only)."""

    def batches(
        self, sheet: Any, size: int, columns: list[int] | None = None, *, first: bool = False
    ) -> Iterator[pd.DataFrame]:
        """Frames of ``size`` rows as ``parse_xlsx`` makes them (index running on across
        batches); ``columns`` (positions among the titles) keeps only those columns. The
        ``first`` read notes the cells cleaned; a sheet too long raises ``TooLong``."""
        chosen = list(range(len(self.titles))) if columns is None else columns
        names = [self.titles[i] for i in chosen]
        data: list[list[Any]] = []
        numbers: list[int] = []
        oversize: dict[int, tuple[str, int]] = {}
        start = 0
        for record in sheet_records(sheet, self.width, self.keep, self.titles):
            if record.number > limits.MAX_ROWS:
                raise TooLong
            if first:
                for title in record.cleaned:
                    self.cleaned.setdefault(title, []).append(record.number)
            if record.oversize is not None:
                oversize[start + len(data)] = record.oversize
            data.append([record.values[i] for i in chosen])
            numbers.append(record.number)
            if len(data) == size:
                yield _frame(data, names, numbers, oversize, start)
                start += len(data)
                data, numbers, oversize = [], [], {}
        if data or not start:
            yield _frame(data, names, numbers, oversize, start)


class TooLong(Exception):
    """A sheet longer than ``read_xlsx_frames`` reads: the whole read says so."""


def _frame(
    data: list[list[Any]],
    titles: list[str],
    numbers: list[int],
    oversize: dict[int, tuple[str, int]],
    start: int,
) -> pd.DataFrame:
    frame = pd.DataFrame(data, columns=titles, dtype=object)
    frame.index = pd.RangeIndex(start, start + len(frame))
    frame[ROW] = numbers
    frame.attrs[OVERSIZE] = oversize
    converted = frame.copy()
    for column in titles:
        converted[column] = converted[column].map(cell_text)
    return converted


def _adds_nothing(titles: list[str], sheet: str) -> bool:
    """True when ``merge_item_sheet`` leaves the grants as they are for a sheet with these
    titles (it has no Identifier, or no items of the grant's own lists)."""
    sub = map_columns(pd.DataFrame(columns=titles, dtype=object), sheet)
    if "id" not in sub.wide:
        return True
    items = [k for k, f in sub.fields.items() if f.array is not None and len(f.path) == 3]
    return not items or any(len(f.path) > 3 for f in sub.fields.values())


@dataclass
class GrantsSheet:
    """The grants sheet of a workbook that can be read in batches, and how to read it."""

    name: str
    rows: SheetRows


def grants_sheet(source: Source) -> GrantsSheet | None:
    """The grants sheet, or None when the workbook must be read whole (another sheet adds to
    the grants, titles repeat, a sheet is too wide, or it cannot be opened)."""
    try:
        book = source.workbook(data_only=True)
    except Exception:  # FileRejected too: the whole read says why
        return None
    try:
        headers: dict[str, tuple[list[str], list[int], int]] = {}
        for sheet in book.worksheets:
            found = sheet_titles(sheet)
            if found is not None:
                headers[sheet.title] = found
        frames = {
            name: pd.DataFrame(columns=[*titles, ROW]) for name, (titles, _, _) in headers.items()
        }
        name = main_sheet(frames, source.name)
        titles, keep, width = headers[name]
        if len(set(titles)) != len(titles) or ROW in titles:
            return None
        for other, (other_titles, _, _) in headers.items():
            if other == name or other.strip().lower() == "meta":
                continue
            if len(set(other_titles)) != len(other_titles) or not _adds_nothing(
                other_titles, other
            ):
                return None
        return GrantsSheet(name, SheetRows(titles, keep, width))
    except Exception:  # FileRejected, _TooWide, a damaged workbook: the whole read says
        return None
    finally:
        book.close()


def note_cleaned(source: Source, grants: GrantsSheet) -> None:
    """Note the control characters removed, sheet by sheet in the workbook's order, as
    ``read_xlsx_frames`` does: the grants sheet's from its first read, the others' read
    here (they are small: they add nothing to the grants)."""
    book = source.workbook(data_only=True)
    try:
        for sheet in book.worksheets:
            if sheet.title == grants.name:
                for column, rows in grants.rows.cleaned.items():
                    source.cleaned.append(CleanedCells(column, len(rows), tuple(rows[:5])))
            else:
                _sheet_frame(source, sheet)
    finally:
        book.close()


def sheet_batches(
    source: Source,
    grants: GrantsSheet,
    size: int,
    columns: list[int] | None = None,
    *,
    first: bool = False,
) -> Iterator[pd.DataFrame]:
    """``SheetRows.batches`` of the grants sheet, the workbook open while they are read."""
    book = source.workbook(data_only=True)
    try:
        yield from grants.rows.batches(book[grants.name], size, columns, first=first)
    finally:
        book.close()
