"""A 360Giving CSV read with pyarrow's streaming CSV reader, in record batches.

Rule: this reads bytes already in memory (``Source.utf8``) and does nothing else. It is the
strict, fast read of a clean file: every field as text, a header of distinct, non-blank titles,
every row as wide as the header, no control characters and no field over
``limits.MAX_FIELD_CHARS``. A file that is anything else is left to ``extract.read_csv_frame``
(``None``), whose tolerant reader finds and names ragged rows, cut-off files and the rest; for
a clean file both give the same frame, row for row, so nothing downstream can tell which read
it. The columns stay Arrow strings, so the value parsers (``text_cells``, ``transform``) work on
them with pyarrow's compute kernels.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import BinaryIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from data_pipeline import limits
from data_pipeline.extract import OVERSIZE, RAGGED, ROW, Source

BATCH_BYTES = 2 << 20
"""Bytes of CSV parsed per record batch."""

_HEADER_LIMIT = 1 << 20
_TEXT = pd.StringDtype("pyarrow", na_value=np.nan)
"""The dtype ``pandas.read_csv(dtype=str)`` gives with pyarrow strings: blanks are ``""``."""


def _header(data: bytes) -> list[str] | None:
    """The header's titles, cleaned as ``read_csv_frame`` cleans them, or None when the header
    is one the tolerant reader should see (a title across lines, blank or repeated titles)."""
    line_end = data.find(b"\n", 0, _HEADER_LIMIT)
    if line_end < 0:
        return None
    line = data[:line_end].decode("utf-8", errors="strict").rstrip("\r")
    if "\r" in line:
        return None
    try:
        titles = next(csv.reader(io.StringIO(line)))
    except (csv.Error, StopIteration):
        return None
    cleaned = [t.replace("\ufeff", "").replace("ï»¿", "").strip() for t in titles]
    if len(cleaned) < 2 or len(cleaned) > limits.MAX_COLUMNS:
        return None
    if any(not t for t in cleaned) or len(set(cleaned)) != len(cleaned):
        return None
    return cleaned


class _Utf8Text:
    """The file's text as UTF-8 bytes: the file on disk itself when it is UTF-8 and not read
    into memory (so a large file is read from disk a slice at a time), else ``Source.utf8()``.
    A byte-order mark stays in the header, which ``_header`` cleans and the reader skips."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.data = None if source.on_disk and source.encoding == "utf-8-sig" else source.utf8()

    def start(self, size: int) -> bytes:
        return self.source.start(size) if self.data is None else self.data[:size]

    def chunks(self) -> Iterator[bytes | memoryview]:
        if self.data is None:
            yield from self.source.chunks()
            return
        view = memoryview(self.data)
        for start in range(0, len(view), _SLICE):
            yield view[start : start + _SLICE]

    @contextmanager
    def opened(self) -> Iterator[BinaryIO | pa.Buffer]:
        """What pyarrow's reader reads. A Python file, not a path: given a path, pyarrow reads
        the whole file ahead of the batches asked for (measured: 540 MB held after the first
        batch of a 545 MB file, against 37 MB)."""
        if self.data is not None:
            yield pa.py_buffer(self.data)
            return
        with self.source.path.open("rb") as stream:
            yield stream


def _clean_bytes(chunks: Iterable[bytes | memoryview]) -> bool:
    """No control characters other than tab, line feed and carriage return, no run of bytes
    between separators longer than a field may be (the tolerant reader's own checks), and an
    even number of quote characters (an odd one: the file ends inside a quoted value), looked
    for a slice at a time so that the check costs no copy of the file."""
    controls = allowed = quotes = size = 0
    last_break = -1
    for chunk in chunks:
        view = np.frombuffer(chunk, dtype=np.uint8)
        below_space = view[view < 32]
        controls += len(below_space)
        allowed += int(
            np.count_nonzero((below_space == 9) | (below_space == 10) | (below_space == 13))
        )
        quotes += int(np.count_nonzero(view == 34))
        breaks = np.flatnonzero((view == 44) | (view == 10)) + size
        edges = np.concatenate(([last_break], breaks))
        if len(edges) > 1 and int(np.diff(edges).max()) > limits.MAX_FIELD_CHARS:
            return False
        if len(breaks):
            last_break = int(breaks[-1])
        elif size + len(view) - last_break > limits.MAX_FIELD_CHARS:
            return False
        size += len(view)
    return controls == allowed and not quotes % 2 and size - last_break <= limits.MAX_FIELD_CHARS


_SLICE = 1 << 24


def record_batches(
    text: _Utf8Text, width: int, columns: list[int] | None = None
) -> Iterator[pa.RecordBatch]:
    """The rows after the header, ``BATCH_BYTES`` of the file at a time, every field as text
    (a blank field is ``""``, never null); only the fields at ``columns``, when given. Raises
    ``pyarrow.ArrowInvalid`` on a row whose width differs from the header's."""
    names = [f"c{i}" for i in range(width)]
    with text.opened() as data:
        reader = pacsv.open_csv(
            data,
            read_options=pacsv.ReadOptions(
                column_names=names, skip_rows=1, block_size=BATCH_BYTES, use_threads=True
            ),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                include_columns=None if columns is None else [names[i] for i in columns],
            ),
        )
        yield from reader


def _empty_rows(batch: pa.RecordBatch) -> pa.Array:
    empty = pc.equal(batch.column(0), "")
    for column in batch.columns[1:]:
        empty = pc.and_(empty, pc.equal(column, ""))
    return empty


def strict_titles(source: Source) -> list[str] | None:
    """The header's titles when the file is clean enough for the strict read (see the module's
    rule), else None. Rows the strict read cannot take (a ragged one) show only as it reads
    them: ``strictly_readable``."""
    text = _Utf8Text(source)
    titles = _header(text.start(_HEADER_LIMIT))
    if titles is None or not _clean_bytes(text.chunks()):
        return None
    return titles


def strictly_readable(
    source: Source, titles: list[str], columns: list[int], rows_per_batch: int
) -> Iterator[pd.DataFrame]:
    """The fields at ``columns`` of every row, about ``rows_per_batch`` rows at a time, named
    by their titles; raises ``pyarrow.ArrowInvalid`` (or ``UnicodeError``) where the strict
    read cannot go on."""
    pending: list[pa.RecordBatch] = []
    read = record_batches(_Utf8Text(source), len(titles), columns)
    for batch in itertools.chain(read, [None]):
        if batch is not None:
            pending.append(batch)
        if pending and (batch is None or sum(b.num_rows for b in pending) >= rows_per_batch):
            table = pa.Table.from_batches(pending)
            pending = []
            yield pd.DataFrame(
                {
                    titles[i]: pd.array(table.column(n).combine_chunks(), dtype=_TEXT)
                    for n, i in enumerate(columns)
                }
            )


def raw_batches(source: Source, titles: list[str], rows_per_batch: int) -> Iterator[pd.DataFrame]:
    """The file's rows as ``read_csv_frame(source, keep_ragged_rows=True)`` reads them (text
    columns named by the header, the ``ROW`` column, rows of blanks dropped), ``rows_per_batch``
    rows at a time. The index runs on across batches, as it would over the whole file."""
    pending: pa.Table | None = None
    first_row, index = 2, 0
    for batch in record_batches(_Utf8Text(source), len(titles)):
        rows = pa.array(np.arange(first_row, first_row + batch.num_rows, dtype=np.int64))
        first_row += batch.num_rows
        numbered = pa.Table.from_arrays([*batch.columns, rows], names=[*titles, ROW])
        kept = numbered.filter(pc.invert(_empty_rows(batch)))
        pending = kept if pending is None else pa.concat_tables([pending, kept])
        while pending.num_rows >= rows_per_batch:
            yield _frame(pending.slice(0, rows_per_batch), index)
            index += rows_per_batch
            pending = pending.slice(rows_per_batch)
    if pending is not None and (pending.num_rows or not index):
        yield _frame(pending, index)


def _frame(rows: pa.Table, start: int) -> pd.DataFrame:
    columns: dict[str, object] = {}
    for title in rows.column_names:
        joined = rows.column(title).combine_chunks()
        columns[title] = joined.to_numpy() if title == ROW else pd.array(joined, dtype=_TEXT)
    frame = pd.DataFrame(columns, index=pd.RangeIndex(start, start + rows.num_rows))
    frame.attrs[RAGGED] = {}
    frame.attrs[OVERSIZE] = {}
    return frame


def read_grants_csv(source: Source) -> pd.DataFrame | None:
    """The whole file as ``raw_batches`` reads it, or None when the file is not clean enough
    for the strict read (or has no rows)."""
    titles = strict_titles(source)
    if titles is None:
        return None
    try:
        frames = list(raw_batches(source, titles, 1 << 62))
    except (pa.ArrowInvalid, UnicodeError):
        return None
    # One batch as large as any file: the whole file, its attrs set by ``_frame``.
    return frames[0] if frames else None
