"""A 360Giving workbook and a 360Giving JSON package are read a batch of grants at a time:
their grants, organisations, rejects, warnings and money are exactly what a read of the whole
file gives, whichever batch a problem falls in; a file that cannot be read so is read whole."""

from __future__ import annotations

import datetime
import gzip
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from data_pipeline.config import load_config
from data_pipeline.errors import FileRejected
from data_pipeline.extract import Source
from data_pipeline.formats import threesixtygiving
from data_pipeline.formats.base import Parsed, ParseStream
from tests.conftest import FIXTURES
from tests.pipeline.test_threesixtygiving_batches import HEADER, _comparable, _hostile_rows

REAL = FIXTURES / "real" / "360giving"
WORKBOOKS = sorted(REAL.rglob("*.xlsx"))
PACKAGES = sorted(p for p in REAL.rglob("*") if p.name.endswith((".json", ".json.gz")))


def _whole(path: Path) -> Parsed | str:
    parse = threesixtygiving.parse_xlsx if path.suffix == ".xlsx" else threesixtygiving.parse_json
    try:
        return parse(Source.from_path(path), load_config())
    except FileRejected as rejected:
        return str(rejected)


def _stream(path: Path) -> ParseStream | None:
    stream = (
        threesixtygiving.stream_xlsx if path.suffix == ".xlsx" else threesixtygiving.stream_json
    )
    return stream(Source.from_path(path), load_config())


def _in_batches(path: Path, rows: int, monkeypatch: pytest.MonkeyPatch) -> Parsed:
    monkeypatch.setattr(threesixtygiving, "ROWS_PER_BATCH", rows)
    stream = _stream(path)
    assert stream is not None
    return threesixtygiving._all_batches(stream)


def _same_as_whole(path: Path, monkeypatch: pytest.MonkeyPatch) -> ParseStream | None:
    whole = _whole(path)
    stream = _stream(path)
    if stream is None:
        return None
    assert not isinstance(whole, str), whole
    # Batches of 7 grants, or four batches for a larger file (quicker to test).
    for rows in {7 if stream.rows <= 200 else stream.rows // 4 + 1, stream.rows // 2 + 1}:
        assert _comparable(_in_batches(path, rows, monkeypatch)) == _comparable(whole), rows
    return stream


@pytest.mark.parametrize("path", WORKBOOKS, ids=[p.name for p in WORKBOOKS])
def test_a_workbook_read_in_batches_gives_what_the_whole_file_gives(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stream = _same_as_whole(path, monkeypatch)
    if stream is None:  # no grants (or another sheet adds to them): read whole
        assert path.parent.name == "templates"  # titles only, no grants


@pytest.mark.parametrize("path", PACKAGES, ids=[p.name for p in PACKAGES])
def test_a_package_read_in_batches_gives_what_the_whole_file_gives(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stream = _same_as_whole(path, monkeypatch)
    if stream is None:  # not a package, or broken: read whole, as before
        assert "malformed" in path.name or path.parent.name == "registry"


def _hostile_cells() -> list[list[Any]]:
    """The hostile CSV's rows as a workbook holds them: dates as dates (some as text, slash
    dates and all), amounts as numbers, a cell too long."""
    rows: list[list[Any]] = []
    for n, row in enumerate(_hostile_rows()):
        cells: list[Any] = list(row)
        if n % 3 == 0 and cells[4] == "2024-04-01":
            cells[4] = datetime.datetime(2024, 4, 1)
        if cells[3] in ("1000", "12.5"):
            cells[3] = float(cells[3]) if n % 2 else int(float(cells[3]))
        if n == 30:
            cells[1] = "x" * 10_001
        rows.append(cells)
    rows.insert(20, [None] * len(HEADER))  # a row of blanks
    return rows


@pytest.fixture
def hostile_xlsx(tmp_path: Path) -> Path:
    path = tmp_path / "grants.xlsx"
    book = openpyxl.Workbook(write_only=True)
    grants = book.create_sheet("grants")
    grants.append([*HEADER, "Notes"])
    for row in _hostile_cells():
        grants.append([*row, None])
    notes = book.create_sheet("Lookups")  # adds nothing to the grants
    notes.append(["Code", "Meaning"])
    notes.append(["A", "Arts"])
    meta = book.create_sheet("Meta")
    meta.append(["Publisher:Name", "The Hostile Trust"])
    meta.append(["License", "https://creativecommons.org/licenses/by/4.0/"])
    book.save(path)
    return path


def _grant(row: list[str], n: int) -> Any:
    if n == 17:
        return ["not", "a", "grant"]
    grant: dict[str, Any] = {
        "id": row[0],
        "title": row[1],
        "currency": row[2],
        "amountAwarded": row[3],
        "awardDate": row[4],
        "recipientOrganization": [{"id": row[6], "name": row[7]}],
        "fundingOrganization": [{"id": row[8], "name": row[9]}],
    }
    if row[5]:
        grant["plannedDates"] = [{"startDate": row[5]}]
    if n % 4 == 0:
        grant["amountAwarded"] = 1000.5 if n % 8 else 250
    if n == 33:
        grant["description"] = "y" * 10_001
    if n % 9 == 0:
        grant["classifications"] = [{"code": "A"}, {"code": "B", "title": "Bees"}]
    if n % 11 == 0:
        grant["beneficiaryLocation"] = [{"name": "Leeds", "geoCode": "E08000035"}]
    return grant


@pytest.fixture
def hostile_json(tmp_path: Path) -> Path:
    path = tmp_path / "grants.json.gz"
    grants = [_grant(row, n) for n, row in enumerate(_hostile_rows())]
    grants.append(dict(grants[5]))  # an exact repeat, well after the first
    package = {"grants": grants, "publisher": {"name": "The Hostile Trust"}, "license": "x"}
    path.write_bytes(gzip.compress(("\ufeff" + json.dumps(package)).encode()))
    return path


def test_a_hostile_workbook_in_batches_gives_what_the_whole_file_gives(
    hostile_xlsx: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stream = _same_as_whole(hostile_xlsx, monkeypatch)
    assert stream is not None
    parsed = _in_batches(hostile_xlsx, 7, monkeypatch)
    assert parsed.publisher == "The Hostile Trust" and parsed.licence
    reasons = parsed.rejects["reason"].tolist()
    assert any("exactly" in reason for reason in reasons)
    assert any("characters long" in reason for reason in reasons)
    assert {w.kind for w in parsed.warnings} >= {"repeated-id", "repaired"}


def test_a_hostile_package_in_batches_gives_what_the_whole_file_gives(
    hostile_json: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stream = _same_as_whole(hostile_json, monkeypatch)
    assert stream is not None
    parsed = _in_batches(hostile_json, 7, monkeypatch)
    assert parsed.publisher == "The Hostile Trust"
    reasons = parsed.rejects["reason"].tolist()
    assert "is not a grant (a JSON object)" in reasons
    assert any("exactly" in reason for reason in reasons)
    assert any("characters long" in reason for reason in reasons)
    assert {w.kind for w in parsed.warnings} >= {"repeated-id", "repaired", "standard"}


def test_a_workbook_whose_other_sheet_adds_to_the_grants_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "grants.xlsx"
    book = openpyxl.Workbook(write_only=True)
    grants = book.create_sheet("grants")
    grants.append(HEADER)
    for row in _hostile_rows()[:5]:
        grants.append(row)
    items = book.create_sheet("classifications")
    items.append(["Identifier", "Classifications:Code"])
    items.append(["360G-T-1", "A"])
    book.save(path)
    assert threesixtygiving.stream_xlsx(Source.from_path(path), load_config()) is None


@pytest.mark.parametrize(
    "text",
    [
        '[{"grants": []}]',
        '{"grants": {"id": 1}}',
        '{"grants": [], "grants": [{"id": "x"}]}',
        '{"grants": [{"id": "a\\u0001"}]}',
        '{"grants": [{"id": "\\ud800"}]}',
        '{"grants": [{"id": NaN}]}',
        '{"grants": [{"id": "x"}]} trailing',
    ],
)
def test_a_json_file_the_batches_cannot_read_faithfully_is_read_whole(
    text: str, tmp_path: Path
) -> None:
    path = tmp_path / "grants.json"
    path.write_text(text, encoding="utf-8")
    assert threesixtygiving.stream_json(Source.from_path(path), load_config()) is None


def test_a_package_is_recognised_without_parsing_all_of_it(tmp_path: Path) -> None:
    path = tmp_path / "grants.json"
    path.write_text('{"publisher": {"name": "P"}, "grants": [' + "{}," * 100_000 + "{}]")
    source = Source.from_path(path)
    assert threesixtygiving._sniff_json(source)
    assert "json" not in source.__dict__
