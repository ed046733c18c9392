"""The contract every format follows: detect a file by its content, then parse it into frames
ready to load, plus the rows it rejects. Parsing never touches the database."""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy import Table

from data_pipeline import limits
from data_pipeline.config import Config
from data_pipeline.extract import OVERSIZE, RAGGED, ROW, RaggedRow, Source
from data_pipeline.text_cells import quoted_text


@dataclass
class LinkScope:
    """Links in ``table`` whose ``parent_column`` is one of ``parent_ids`` are replaced by the
    file's links, so a corrected register removes links it no longer lists."""

    table: Table
    parent_column: str
    parent_ids: list[str]


@dataclass
class FileWarning:
    """One kind of problem a file has that did not cost it a row: a value repaired or blanked,
    a column the standard wants but the file lacks, a repeated id kept as separate lines.
    ``rows`` is how many rows it touched (0 for a note about the whole file) and ``examples``
    up to five of them, as (row number, what was found)."""

    kind: str
    field_name: str | None
    message: str
    rows: int = 0
    examples: list[tuple[int | None, str]] = field(default_factory=list)


@dataclass
class Money:
    """The money of a file's primary rows, for reconciliation: the column the amounts came
    from, their total over every row read, and over the rows rejected (pence; an amount that
    cannot be read counts as nothing, and ``unreadable_rows`` says how many there were)."""

    column: str
    loaded_field: str
    read_pence: int
    rejected_pence: int
    unreadable_rows: int = 0


@dataclass
class Parsed:
    """What a format hands to the loader."""

    format_id: str
    rows_read: int
    primary: Table
    frames: list[tuple[Table, pd.DataFrame]]
    rejects: pd.DataFrame
    publisher: str | None = None
    licence: str | None = None
    replace_links: list[LinkScope] = field(default_factory=list)
    warnings: list[FileWarning] = field(default_factory=list)
    money: Money | None = None
    streamed_pence: int | None = None
    """The total of the primary rows a ``ParseStream`` handed over in its batches."""

    @property
    def loaded_pence(self) -> int | None:
        """The total of the primary rows handed to the loader, from the frame itself."""
        if self.money is None:
            return None
        if self.streamed_pence is not None:
            return self.streamed_pence
        frame = next((f for t, f in self.frames if t is self.primary), pd.DataFrame())
        if self.money.loaded_field not in frame:
            return 0
        return int(pd.to_numeric(frame[self.money.loaded_field]).fillna(0).sum())


@dataclass
class ParseStream:
    """A file parsed a batch of rows at a time, so that memory follows the batch, not the
    file. ``batches`` yields the primary table's rows batch by batch, once; then ``finish``
    gives the rest as a ``Parsed`` whose frames are written after the batches, with the
    whole file's rejects, warnings and money, exactly as a parse of the whole file gives."""

    format_id: str
    table: Table | None
    """The table the batches are of (None when there are none)."""
    batches: Iterator[pd.DataFrame]
    finish: Callable[[], Parsed]
    rows: int
    """Rows the file holds, for progress."""


def whole_file(parsed: Parsed) -> ParseStream:
    """A file parsed whole: no batches, all of it in ``finish``."""
    return ParseStream(parsed.format_id, None, iter(()), lambda: parsed, parsed.rows_read)


@dataclass(frozen=True)
class Format:
    """A file format the pipeline can read. ``stream``, where a format has it, parses a
    file a batch of rows at a time (None for a file it leaves to ``parse``)."""

    id: str
    label: str
    sniff: Callable[[Source], bool]
    parse: Callable[[Source, Config], Parsed]
    stream: Callable[[Source, Config], ParseStream | None] | None = None


REJECT_COLUMNS = ["row_number", "field", "reason", "raw"]


class CallLog:
    """The checks a collector was asked to make, in order, each with what it added (rejects:
    the problems found, warnings: 1 or 0). A file read a batch of rows at a time merges its
    batches' problems in the order a read of the whole file would have made them (see
    ``threesixtygiving_stream``). A check made twice in a batch is told apart by its
    occurrence."""

    def __init__(self) -> None:
        self.entries: list[tuple[tuple[Hashable, int], int]] = []
        self._seen: dict[Hashable, int] = {}

    def log(self, check: Hashable, added: int) -> None:
        occurrence = self._seen.get(check, 0)
        self._seen[check] = occurrence + 1
        self.entries.append(((check, occurrence), added))


class RejectCollector:
    """Collects problems found column by column and turns them into reject records.

    ``frame`` is the raw input (with its ``ROW`` column); problems are added as boolean masks
    over its index, so nothing loops over rows.
    """

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self._parts: list[pd.DataFrame] = []
        self.calls = CallLog()
        """Every check made, in order, and the problems each found (``CallLog``)."""

    def add(self, mask: pd.Series, field_name: str, reason: str | pd.Series) -> None:
        mask = mask.reindex(self.frame.index, fill_value=False).fillna(False).astype(bool)
        found = int(mask.sum())
        self.calls.log((field_name, reason if isinstance(reason, str) else None), found)
        if not found:
            return
        reasons = reason[mask] if isinstance(reason, pd.Series) else reason
        self._parts.append(
            pd.DataFrame({"index": self.frame.index[mask], "field": field_name, "reason": reasons})
        )

    def add_row(self, index: object, field_name: str | None, reason: str) -> None:
        """One problem on one row, for checks that are per-record by nature (JSON Schema)."""
        self.calls.log((field_name, reason), 1)
        self._parts.append(
            pd.DataFrame({"index": [index], "field": [field_name], "reason": [reason]})
        )

    @property
    def rejected(self) -> pd.Series:
        """True for every input row with at least one problem."""
        if not self._parts:
            return pd.Series(False, index=self.frame.index)
        bad = pd.concat(self._parts)["index"].unique()
        return pd.Series(self.frame.index.isin(bad), index=self.frame.index)

    def records(self, raw_columns: list[str] | None = None) -> pd.DataFrame:
        """Reject records: row number, field, reason and the raw row as JSON."""
        if not self._parts:
            return pd.DataFrame(columns=REJECT_COLUMNS)
        problems = pd.concat(self._parts, ignore_index=True)
        columns = raw_columns or [c for c in self.frame.columns if c != ROW]
        raw_rows = self.frame.loc[problems["index"].unique(), columns]
        raw_json = {
            index: json.dumps(
                {k: clipped(v) for k, v in row.items() if v not in ("", None)},
                default=str,
                ensure_ascii=False,
            )
            for index, row in raw_rows.iterrows()
        }
        return pd.DataFrame(
            {
                "row_number": self.frame.loc[problems["index"], ROW].to_numpy()
                if ROW in self.frame.columns
                else None,
                "field": problems["field"].to_numpy(),
                "reason": problems["reason"].astype(str).to_numpy(),
                "raw": problems["index"].map(raw_json).to_numpy(),
            }
        )


class WarningCollector:
    """Collects warnings column by column, as ``RejectCollector`` collects rejects: each is
    counted over the rows of its mask, with the first five rows kept as examples."""

    EXAMPLES = 5

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self.warnings: list[FileWarning] = []
        self.calls = CallLog()
        """Every check made, in order, and whether it gave a warning (``CallLog``)."""

    def add(
        self,
        mask: pd.Series,
        field_name: str | None,
        kind: str,
        message: str,
        values: pd.Series | None = None,
    ) -> None:
        """``values`` (the raw values, quoted in the examples) default to the row's field."""
        mask = mask.reindex(self.frame.index, fill_value=False).fillna(False).astype(bool)
        count = int(mask.sum())
        self.calls.log((kind, field_name, message), int(count > 0))
        if not count:
            return
        chosen = mask[mask].index[: self.EXAMPLES]
        shown = values if values is not None else self.frame.get(field_name or "")
        rows = self.frame.loc[chosen, ROW] if ROW in self.frame else pd.Series(None, index=chosen)
        shown_text = (
            quoted(shown.reindex(chosen)).tolist() if shown is not None else [""] * len(chosen)
        )
        examples = [
            (None if pd.isna(row) else int(row), str(value))
            for row, value in zip(rows.tolist(), shown_text, strict=True)
        ]
        self.warnings.append(FileWarning(kind, field_name, message, count, examples))

    def add_file(self, kind: str, field_name: str | None, message: str) -> None:
        """A warning about the whole file (a missing column, the column amounts came from)."""
        self.calls.log((kind, field_name, message), 1)
        self.warnings.append(FileWarning(kind, field_name, message))


def quoted(values: pd.Series) -> pd.Series:
    """Values as '…' for messages, cut to 60 characters."""
    return quoted_text(values, 60)


def clipped(value: Any) -> Any:
    """A raw value as a reject record keeps it: text longer than ``limits.MAX_FIELD_CHARS``
    cut to it (with "…"), in lists and objects too, so an oversize field is named, not
    stored."""
    if isinstance(value, str):
        limit = limits.MAX_FIELD_CHARS
        return value if len(value) <= limit else value[:limit] + "…"
    if isinstance(value, list):
        return [clipped(item) for item in value]
    if isinstance(value, dict):
        return {key: clipped(item) for key, item in value.items()}
    return value


def reject_bad_rows(
    raw: pd.DataFrame, rejects: RejectCollector, warnings: WarningCollector | None = None
) -> None:
    """What every CSV and XLSX reader rejects before reading a row's values: a ragged row
    (``reject_ragged_rows``) and a row with a cell longer than ``limits.MAX_FIELD_CHARS``
    (listed by ``read_csv_frame`` and ``read_xlsx_frames`` in ``frame.attrs[OVERSIZE]``)."""
    reject_ragged_rows(raw, rejects, warnings)
    oversize: dict[int, tuple[str, int]] = raw.attrs.get(OVERSIZE, {})
    for index, (column, length) in oversize.items():
        if index in raw.index:
            rejects.add_row(index, column, too_long(length, limits.MAX_FIELD_CHARS))


def too_long(length: int, limit: int) -> str:
    """The reason a value over a length limit rejects its row."""
    return f"is {length:,} characters long; at most {limit:,} are accepted"


def reject_records(rejects: pd.DataFrame) -> list[dict[str, Any]]:
    """Reject records as plain Python values (int row, str field, None where missing)."""

    def optional(value: Any, kind: type) -> Any:
        return None if value is None or pd.isna(value) else kind(value)

    return [
        {
            "row_number": optional(r["row_number"], int),
            "field": optional(r["field"], str),
            "reason": str(r["reason"]),
            "raw": optional(r.get("raw"), str),
        }
        for r in rejects.to_dict("records")
    ]


def reject_ragged_rows(
    raw: pd.DataFrame, rejects: RejectCollector, warnings: WarningCollector | None = None
) -> None:
    """Reject the rows of a CSV frame (read with ``read_csv_frame(..., keep_ragged_rows=True)``)
    whose number of fields differs from the header's, naming each as such, even when the
    fields a format needs happen to be filled: a short row lost its end, a long one shifted or
    lost values. A long row whose extra fields are all blank (a stray trailing comma) loses
    nothing: it is kept, and ``warnings`` (when given) counts it."""
    ragged: dict[int, RaggedRow] = raw.attrs.get(RAGGED, {})
    trailing_blanks = []
    for index, row in ragged.items():
        if index not in raw.index:
            continue
        if row.fields > row.expected and not any(v.strip() for v in row.extra):
            trailing_blanks.append(index)
            continue
        if row.fields == row.expected:
            reason = "ends inside a quoted value: the file looks cut off"
        elif row.fields < row.expected:
            reason = f"has {row.fields} of {row.expected} fields"
            if row.cut_off:
                reason += ": the file looks cut off"
        else:
            shown = ", ".join(quoted(pd.Series(row.extra[:3])).tolist())
            more = ", ..." if len(row.extra) > 3 else ""
            reason = (
                f"has {row.fields} fields where the header has {row.expected} "
                f"(beyond the last column: {shown}{more})"
            )
        rejects.add_row(index, None, reason)
    if warnings is not None and trailing_blanks:
        warnings.add(
            pd.Series(True, index=trailing_blanks),
            None,
            "ragged-row",
            "rows end with blank fields beyond the header's last column; they were ignored",
            pd.Series("", index=trailing_blanks),
        )
