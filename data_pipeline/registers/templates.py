"""The register templates (CSV and XLSX) and their documentation, generated from ``spec``.

The generated files are committed under ``docs/``; a test regenerates them and fails when they
differ, so the documentation cannot drift from what the loader accepts. Output is
byte-for-byte reproducible: the workbook's timestamps are fixed.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from data_pipeline.registers.spec import KIND_FORMATS, REGISTERS, Field, Register

PROJECT_DOCS = Path(__file__).resolve().parent.parent.parent / "docs"
NOTES_HEADER = ("column", "required", "type", "allowed values", "definition", "example")
VALIDATED_ROWS = 1000  # rows of the XLSX template that get drop-down lists
FIXED_ZIP_TIME = (2024, 1, 1, 0, 0, 0)
FIXED_STAMP = "2024-01-01T00:00:00Z"


def write_templates(out: Path | None = None) -> list[Path]:
    """Write ``templates/<register>.csv|.xlsx`` and ``registers/*.md`` under ``out`` (default:
    the project's ``docs`` folder). Returns the files written."""
    out = out or PROJECT_DOCS
    templates, docs = out / "templates", out / "registers"
    templates.mkdir(parents=True, exist_ok=True)
    docs.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for register in REGISTERS:
        for path, content in (
            (templates / f"{register.name}.csv", csv_template(register)),
            (templates / f"{register.name}.xlsx", xlsx_template(register)),
            (docs / f"{register.name}.md", register_page(register).encode("utf-8")),
        ):
            path.write_bytes(content)
            written.append(path)
    index = docs / "README.md"
    index.write_bytes(index_page().encode("utf-8"))
    written.append(index)
    return written


def csv_template(register: Register) -> bytes:
    """The CSV template: the header row only, UTF-8."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(register.columns)
    return buffer.getvalue().encode("utf-8")


def _type_label(field: Field) -> str:
    return "yes/no" if field.kind == "bool" else field.kind


def xlsx_template(register: Register) -> bytes:
    """The XLSX template: the register's sheet (bold, frozen header, drop-down lists for fixed
    values) and a ``notes`` sheet that defines every column."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = register.name
    sheet.append(register.columns)
    bold = Font(bold=True)
    for cell in sheet[1]:
        cell.font = bold
    sheet.freeze_panes = "A2"
    for index, field in enumerate(register.fields, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(12, len(field.name) + 2)
        choices = field.vocabulary or (("yes", "no") if field.kind == "bool" else ())
        if choices:
            validation = DataValidation(
                type="list",
                formula1='"' + ",".join(choices) + '"',
                allow_blank=not field.required,
                showErrorMessage=True,
                errorTitle=field.name,
                error="Choose one of: " + ", ".join(choices),
            )
            validation.add(f"{letter}2:{letter}{VALIDATED_ROWS + 1}")
            sheet.add_data_validation(validation)

    notes = book.create_sheet("notes")
    notes.append(NOTES_HEADER)
    for cell in notes[1]:
        cell.font = bold
    notes.freeze_panes = "A2"
    for field in register.fields:
        notes.append(
            (
                field.name,
                "yes" if field.required else "no",
                _type_label(field),
                field.allowed,
                field.definition,
                field.example,
            )
        )
    for letter, width in zip("ABCDEF", (24, 10, 12, 48, 80, 40), strict=True):
        notes.column_dimensions[letter].width = width

    book.properties.creator = "P&C Research Observatory"
    buffer = io.BytesIO()
    book.save(buffer)
    return _reproducible(buffer.getvalue())


def _reproducible(xlsx: bytes) -> bytes:
    """The same workbook with fixed timestamps, so regenerating it gives identical bytes."""
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
                    rb"\g<1>" + FIXED_STAMP.encode() + rb"\g<2>",
                    data,
                )
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            target.writestr(fixed, data)
    return out.getvalue()


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def register_page(register: Register) -> str:
    """The Markdown page of one register."""
    tables = ", ".join(f"`{t.name}`" for t in register.tables)
    lines = [
        f"# {register.title} (`{register.name}`)",
        "",
        "<!-- Generated from data_pipeline/registers/spec.py by "
        "`python -m data_pipeline templates`; do not edit by hand. -->",
        "",
        register.purpose,
        "",
        f"Loads into {tables}; one row per "
        + (" + ".join(f"`{k}`" for k in register.key))
        + f" (the main table is `{register.primary.name}`).",
        "",
        f"Templates: [{register.name}.csv](../templates/{register.name}.csv) and "
        f"[{register.name}.xlsx](../templates/{register.name}.xlsx) (sheet `{register.name}`, "
        "with the column definitions in its `notes` sheet).",
        "",
        "## Columns",
        "",
        "| column | required | type | allowed values | definition | example |",
        "|---|---|---|---|---|---|",
    ]
    for field in register.fields:
        lines.append(
            "| "
            + " | ".join(
                _cell(text)
                for text in (
                    f"`{field.name}`",
                    "yes" if field.required else "no",
                    _type_label(field),
                    field.allowed,
                    field.definition,
                    field.example,
                )
            )
            + " |"
        )
    lines += [
        "",
        "## Writing the file",
        "",
        "- The first row holds the column names above, in any order; titles match ignoring case, "
        "spaces, `_` and `-`. Columns not listed here are ignored and not stored.",
        "- Lists inside a cell are separated by `;`. Yes/no columns take `yes` or `no`. Dates are "
        "written `YYYY-MM-DD`. Money is in pounds, e.g. `12500.00`.",
        "- Each id appears once; when one appears again, the first row is kept and the later "
        "ones are rejected.",
        *[f"- {rule}" for rule in register.rules],
        "",
        "## Loading it",
        "",
        "```",
        f"python -m data_pipeline load {register.name}.csv",
        "```",
        "",
        "Loading the same file twice changes nothing; a corrected file updates the rows it "
        "changes. A row that breaks a rule is rejected with `FILE:ROW: COLUMN: reason` and "
        "the other rows still load (exit code 1); list the rejects with "
        f"`python -m data_pipeline rejects --file {register.name}.csv`. A file missing a "
        "required column is rejected whole and changes nothing (exit code 2).",
        "",
    ]
    return "\n".join(lines)


def index_page() -> str:
    """The Markdown index of every register."""
    lines = [
        "# The P&C registers",
        "",
        "<!-- Generated from data_pipeline/registers/spec.py by "
        "`python -m data_pipeline templates`; do not edit by hand. -->",
        "",
        "Peer and community research leaves records that no open standard covers. Each register "
        "below has a CSV and an XLSX template in [`docs/templates`](../templates) and a page "
        "that defines every column. Load any of them with "
        "`python -m data_pipeline load FILE`; the register is recognised from its header.",
        "",
        "| register | what one row is | required columns | loads into |",
        "|---|---|---|---|",
    ]
    for register in REGISTERS:
        lines.append(
            f"| [{register.title}]({register.name}.md) | "
            + _cell(register.purpose.split(". ")[0].rstrip(".") + ".")
            + " | "
            + ", ".join(f"`{name}`" for name in register.required)
            + " | "
            + ", ".join(f"`{t.name}`" for t in register.tables)
            + " |"
        )
    lines += [
        "",
        "## Types",
        "",
        "| type | how to write it |",
        "|---|---|",
        *[
            f"| {'yes/no' if kind == 'bool' else kind} | {_cell(text)} |"
            for kind, text in KIND_FORMATS.items()
        ],
        "| vocabulary | one of the values listed for the column (case does not matter) |",
        "",
        "Regenerate these pages and the templates with `python -m data_pipeline templates`.",
        "",
    ]
    return "\n".join(lines)
