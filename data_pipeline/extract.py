"""Reading source files: bytes, text in whatever encoding councils use, CSV and XLSX sheets.

Every frame read here has every value as text (or the cell's own value for XLSX) and a
``ROW`` column with the row number a person sees in a spreadsheet (the header is row 1).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from data_pipeline import limits
from data_pipeline.errors import FileRejected
from data_pipeline.transform import normalise_title

ROW = "__row__"
_MOJIBAKE_BOM = "ï»¿"
_GZIP_MAGIC = b"\x1f\x8b"
_UTF8_BOM = b"\xef\xbb\xbf"
_ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")
_DECODE_SLICE = 1 << 24
_HEAD_BYTES = 1 << 17


def _unmarked(text: str) -> str:
    return text.removeprefix(_MOJIBAKE_BOM).removeprefix("\ufeff")


# C0 control characters other than tab, line feed and carriage return: never text.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_CONTROL_ESCAPE = re.compile(r"\\u00(?:0[0-8bcef]|1[0-9a-f])", re.IGNORECASE)


@dataclass(frozen=True)
class CleanedCells:
    """Control characters removed from one field's values: how many values, and the row
    numbers of the first few (None where the reader has no rows, as in a JSON document)."""

    field_name: str | None
    rows: int
    examples: tuple[int | None, ...] = ()


class Source:
    """One input file, read once. Its bytes are read when first asked for (``content``); what
    detecting a format, checksumming and streaming a large UTF-8 file need is read from the
    file a slice at a time instead, so such a file is never held in memory whole.
    ``cleaned`` lists the control characters its readers removed from text (the loader reports
    them as warnings on the file)."""

    def __init__(self, path: Path, content: bytes | None = None, *, label: str | None = None):
        self.path = path
        self._content = content
        self.label = label
        """The name to report the file by, when it is stored under another (an upload)."""
        self.cleaned: list[CleanedCells] = []

    def __repr__(self) -> str:
        return f"Source({self.path!r}, label={self.label!r})"

    @classmethod
    def from_path(cls, path: Path, label: str | None = None) -> Source:
        """The file; a gzip-compressed file (as statistics portals often serve them, e.g.
        ``.csv.gz``) is read through its compression, at once. ``label`` is the name to report
        it by, if not its own."""
        name = label or path.name
        try:
            with path.open("rb") as stream:
                magic = stream.read(2)
            if magic != _GZIP_MAGIC:
                return cls(path, label=label)
            content = path.read_bytes()
        except OSError as error:
            raise FileRejected(name, f"cannot be read: {error.strerror}") from error
        return cls(path, limits.gunzip(name, content), label=label)

    @property
    def content(self) -> bytes:
        """The file's bytes (decompressed)."""
        if self._content is None:
            self._content = self.path.read_bytes()
        return self._content

    @property
    def on_disk(self) -> bool:
        """True when the file on disk is the content, not yet read into memory."""
        return self._content is None

    def chunks(self) -> Iterator[bytes | memoryview]:
        """The content, ``_DECODE_SLICE`` bytes at a time (read from the file when on disk)."""
        if self._content is not None:
            view = memoryview(self._content)
            for start in range(0, len(view), _DECODE_SLICE):
                yield view[start : start + _DECODE_SLICE]
            return
        with self.path.open("rb") as stream:
            while chunk := stream.read(_DECODE_SLICE):
                yield chunk

    def start(self, size: int) -> bytes:
        """The first ``size`` bytes of the content."""
        if self._content is not None:
            return self._content[:size]
        with self.path.open("rb") as stream:
            return stream.read(size)

    @property
    def name(self) -> str:
        return self.label or self.path.name

    @cached_property
    def sha256(self) -> str:
        digest = hashlib.sha256()
        for chunk in self.chunks():
            digest.update(chunk)
        return digest.hexdigest()

    @property
    def is_xlsx(self) -> bool:
        return self.start(2) == b"PK" and zipfile.is_zipfile(io.BytesIO(self.content))

    @cached_property
    def encoding(self) -> str:
        """The content's encoding: UTF-8 (with or without a BOM), else cp1252, else
        ISO-8859-1. Found a slice at a time, so that no decoded copy of a large file exists."""
        for encoding in _ENCODINGS:
            decoder = codecs.getincrementaldecoder(encoding)()
            try:
                for chunk in self.chunks():
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                continue
            return encoding
        raise FileRejected(self.name, "is not text in UTF-8, cp1252 or ISO-8859-1")

    @cached_property
    def text(self) -> str:
        """The content decoded (``encoding``), less a byte-order mark (or a double-encoded
        one)."""
        return _unmarked(self.content.decode(self.encoding))

    @cached_property
    def head(self) -> str:
        """The start of ``text`` (at least its first 30,000 characters, or all of it), without
        decoding the rest: what detecting a format reads."""
        if "text" in self.__dict__:
            return self.text[:_HEAD_BYTES]
        encoding = self.encoding
        # The slice may end inside a character: it is dropped.
        return _unmarked(self.start(_HEAD_BYTES).decode(encoding, errors="ignore"))

    def utf8(self) -> bytes:
        """``text`` encoded as UTF-8. A UTF-8 file is its own bytes less the marks ``text``
        drops, so a large file is neither decoded nor encoded a second time."""
        if self.encoding != "utf-8-sig":
            return self.text.encode("utf-8")
        body = self.content
        for mark in (_UTF8_BOM, _MOJIBAKE_BOM.encode("utf-8"), _UTF8_BOM):
            body = body.removeprefix(mark)
        return body

    @cached_property
    def json(self) -> Any:
        """The parsed JSON document, or None when the file is not JSON."""
        if not self.head.lstrip().startswith(("{", "[")):
            return None
        try:
            return self._json_document()
        except json.JSONDecodeError:
            return None

    def json_or_reject(self) -> Any:
        """The parsed JSON document; a file that is not valid JSON is rejected whole."""
        try:
            return self._json_document()
        except json.JSONDecodeError as error:
            raise FileRejected(
                self.name, f"is not valid JSON: {error.msg}", row_number=error.lineno
            ) from error

    @cached_property
    def _cleaned_json(self) -> tuple[str, int]:
        text = self.text
        return CONTROL_CHARACTERS.sub("", text), len(CONTROL_CHARACTERS.findall(text))

    def _json_document(self) -> Any:
        """The document with control characters removed from its text and its strings (raw
        ones are not JSON at all; escaped ones, ``\\u0000``, are never text), noted once."""
        text, raw_found = self._cleaned_json
        document = json.loads(text)
        escaped = 0
        if _CONTROL_ESCAPE.search(text):
            document, escaped = _without_control_characters(document)
        if (raw_found or escaped) and not any(c.field_name == "JSON" for c in self.cleaned):
            self.cleaned.append(CleanedCells("JSON", raw_found + escaped))
        return document

    @cached_property
    def csv_header(self) -> list[str]:
        """The first row of the file read as CSV, or [] when it is not CSV-like."""
        if self.is_xlsx or self.head.lstrip().startswith(("{", "[")):
            return []
        try:
            first = next(csv.reader(io.StringIO(self.head[:20000], newline="")), [])
        except csv.Error:  # binary or damaged text (a stray CR, a NUL): not CSV
            return []
        return [cell.strip() for cell in first] if len(first) > 1 else []

    @cached_property
    def csv_keys(self) -> set[str]:
        """The CSV header titles, normalised (no spaces, lower case)."""
        return {normalise_title(title) for title in self.csv_header}

    def workbook(self, *, data_only: bool = False) -> Any:
        """The file opened with openpyxl (read-only), once its archive has passed the size
        and compression limits (``limits.check_archive``; a bomb is rejected unopened)."""
        import openpyxl

        limits.check_archive(self.name, self.content)
        return openpyxl.load_workbook(io.BytesIO(self.content), read_only=True, data_only=data_only)

    @cached_property
    def xlsx_sheets(self) -> dict[str, list[str]]:
        """Sheet name -> first row (titles) of each sheet, or {} when not a workbook. A
        workbook over the size limits is rejected whole (``FileRejected``)."""
        if not self.is_xlsx:
            return {}
        try:
            book = self.workbook()
        except FileRejected:
            raise
        except Exception:
            return {}
        sheets = {}
        try:
            for sheet in book.worksheets:
                first = next(_sheet_rows(sheet, 1, limits.MAX_COLUMNS + 1), ())
                sheets[sheet.title] = [str(v).strip() for v in first if v is not None]
        except Exception:
            return {}
        finally:
            book.close()
        return sheets


def read_csv_frame(source: Source, *, keep_ragged_rows: bool = False) -> pd.DataFrame:
    """The file as a frame of text, one column per header title, plus the ``ROW`` column.

    A row with more fields than the header is refused with the file (naming the row), unless
    ``keep_ragged_rows``: then rows with fewer or more fields than the header are kept (short
    ones padded with blanks, long ones cut to the header) and described in
    ``frame.attrs[RAGGED]``, for ``formats.base.reject_ragged_rows`` to reject them by name.
    """
    data = source.utf8()
    try:
        frame, ragged = _read_fast(data, find_short_rows=keep_ragged_rows)
        if ragged is None:
            frame, ragged = _read_counting_fields(data, cut_inside_quotes=False)
    except _CutInsideQuotes:
        frame, ragged = _read_counting_fields(data, cut_inside_quotes=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeError) as error:
        raise FileRejected(source.name, f"is not a readable CSV file: {error}") from error
    if not keep_ragged_rows:
        long_row = next(
            (r for r in ragged.values() if any(value.strip() for value in r.extra)), None
        )
        if long_row is not None:
            raise FileRejected(
                source.name,
                f"is not a readable CSV file: it has {long_row.fields} fields "
                f"where the header has {long_row.expected}",
                row_number=long_row.row_number,
            )
    if frame.shape[1] > limits.MAX_COLUMNS:
        raise FileRejected(
            source.name, f"has more than {limits.MAX_COLUMNS:,} columns; it was not read"
        )
    frame.columns = [
        str(c).replace("\ufeff", "").replace(_MOJIBAKE_BOM, "").strip() for c in frame.columns
    ]
    frame = frame.loc[:, [not c.startswith("Unnamed:") for c in frame.columns]]
    empty = _empty_rows(frame)
    frame[ROW] = frame.index + 2
    if empty.any():
        frame = frame.loc[~empty].reset_index(drop=True)
        position = np.flatnonzero(~empty)
        ragged = {
            int(new): ragged[int(old)] for new, old in enumerate(position) if int(old) in ragged
        }
    frame.attrs[RAGGED] = ragged if keep_ragged_rows else {}
    _check_csv_cells(data, source, frame)
    return frame


RAGGED = "ragged_rows"
"""Key in a CSV frame's ``attrs``: frame index -> ``RaggedRow``, for rows whose number of fields
differs from the header's (only when read with ``keep_ragged_rows``)."""


@dataclass(frozen=True)
class RaggedRow:
    """A row with fewer or more fields than the header: how many, and any values beyond the
    header's last column. ``cut_off`` is true for a short last row at the very end of a file
    that stops mid-row (no final line break, or inside a quoted value)."""

    row_number: int
    fields: int
    expected: int
    extra: tuple[str, ...] = ()
    cut_off: bool = False


class _CutInsideQuotes(Exception):
    pass


def _pandas_frame(data: bytes) -> pd.DataFrame:
    # Bytes, not io.StringIO: a StringIO holds four bytes per character, which at a
    # million grants was the largest single allocation of a load. index_col=False: never
    # take a first column as the index when the first row has one field more than the header.
    return pd.read_csv(
        io.BytesIO(data),
        encoding="utf-8",
        dtype=str,
        keep_default_na=False,
        skip_blank_lines=True,
        skipinitialspace=False,
        index_col=False,
    )


def _read_fast(
    data: bytes, *, find_short_rows: bool
) -> tuple[pd.DataFrame, dict[int, RaggedRow] | None]:
    """pandas' reader, with a check that costs little: ``None`` for the ragged rows when a row
    may have fewer or more fields than the header (then they are counted row by row).

    pandas refuses a later row with too many fields but pads a short one with blanks, so a
    short row is only possible where the last column is blank; where some are, the file's
    separators outside quoted values must number (header and rows) x (columns - 1)."""
    first = _first_rows(data, 2)
    if len(first) == 2 and len(first[1]) > len(first[0]):
        return pd.DataFrame(), None
    try:
        frame = _pandas_frame(data)
    except pd.errors.ParserError as error:
        if "EOF inside string" in str(error):
            raise _CutInsideQuotes from error
        if "Expected" in str(error) and "fields" in str(error):
            return pd.DataFrame(), None
        raise
    if not find_short_rows or not frame.shape[1]:
        return frame, {}
    if not (frame.iloc[:, -1].to_numpy(dtype=object) == "").any():
        return frame, {}
    expected = (len(frame) + 1) * (frame.shape[1] - 1)
    return frame, ({} if _separators_outside_quotes(data) == expected else None)


def _first_rows(data: bytes, count: int) -> list[list[str]]:
    head = data[:65536].decode("utf-8", errors="replace")
    rows: list[list[str]] = []
    try:
        for row in csv.reader(io.StringIO(head)):
            if row:
                rows.append(row)
            if len(rows) == count:
                break
    except csv.Error:
        return rows
    return rows


_CHUNK = 1 << 16


def _separators_outside_quotes(data: bytes) -> int:
    """Commas that separate fields: every comma less those inside quoted values (a comma
    after an odd number of quote characters). Counted with numpy in 64 kB slices, which stay
    in the processor's cache."""
    commas = data.count(b",")
    if b'"' not in data:
        return commas
    view = np.frombuffer(data, dtype=np.uint8)
    outside, open_quote = 0, 0
    for start in range(0, len(view), _CHUNK):
        chunk = view[start : start + _CHUNK]
        quotes = np.flatnonzero(chunk == 34)
        separators = np.flatnonzero(chunk == 44)
        before = np.searchsorted(quotes, separators) + open_quote
        outside += int(np.count_nonzero((before & 1) == 0))
        open_quote = (open_quote + len(quotes)) & 1
    return outside


def _read_counting_fields(
    data: bytes, *, cut_inside_quotes: bool
) -> tuple[pd.DataFrame, dict[int, RaggedRow]]:
    """The slow path, for files with ragged rows: count each row's fields with the csv module,
    pad or cut every row to the header, and read the result with pandas as usual."""
    text = data.decode("utf-8")
    rows = [row for row in csv.reader(io.StringIO(text)) if row]
    if not rows:
        raise pd.errors.EmptyDataError("No columns to parse from file")
    width = len(rows[0])
    ends_mid_row = cut_inside_quotes or not text.endswith(("\n", "\r"))
    ragged: dict[int, RaggedRow] = {}
    for position, row in enumerate(rows[1:]):
        if len(row) == width:
            continue
        last = position == len(rows) - 2
        ragged[position] = RaggedRow(
            row_number=position + 2,
            fields=len(row),
            expected=width,
            extra=tuple(row[width:]),
            cut_off=last and ends_mid_row and len(row) <= width,
        )
        rows[position + 1] = (row + [""] * width)[:width]
    if cut_inside_quotes and len(rows) > 1 and (len(rows) - 2) not in ragged:
        row = rows[-1]
        ragged[len(rows) - 2] = RaggedRow(len(rows), len(row), width, cut_off=True)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return _pandas_frame(out.getvalue().encode("utf-8")), ragged


def _empty_rows(frame: pd.DataFrame) -> np.ndarray:
    """``(frame == "").all(axis=1)``, looking only at the rows still empty so far: after the
    first column or two almost none are, so a large file's cells are not all compared."""
    rows = np.arange(len(frame))
    for position in range(frame.shape[1]):
        if not len(rows):
            break
        values = frame.iloc[:, position].to_numpy(dtype=object)
        rows = rows[values[rows] == ""]
    empty = np.zeros(len(frame), dtype=bool)
    empty[rows] = True
    return empty


def read_xlsx_frames(source: Source) -> dict[str, pd.DataFrame]:
    """Each sheet as a frame (header row = titles), with the ``ROW`` column. Cell values keep
    their spreadsheet types (dates stay dates) except that blanks become ''. Control
    characters are removed from text (noted on the source), cells longer than
    ``limits.MAX_FIELD_CHARS`` are listed in ``frame.attrs[OVERSIZE]``, and a sheet wider than
    ``limits.MAX_COLUMNS`` or longer than ``limits.MAX_ROWS`` rejects the file."""
    try:
        book = source.workbook(data_only=True)
    except FileRejected:
        raise
    except Exception as error:
        raise FileRejected(source.name, f"is not a readable XLSX workbook: {error}") from error
    frames: dict[str, pd.DataFrame] = {}
    try:
        for sheet in book.worksheets:
            frame = _sheet_frame(source, sheet)
            if frame is not None:
                frames[sheet.title] = frame
    except FileRejected:
        raise
    except Exception as error:
        raise FileRejected(source.name, f"is not a readable XLSX workbook: {error}") from error
    finally:
        book.close()
    return frames


def _sheet_rows(sheet: Any, min_row: int, max_col: int) -> Iterator[tuple[Any, ...]]:
    """A sheet's rows from ``min_row``, at most ``max_col`` wide. The width is always given:
    left to itself, openpyxl pads every row to the width the sheet's XML claims."""
    if min_row == 1:
        return iter(sheet.iter_rows(min_row=1, max_row=1, max_col=max_col, values_only=True))
    return iter(sheet.iter_rows(min_row=min_row, max_col=max_col, values_only=True))


def _sheet_frame(source: Source, sheet: Any) -> pd.DataFrame | None:
    first = list(next(_sheet_rows(sheet, 1, limits.MAX_COLUMNS + 1), ()))
    while first and first[-1] in (None, ""):
        first.pop()
    if not first:
        return None
    if len(first) > limits.MAX_COLUMNS:
        raise FileRejected(
            source.name,
            f"has more than {limits.MAX_COLUMNS:,} columns in sheet {sheet.title!r}; "
            "it was not read",
        )
    header = [str(v).strip() if v is not None else "" for v in first]
    keep = [i for i, title in enumerate(header) if title]
    titles = [header[i] for i in keep]
    data: list[list[Any]] = []
    numbers: list[int] = []
    cleaned: dict[str, list[int]] = {}
    oversize: dict[int, tuple[str, int]] = {}
    for record in sheet_records(sheet, len(first), keep, titles):
        if record.number > limits.MAX_ROWS:
            raise FileRejected(
                source.name,
                f"has more than {limits.MAX_ROWS:,} rows in sheet {sheet.title!r}; it was not read",
            )
        for title in record.cleaned:
            cleaned.setdefault(title, []).append(record.number)
        if record.oversize is not None:
            oversize[len(data)] = record.oversize
        data.append(record.values)
        numbers.append(record.number)
    frame = pd.DataFrame(data, columns=titles, dtype=object)
    frame[ROW] = numbers
    _note_cleaned(source, cleaned)
    frame.attrs[OVERSIZE] = oversize
    return frame


@dataclass(frozen=True)
class SheetRecord:
    """A row of a sheet below its header that is not blank: its number in the sheet, its
    values under the kept titles (control characters removed), the titles of the cells that
    had any, and its first cell longer than ``limits.MAX_FIELD_CHARS`` (title, length)."""

    number: int
    values: list[Any]
    cleaned: list[str]
    oversize: tuple[str, int] | None


def sheet_records(
    sheet: Any, width: int, keep: list[int], titles: list[str]
) -> Iterator[SheetRecord]:
    """The rows of ``sheet`` below its header, as every reader of a workbook takes them:
    the columns at ``keep`` (named ``titles``), blank rows skipped."""
    for number, row in enumerate(_sheet_rows(sheet, 2, width), start=2):
        values = [row[i] if i < len(row) and row[i] is not None else "" for i in keep]
        if all(v == "" or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        cleaned: list[str] = []
        oversize: tuple[str, int] | None = None
        for position, value in enumerate(values):
            if type(value) is not str:
                continue
            if CONTROL_CHARACTERS.search(value):
                value = values[position] = CONTROL_CHARACTERS.sub("", value)
                cleaned.append(titles[position])
            if len(value) > limits.MAX_FIELD_CHARS and oversize is None:
                oversize = (titles[position], len(value))
        yield SheetRecord(number, values, cleaned, oversize)


def _note_cleaned(source: Source, cleaned: dict[str, list[int]]) -> None:
    for column, rows in cleaned.items():
        source.cleaned.append(CleanedCells(column, len(rows), tuple(rows[:5])))


OVERSIZE = "oversize_cells"
"""Key in a frame's ``attrs``: frame index -> (column, length) of the first cell in the row
longer than ``limits.MAX_FIELD_CHARS``, for ``formats.base.reject_bad_rows``."""


def _without_control_characters(value: Any) -> tuple[Any, int]:
    """A JSON value with control characters removed from every string (keys too), and how
    many strings lost any."""
    if isinstance(value, str):
        cleaned = CONTROL_CHARACTERS.sub("", value)
        return cleaned, int(cleaned != value)
    if isinstance(value, list):
        items = [_without_control_characters(item) for item in value]
        return [item for item, _ in items], sum(count for _, count in items)
    if isinstance(value, dict):
        out, total = {}, 0
        for key, item in value.items():
            clean_key, key_count = _without_control_characters(key)
            clean_item, count = _without_control_characters(item)
            out[clean_key] = clean_item
            total += key_count + count
        return out, total
    return value, 0


def _check_csv_cells(data: bytes, source: Source, frame: pd.DataFrame) -> None:
    """Remove control characters from a CSV frame's text (noted on the source) and list its
    cells longer than ``limits.MAX_FIELD_CHARS`` in ``frame.attrs[OVERSIZE]``. Each check
    first asks the bytes whether it can find anything, so a clean file costs one pass."""
    view = np.frombuffer(data, dtype=np.uint8)
    controls = int(np.count_nonzero(view < 32)) - sum(data.count(c) for c in (b"\t", b"\n", b"\r"))
    columns = [c for c in frame.columns if c != ROW]
    if controls:
        cleaned: dict[str, list[int]] = {}
        for column in columns:
            values = frame[column].to_numpy(dtype=object)
            found = [i for i, v in enumerate(values) if CONTROL_CHARACTERS.search(v)]
            if not found:
                continue
            for i in found:
                values[i] = CONTROL_CHARACTERS.sub("", values[i])
            frame[column] = pd.Series(values, index=frame.index, dtype=frame[column].dtype)
            rows = frame[ROW].to_numpy()
            cleaned[column] = [int(rows[i]) for i in found]
        _note_cleaned(source, cleaned)
    oversize: dict[int, tuple[str, int]] = {}
    if _longest_field_bound(view) > limits.MAX_FIELD_CHARS:
        for column in columns:
            lengths = frame[column].str.len().to_numpy()
            for position in np.flatnonzero(lengths > limits.MAX_FIELD_CHARS):
                oversize.setdefault(int(position), (column, int(lengths[position])))
    frame.attrs[OVERSIZE] = oversize


def _longest_field_bound(view: np.ndarray) -> int:
    """At least the length of the longest field: the longest run of bytes between two
    separators or line breaks (a quoted comma only makes runs shorter than the field)."""
    breaks = np.flatnonzero((view == 44) | (view == 10))
    if not len(breaks):
        return len(view)
    edges = np.concatenate(([-1], breaks, [len(view)]))
    return int(np.diff(edges).max())
