"""Format adapter for the P&C registers, as CSV files or XLSX workbooks.

A file is a register when its header has all that register's required columns (titles are
matched ignoring case, spaces, ``_`` and ``-``). In a workbook, the sheet named after the
register is read, else the first sheet whose header matches; the ``notes`` sheet never is.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import partial

import pandas as pd

from data_pipeline.config import Config
from data_pipeline.errors import FileRejected
from data_pipeline.extract import ROW, Source, read_csv_frame, read_xlsx_frames
from data_pipeline.formats.base import Format, Parsed, RejectCollector, reject_bad_rows
from data_pipeline.registers.build import BUILDERS, redact
from data_pipeline.registers.spec import REGISTERS, Register
from data_pipeline.registers.validate import (
    conform,
    matched_columns,
    missing_required,
    refused_titles,
    validate,
)

NOTES_SHEET = "notes"
# A payments file that names people is still recognised as one, so that it can be refused.
PAYMENT_COLUMNS_TO_RECOGNISE = 3


def _is_register_header(register: Register, titles: list[str]) -> bool:
    if not titles:
        return False
    if not missing_required(register, titles):
        return True
    return bool(register.refused_columns) and (
        bool(refused_titles(register, titles))
        and len(matched_columns(register, titles)) >= PAYMENT_COLUMNS_TO_RECOGNISE
    )


def _sniff_csv(register: Register, source: Source) -> bool:
    return not source.is_xlsx and _is_register_header(register, source.csv_header)


def _register_sheet(register: Register, sheets: dict[str, list[str]]) -> str | None:
    """The sheet holding the register: named after it, else the first whose header matches."""
    for name in sheets:
        if name.strip().lower() == register.name:
            return name
    for name, titles in sheets.items():
        if name.strip().lower() != NOTES_SHEET and _is_register_header(register, titles):
            return name
    return None


def _sniff_xlsx(register: Register, source: Source) -> bool:
    return source.is_xlsx and _register_sheet(register, source.xlsx_sheets) is not None


def _cell_text(value: object) -> str:
    """A spreadsheet cell as the text a CSV would hold (dates ISO, booleans yes/no)."""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_csv(register: Register, source: Source) -> pd.DataFrame:
    return read_csv_frame(source, keep_ragged_rows=True)


def _read_xlsx(register: Register, source: Source) -> pd.DataFrame:
    sheet = _register_sheet(register, source.xlsx_sheets)
    frames = read_xlsx_frames(source)
    if sheet is None or sheet not in frames:
        raise FileRejected(source.name, f"has no sheet named {register.name!r} with data")
    frame = frames[sheet]
    values = frame.drop(columns=[ROW]).map(_cell_text).astype("string")
    values[ROW] = frame[ROW]
    values.attrs = frame.attrs
    return values


def parse_register(register: Register, frame: pd.DataFrame, source: Source, fmt_id: str) -> Parsed:
    """Validate a register's rows and build its frames. Pure: nothing touches the database."""
    titles = [str(c) for c in frame.columns if c != ROW]
    refused = refused_titles(register, titles)
    if refused:
        raise FileRejected(
            source.name,
            f"has columns that identify individuals ({', '.join(refused)}); individual "
            f"{register.name} are not accepted: give totals per " + ", ".join(register.key),
        )
    missing = missing_required(register, titles)
    if missing:
        raise FileRejected(
            source.name,
            f"is missing required column(s) of the {register.name} register: " + ", ".join(missing),
        )
    conformed = redact(conform(frame, register), register)
    conformed.attrs = frame.attrs
    rejects = RejectCollector(conformed)
    reject_bad_rows(conformed, rejects)
    values = validate(conformed, register, rejects)
    built = BUILDERS[register.name](conformed, values, rejects)
    return Parsed(
        format_id=fmt_id,
        rows_read=len(frame),
        primary=register.primary,
        frames=built.frames,
        rejects=rejects.records().sort_values("row_number", kind="stable", ignore_index=True),
        replace_links=built.replace_links,
    )


def _parse(register: Register, kind: str, source: Source, config: Config) -> Parsed:
    frame = _read_xlsx(register, source) if kind == "xlsx" else _read_csv(register, source)
    return parse_register(register, frame, source, format_id(register, kind))


def format_id(register: Register, kind: str) -> str:
    """The format id of a register file: ``register-<name>-csv`` or ``register-<name>-xlsx``."""
    return f"register-{register.name}-{kind}"


def _formats() -> list[Format]:
    formats = []
    for register in REGISTERS:
        formats.append(
            Format(
                id=format_id(register, "csv"),
                label=f"P&C register: {register.title} (CSV)",
                sniff=partial(_sniff_csv, register),
                parse=partial(_parse, register, "csv"),
            )
        )
        formats.append(
            Format(
                id=format_id(register, "xlsx"),
                label=f"P&C register: {register.title} (XLSX)",
                sniff=partial(_sniff_xlsx, register),
                parse=partial(_parse, register, "xlsx"),
            )
        )
    return formats


FORMATS: list[Format] = _formats()
