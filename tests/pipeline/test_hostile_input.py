"""Issue 14.2 and 14.3 on real files: a zip-bomb XLSX, a gzip bomb and files over the size,
row and column limits are refused whole before they are parsed (exit 2, the load run kept
with the reason); a field over its length limit rejects its row by name, and the raw row kept
with the reject is cut; control characters are removed from text with a warning on the file."""

from __future__ import annotations

import gzip
import io
import json
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from data_pipeline import limits
from data_pipeline.config import Config
from data_pipeline.load import LoadResult, load_file
from tests.conftest import REAL
from tests.pipeline.warehouse_state import warehouse_state
from warehouse.schema import fct_grants, fct_spend, meta_load_runs, meta_rejected_rows

PUBLISHERS = REAL / "360giving" / "publishers"
WORKBOOK = PUBLISHERS / "andrew-lloyd-webber-foundation_a003W000001B7PzQAK.xlsx"
TRAFFORD_CSV = PUBLISHERS / "trafford-mbc_council-grants_360giving_2017-11.csv"
BARING_JSON = PUBLISHERS / "baring-foundation_2016.json"
GZIPPED = PUBLISHERS / "nominet-trust_2016.json.gz"
SPEND = REAL / "spending" / "harrogate-bc_spend_2022-08_odileeds-clean.csv"


def _load(engine: Engine, path: Path, config: Config | None = None) -> LoadResult:
    return load_file(engine, path, config or Config())


def _refused(engine: Engine, path: Path, *words: str) -> str:
    """Load a file that must be refused whole: nothing but its load run changes."""
    before = warehouse_state(engine, include_meta=False)
    result = _load(engine, path)
    assert result.status == "rejected" and result.rejected_whole, result.problems
    reason = str(result.problems[0])
    assert all(word in reason for word in words), reason
    assert "could not be parsed" not in reason
    assert warehouse_state(engine, include_meta=False) == before
    with engine.connect() as conn:
        status, message = conn.execute(
            select(meta_load_runs.c.status, meta_load_runs.c.message).where(
                meta_load_runs.c.load_run_id == result.load_run_id
            )
        ).one()
    assert status == "rejected" and message == reason
    return reason


def _with_member(source: Path, target: Path, member: str, content: bytes) -> Path:
    """A copy of a workbook with one member's content replaced."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            data = content if info.filename == member else old.read(info.filename)
            new.writestr(info.filename, data, compress_type=zipfile.ZIP_DEFLATED)
    return target


def _first_sheet(path: Path) -> str:
    with zipfile.ZipFile(path) as book:
        return next(n for n in book.namelist() if n.startswith("xl/worksheets/sheet"))


def test_a_zip_bomb_workbook_is_refused_unopened_and_recorded(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    # 40 MB of sheet XML that packs into well under 1 MB: the ratio gives it away long
    # before openpyxl would build 40 MB of rows.
    row = b'<row r="2"><c r="A2" t="inlineStr"><is><t>x</t></is></c></row>'
    sheet = b"<worksheet><sheetData>" + row * (40_000_000 // len(row)) + b"</sheetData></worksheet>"
    bomb = _with_member(WORKBOOK, tmp_path / "bomb.xlsx", _first_sheet(WORKBOOK), sheet)
    assert bomb.stat().st_size < 1_000_000

    reason = _refused(sqlite_engine, bomb, "bomb.xlsx", "zip bomb", "times")
    assert "sheet" in reason


def test_a_workbook_that_would_expand_past_the_limit_is_refused(
    sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "MAX_UNCOMPRESSED_BYTES", 100_000)
    _refused(sqlite_engine, WORKBOOK, "would expand to 540 kB", "was not opened")


def test_a_workbook_over_the_row_or_column_limit_is_refused(
    sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "MAX_ROWS", 20)
    _refused(sqlite_engine, WORKBOOK, "has more than 20 rows in sheet")
    monkeypatch.setattr(limits, "MAX_ROWS", 1_048_576)
    monkeypatch.setattr(limits, "MAX_COLUMNS", 5)
    _refused(sqlite_engine, WORKBOOK, "has more than 5 columns")


def test_a_sheet_claiming_the_widest_range_is_read_at_its_header_width(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    """openpyxl pads every row to the width a sheet's XML claims: a cell at XFD would make
    each row 16,384 cells. The reader asks only for the header's columns."""
    with zipfile.ZipFile(WORKBOOK) as book:
        sheet = book.read(_first_sheet(WORKBOOK))
    wide = sheet.replace(b"</row>", b'<c r="XFD1"><v>1</v></c></row>', 1)
    path = _with_member(WORKBOOK, tmp_path / "wide.xlsx", _first_sheet(WORKBOOK), wide)
    result = _load(sqlite_engine, path)
    assert result.status in ("loaded", "partial") and result.loaded > 0, result.problems


def test_a_gzip_bomb_is_refused_while_it_is_decompressed(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    bomb = tmp_path / "grants.csv.gz"
    bomb.write_bytes(gzip.compress(b"Identifier,Title\n" + b" " * 50_000_000, compresslevel=1))
    _refused(sqlite_engine, bomb, "grants.csv.gz", "gzip bomb")


def test_a_gzip_file_that_expands_past_the_limit_is_refused(
    sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "MAX_UNCOMPRESSED_BYTES", 100_000)
    _refused(sqlite_engine, GZIPPED, "expands to more than", "kB")


def test_a_csv_wider_than_the_column_limit_is_refused(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    header, rows = _csv_rows(TRAFFORD_CSV)
    extra = [f"Extra {i}" for i in range(limits.MAX_COLUMNS)]
    path = _write_csv(tmp_path / "wide.csv", header + extra, [r + [""] * len(extra) for r in rows])
    _refused(sqlite_engine, path, "wide.csv", "has more than 1,000 columns")


def _csv_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    import csv

    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))
    return rows[0], [r for r in rows[1:] if any(r)]


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    import csv

    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *rows])
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def _rejects(engine: Engine) -> list[tuple[int, str | None, str, str | None]]:
    with engine.connect() as conn:
        return [
            tuple(r)  # type: ignore[misc]
            for r in conn.execute(
                select(
                    meta_rejected_rows.c.row_number,
                    meta_rejected_rows.c.field,
                    meta_rejected_rows.c.reason,
                    meta_rejected_rows.c.raw,
                ).order_by(meta_rejected_rows.c.row_number)
            )
        ]


def test_a_100_mb_title_rejects_its_grant_by_name_and_is_not_stored(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    header, rows = _csv_rows(TRAFFORD_CSV)
    title = header.index("Title")
    rows[2][title] = "A" * 100_000_000
    rows[4][title] = "B" * 1_500  # over the 1,000 of a title, under any field's 10,000
    path = _write_csv(tmp_path / "grants.csv", header, rows)

    result = _load(sqlite_engine, path)

    assert result.status == "partial" and result.rejected == 2
    assert result.loaded + result.rejected == result.rows_read == len(rows)
    assert result.money is not None
    assert result.money.read_pence == result.pence_loaded + result.money.rejected_pence
    found = _rejects(sqlite_engine)
    assert [(r[0], r[1]) for r in found] == [(4, "Title"), (6, "Title")]
    assert "is 100,000,000 characters long; at most 10,000 are accepted" in found[0][2]
    assert "is 1500 characters long; at most 1,000 are accepted" in found[1][2]
    assert all(len(r[3] or "") < 20_000 for r in found)
    with sqlite_engine.connect() as conn:
        longest = conn.execute(select(fct_grants.c.title)).scalars().all()
    assert max(len(t or "") for t in longest) <= limits.MAX_NAME_CHARS


def test_an_oversize_field_in_json_rejects_its_grant(sqlite_engine: Engine, tmp_path: Path) -> None:
    package = json.loads(BARING_JSON.read_text(encoding="utf-8"))
    package["grants"][1]["description"] = "x" * 20_000
    path = tmp_path / "grants.json"
    path.write_text(json.dumps(package), encoding="utf-8")

    result = _load(sqlite_engine, path)

    assert result.rejected == 1 and result.loaded == len(package["grants"]) - 1
    (row, field, reason, raw) = _rejects(sqlite_engine)[0]
    assert (row, field) == (2, "description")
    assert "20,000 characters long" in reason and len(raw or "") < 15_000


def test_nul_and_control_characters_are_removed_with_a_warning(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    header, rows = _csv_rows(TRAFFORD_CSV)
    title = header.index("Title")
    rows[0][title] = "Bad\x00 title\x07 here"
    path = _write_csv(tmp_path / "grants.csv", header, rows)

    result = _load(sqlite_engine, path)

    assert result.rejected == 0 and result.loaded == len(rows)
    cleaned = [w for w in result.warnings if "control characters" in w.message]
    assert [(w.field_name, w.rows, w.examples) for w in cleaned] == [("Title", 1, [(2, "")])]
    with sqlite_engine.connect() as conn:
        titles = conn.execute(select(fct_grants.c.title)).scalars().all()
    assert "Bad title here" in titles
    assert not any("\x00" in (t or "") or "\x07" in (t or "") for t in titles)


def test_escaped_nul_characters_in_json_are_removed_with_a_warning(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    package = json.loads(BARING_JSON.read_text(encoding="utf-8"))
    package["grants"][0]["title"] = "Null\x00 byte"
    path = tmp_path / "grants.json"
    path.write_text(json.dumps(package), encoding="utf-8")  # written as \u0000

    result = _load(sqlite_engine, path)

    assert result.rejected == 0
    assert any("control characters" in w.message for w in result.warnings)
    with sqlite_engine.connect() as conn:
        titles = conn.execute(select(fct_grants.c.title)).scalars().all()
    assert "Null byte" in titles


def test_control_characters_in_spend_are_removed(sqlite_engine: Engine, tmp_path: Path) -> None:
    data = SPEND.read_bytes()
    header, rest = data.split(b"\n", 1)
    path = tmp_path / "spend.csv"
    path.write_bytes(header + b"\n" + rest.replace(b",", b",\x00", 1))

    result = _load(sqlite_engine, path)

    assert result.status in ("loaded", "partial")
    assert any("control characters" in w.message for w in result.warnings)
    with sqlite_engine.connect() as conn:
        for row in conn.execute(select(fct_spend)):
            assert not any(isinstance(v, str) and "\x00" in v for v in row)


def test_a_workbook_with_a_damaged_signature_is_refused_with_a_reason(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    """Found by the fuzz tier: a workbook whose first byte is lost is read as text, and the
    csv module's complaint about its carriage returns escaped as 'could not be parsed'."""
    path = tmp_path / "grants.xlsx"
    path.write_bytes(b"\x00" + WORKBOOK.read_bytes()[1:])
    _refused(sqlite_engine, path, "grants.xlsx", "not in a format the pipeline recognises")


def test_dates_outside_the_calendar_pandas_holds_are_rejected_or_blanked_not_fatal(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    """Years before 1677 or after 2262 do not fit a nanosecond timestamp: a grant awarded in
    '1650' is rejected by name, a planned date of 2999 blanked, and the rest of the file loads."""
    header, rows = _csv_rows(TRAFFORD_CSV)
    award, start = header.index("Award Date"), header.index("Planned Dates:Start Date")
    rows[1][award] = "1650-01-01"
    rows[3][award] = "01/01/1650"
    rows[5][start] = "2999-01-01"
    path = _write_csv(tmp_path / "grants.csv", header, rows)

    result = _load(sqlite_engine, path)

    assert not result.rejected_whole, result.problems
    assert (result.status, result.rejected) == ("partial", 2)
    assert result.loaded + result.rejected == result.rows_read == len(rows)
    found = _rejects(sqlite_engine)
    assert [(r[0], r[1]) for r in found] == [(3, "Award Date"), (5, "Award Date")]
    assert all("is not a date" in r[2] for r in found)
    blanked = [
        (w.rows, w.examples)
        for w in result.warnings
        if (w.kind, w.field_name) == ("blanked", "Planned Dates:Start Date")
    ]
    assert blanked == [(1, [(7, "'2999-01-01'")])]
    with sqlite_engine.connect() as conn:
        starts = conn.execute(select(fct_grants.c.planned_start_date)).scalars().all()
    assert len(starts) == len(rows) - 2
