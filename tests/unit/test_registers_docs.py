"""The committed templates and register docs are exactly what ``spec.py`` generates, so they
cannot drift from what the loader accepts (as Datasette's test_docs.py keeps its docs)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from xml.etree.ElementTree import canonicalize

import openpyxl
import pytest

from data_pipeline.registers.spec import REGISTERS, register_by_name
from data_pipeline.registers.templates import write_templates
from tests.conftest import ROOT

DOCS = ROOT / "docs"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("docs")
    write_templates(out)
    return out


def _members(xlsx: bytes) -> dict[str, bytes | str]:
    """Each member of a workbook; XML members in canonical form, since openpyxl writes the
    same document with other spacing and namespace placement when lxml is installed."""
    with zipfile.ZipFile(io.BytesIO(xlsx)) as book:
        return {
            name: canonicalize(book.read(name).decode("utf-8"))
            if name.endswith((".xml", ".rels"))
            else book.read(name)
            for name in book.namelist()
        }


@pytest.mark.parametrize("folder", ["templates", "registers"])
def test_committed_files_are_the_generated_ones(generated: Path, folder: str) -> None:
    fresh = {p.name: p.read_bytes() for p in (generated / folder).iterdir()}
    committed = {p.name: p.read_bytes() for p in (DOCS / folder).iterdir()}
    assert sorted(committed) == sorted(fresh), "run: python -m data_pipeline templates"
    for name, content in fresh.items():
        if name.endswith(".xlsx"):
            same = _members(committed[name]) == _members(content)
        else:
            same = committed[name] == content
        assert same, f"docs/{folder}/{name} is stale; run: python -m data_pipeline templates"


def test_generation_is_reproducible(generated: Path, tmp_path: Path) -> None:
    write_templates(tmp_path)
    for path in (generated / "templates").iterdir():
        assert (tmp_path / "templates" / path.name).read_bytes() == path.read_bytes()


def test_every_column_is_documented_with_type_and_example() -> None:
    for register in REGISTERS:
        page = (DOCS / "registers" / f"{register.name}.md").read_text(encoding="utf-8")
        assert f"python -m data_pipeline load {register.name}.csv" in page
        for field in register.fields:
            row = next(line for line in page.splitlines() if line.startswith(f"| `{field.name}`"))
            assert ("| yes |" if field.required else "| no |") in row
            assert field.example.replace("|", "\\|") in row
        index = (DOCS / "registers" / "README.md").read_text(encoding="utf-8")
        assert f"]({register.name}.md)" in index


def test_csv_template_is_the_header_in_contract_order() -> None:
    for register in REGISTERS:
        text = (DOCS / "templates" / f"{register.name}.csv").read_text(encoding="utf-8")
        assert text == ",".join(register.columns) + "\n"


def test_xlsx_template_has_a_frozen_bold_header_drop_downs_and_notes() -> None:
    register = register_by_name("projects")
    book = openpyxl.load_workbook(DOCS / "templates" / "projects.xlsx")
    assert book.sheetnames == ["projects", "notes"]
    sheet = book["projects"]
    assert [c.value for c in sheet[1]] == register.columns
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert lists["F2:F1001"] == '"inform,consult,involve,co-produce,community-led"'
    assert lists["W2:W1001"] == '"yes,no"'
    notes = book["notes"]
    rows = list(notes.iter_rows(values_only=True))
    assert rows[0] == ("column", "required", "type", "allowed values", "definition", "example")
    assert [r[0] for r in rows[1:]] == register.columns
    assert rows[1][1] == "yes" and rows[3][1] == "no"


def test_cli_templates_writes_every_file(run_cli, tmp_path: Path, sqlite_url: str) -> None:
    result = run_cli("templates", "--out", str(tmp_path / "out"), database_url=sqlite_url)
    assert result.returncode == 0, result.stderr
    assert "Wrote 28 template and documentation files" in result.stdout
    written = sorted(p.name for p in (tmp_path / "out" / "templates").iterdir())
    assert written == sorted(f"{r.name}.{ext}" for r in REGISTERS for ext in ("csv", "xlsx"))
