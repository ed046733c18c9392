"""The contract every format follows: detect a file by its content, then parse it into frames
ready to load, plus the rows it rejects. Parsing never touches the database."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy import Table

from data_pipeline.config import Config
from data_pipeline.extract import ROW, Source
from data_pipeline.text_cells import quoted_text


@dataclass
class LinkScope:
    """Links in ``table`` whose ``parent_column`` is one of ``parent_ids`` are replaced by the
    file's links, so a corrected register removes links it no longer lists."""

    table: Table
    parent_column: str
    parent_ids: list[str]


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


@dataclass(frozen=True)
class Format:
    """A file format the pipeline can read."""

    id: str
    label: str
    sniff: Callable[[Source], bool]
    parse: Callable[[Source, Config], Parsed]


REJECT_COLUMNS = ["row_number", "field", "reason", "raw"]


class RejectCollector:
    """Collects problems found column by column and turns them into reject records.

    ``frame`` is the raw input (with its ``ROW`` column); problems are added as boolean masks
    over its index, so nothing loops over rows.
    """

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self._parts: list[pd.DataFrame] = []

    def add(self, mask: pd.Series, field_name: str, reason: str | pd.Series) -> None:
        mask = mask.reindex(self.frame.index, fill_value=False).fillna(False).astype(bool)
        if not mask.any():
            return
        reasons = reason[mask] if isinstance(reason, pd.Series) else reason
        self._parts.append(
            pd.DataFrame({"index": self.frame.index[mask], "field": field_name, "reason": reasons})
        )

    def add_row(self, index: object, field_name: str | None, reason: str) -> None:
        """One problem on one row, for checks that are per-record by nature (JSON Schema)."""
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
                {k: v for k, v in row.items() if v not in ("", None)},
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


def quoted(values: pd.Series) -> pd.Series:
    """Values as '…' for messages, cut to 60 characters."""
    return quoted_text(values, 60)


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
