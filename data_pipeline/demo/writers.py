"""Writing registers as CSV or XLSX, in the column order of their definition, reproducibly.

A workbook normally records when it was saved (in its properties and in every zip entry);
both are fixed here so the same seed always gives the same bytes.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font

from data_pipeline.registers.spec import Register, register_by_name

_ZIP_TIME = (2025, 5, 6, 9, 30, 0)
_STAMP = b"2025-05-06T09:30:00Z"
NOTES_HEADER = ("column", "required", "allowed values", "definition", "example")


def _checked(name: str, frame: pd.DataFrame) -> Register:
    register = register_by_name(name)
    if list(frame.columns) != register.columns:
        raise ValueError(f"{name}: columns {list(frame.columns)} differ from {register.columns}")
    return register


def write_register_csv(name: str, frame: pd.DataFrame, path: Path) -> Path:
    """The register as UTF-8 CSV with the template's header."""
    _checked(name, frame)
    frame.to_csv(path, index=False, lineterminator="\n")
    return path


def write_register_xlsx(name: str, frame: pd.DataFrame, path: Path) -> Path:
    """The register as a workbook: a sheet named after it, then a ``notes`` sheet that defines
    every column. Dates become date cells and numbers number cells, as people type them."""
    register = _checked(name, frame)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = register.name
    sheet.append(register.columns)
    kinds = [field.kind for field in register.fields]
    for row in frame.itertuples(index=False):
        sheet.append([_cell(value, kind) for value, kind in zip(row, kinds, strict=True)])
    bold = Font(bold=True)
    for cell in sheet[1]:
        cell.font = bold
    notes = book.create_sheet("notes")
    notes.append(NOTES_HEADER)
    for field in register.fields:
        notes.append(
            (
                field.name,
                "yes" if field.required else "no",
                field.allowed,
                field.definition,
                field.example,
            )
        )
    for cell in notes[1]:
        cell.font = bold
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(_reproducible(buffer.getvalue()))
    return path


def _cell(value: object, kind: str) -> object:
    if value is None or value == "":
        return None
    if kind == "date":
        return date.fromisoformat(str(value))
    if kind in ("integer", "percent") and str(value).isdigit():
        return int(str(value))
    return value


def _reproducible(xlsx: bytes) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(xlsx)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)",
                    rb"\g<1>" + _STAMP + rb"\2",
                    data,
                )
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            target.writestr(fixed, data)
    return out.getvalue()
