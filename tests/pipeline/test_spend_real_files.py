"""The seven real spend files (tests/fixtures/real/spending, see SOURCES.md) load with every row
accounted for, the traps in them handled, and reloads change nothing. Bradford's and Gateshead's
files name no paying body, so their publisher is configured, as a council loading them would.
(Salford's net and gross, and Darlington's file without dates: test_spend_quality_real.py.)"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from data_pipeline.config import Config
from data_pipeline.load import LoadResult, load_file
from tests.conftest import REAL, CliResult
from warehouse.schema import fct_spend, meta_source_files

SPENDING = REAL / "spending"
BRADFORD = SPENDING / "bradford_spend_2019-12_odileeds-clean.csv"
CALDERDALE = SPENDING / "calderdale_spend_2022-08_odileeds-clean.csv"
GATESHEAD = SPENDING / "gateshead_spend_2022-08_odileeds-clean.csv"
HARROGATE = SPENDING / "harrogate-bc_spend_2022-08_odileeds-clean.csv"
LEEDS = SPENDING / "leeds-cc_spend_2020-06_raw_truncated.csv"
MANCHESTER = SPENDING / "manchester-cc_expenditure-over-500_2022-05_odileeds-clean.csv"
TRAFFORD = SPENDING / "trafford-mbc_supplier-spend-2026-27_first5000rows.csv"

# File -> (data rows, rejected rows). Every row of every file loads: none has a bad amount or
# a missing date, and repeated transaction numbers are lines of one transaction.
EXPECTED = {
    BRADFORD: (2000, 0),
    CALDERDALE: (1956, 0),
    GATESHEAD: (2313, 0),
    HARROGATE: (1873, 0),
    LEEDS: (802, 0),
    MANCHESTER: (3564, 0),
    TRAFFORD: (800, 0),
}


def _decoded(path: Path) -> str:
    """The file's text, decoded independently of the pipeline."""
    content = path.read_bytes()
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252")
    return text.removeprefix("ï»¿")


def _records(path: Path) -> list[dict[str, str]]:
    rows = csv.DictReader(io.StringIO(_decoded(path)))
    return [row for row in rows if any(value for value in row.values())]


def _data_rows(path: Path) -> int:
    rows = list(csv.reader(io.StringIO(_decoded(path))))
    return sum(1 for row in rows[1:] if any(cell for cell in row))


def _pence(value: str) -> int:
    return int(Decimal(value) * 100)


# Files that name no paying body, and the publisher the loading council configures for them.
PUBLISHERS = {
    BRADFORD: "City of Bradford Metropolitan District Council",
    GATESHEAD: "Gateshead Council",
}


def _load(engine: Engine, path: Path) -> LoadResult:
    """Load as the council would: with the publisher configured for a file (or a copy of one)
    that names no paying body."""
    by_name = {known.name: publisher for known, publisher in PUBLISHERS.items()}
    return load_file(engine, path, Config(spend_publisher=by_name.get(path.name)))


def _count(engine: Engine, *where: object) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(select(func.count()).select_from(fct_spend).where(*where)).scalar_one()
        )  # type: ignore[arg-type]


@pytest.mark.parametrize("path", list(EXPECTED), ids=lambda p: p.name.split("_")[0])
def test_every_row_is_accounted_for_and_a_reload_changes_nothing(
    sqlite_engine: Engine, path: Path
) -> None:
    rows, rejected = EXPECTED[path]
    assert _data_rows(path) == rows

    first = _load(sqlite_engine, path)
    assert (first.format_id, first.rejected_whole) == ("spend-csv", False)
    assert first.rows_read == rows
    assert first.inserted + first.rejected == rows
    assert (first.updated, first.unchanged, first.rejected) == (0, 0, rejected)
    assert _count(sqlite_engine) == rows - rejected

    again = _load(sqlite_engine, path)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, rows - rejected)
    assert _count(sqlite_engine) == rows - rejected


def test_the_cli_loads_all_seven_files_with_exit_code_0(run_cli: object, sqlite_url: str) -> None:
    paths = [str(path) for path in EXPECTED if path not in PUBLISHERS]
    result: CliResult = run_cli("load", *paths, database_url=sqlite_url)  # type: ignore[operator]
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    for path, publisher in PUBLISHERS.items():
        named: CliResult = run_cli(  # type: ignore[operator]
            "load", str(path), "--publisher", publisher, database_url=sqlite_url
        )
        assert named.returncode == 0, named.stderr
    report: CliResult = run_cli("report", "--json", database_url=sqlite_url)  # type: ignore[operator]
    data = json.loads(report.stdout)
    # No two files share a body, so no row of one file overwrites a row of another.
    assert data["tables"]["fct_spend"] == sum(rows for rows, _ in EXPECTED.values()) == 13308
    assert data["rejected_rows"] == 0


def test_a_file_with_bad_rows_loads_the_rest_and_names_file_row_field_and_reason(
    run_cli: object, sqlite_url: str, tmp_path: Path
) -> None:
    lines = HARROGATE.read_bytes().split(b"\n")
    lines[1] = lines[1].replace(b",118.13,", b",118.l3,")
    lines[2] = lines[2].replace(b",2022-08-03,", b",,")
    copy = tmp_path / HARROGATE.name
    copy.write_bytes(b"\n".join(lines))

    result: CliResult = run_cli("load", str(copy), database_url=sqlite_url)  # type: ignore[operator]
    assert result.returncode == 1
    assert f"{copy.name}:2: Net Amount: '118.l3' is not an amount of money" in result.stderr
    assert (
        f"{copy.name}:3: Payment Date: is required but blank (no payment date or period)"
        in result.stderr
    )
    assert "Traceback" not in result.stderr
    listed: CliResult = run_cli("rejects", "--csv", database_url=sqlite_url)  # type: ignore[operator]
    rejects = list(csv.DictReader(io.StringIO(listed.stdout)))
    assert [(r["file_name"], r["row_number"], r["field"]) for r in rejects] == [
        (copy.name, "2", "Net Amount"),
        (copy.name, "3", "Payment Date"),
    ]
    assert all(r["reason"] for r in rejects)


def test_bradford_cp1252_apostrophe_decodes_to_a_right_quote(sqlite_engine: Engine) -> None:
    assert b"Children\x92s Services" in BRADFORD.read_bytes()
    _load(sqlite_engine, BRADFORD)
    with sqlite_engine.connect() as conn:
        rows = conn.execute(
            select(fct_spend.c.expense_type, fct_spend.c.amount_pence).where(
                fct_spend.c.transaction_id == "6101727864"
            )
        ).all()
    assert rows == [("Children’s Services", 7716667)]
    # Bradford's file names no spending body: it is the configured publisher's.
    assert (
        _count(
            sqlite_engine,
            fct_spend.c.body_key == "city-of-bradford-metropolitan-district-council",
            fct_spend.c.body_name == PUBLISHERS[BRADFORD],
        )
        == 2000
    )


def test_leeds_raw_file_dates_are_day_first_and_cp1252_text_is_cleaned(
    sqlite_engine: Engine,
) -> None:
    assert b",10/06/2020,2006-00002," in LEEDS.read_bytes()
    result = _load(sqlite_engine, LEEDS)
    assert result.rejected == 0
    with sqlite_engine.connect() as conn:
        by_id = {
            row.transaction_id: row
            for row in conn.execute(
                select(fct_spend).where(
                    fct_spend.c.transaction_id.in_(["2006-00002", "2006-05170", "2006-05558"])
                )
            )
        }
        publisher = conn.execute(select(meta_source_files.c.publisher)).scalar_one()
    assert by_id["2006-00002"].payment_date == date(2020, 6, 10)
    assert by_id["2006-00002"].amount_pence == 1410
    assert by_id["2006-00002"].irrecoverable_vat_pence == 0
    assert by_id["2006-00002"].capital_revenue == "Revenue"
    assert by_id["2006-00002"].body_key == (
        "opendatacommunities.org/id/metropolitan-district-council/leeds"
    )
    # \xbf is "¿" in cp1252: the council's own byte for a lost apostrophe, kept as published.
    assert by_id["2006-05170"].supplier_name == "Fylde Coast Women¿s Aid"
    # Trailing \xa0 padding is removed.
    assert by_id["2006-05558"].supplier_name == "Hall Plant Hire Limited"
    assert publisher == "Leeds City Council"


def test_gateshead_line_numbers_come_from_seq_no_and_dates_from_updated(
    sqlite_engine: Engine,
) -> None:
    _load(sqlite_engine, GATESHEAD)
    expected = {
        (r["TransNo"], int(r["Seq no"]), _pence(r["Amount"]), r["Updated"])
        for r in _records(GATESHEAD)
    }
    with sqlite_engine.connect() as conn:
        loaded = {
            (row[0], row[1], row[2], row[3].isoformat())
            for row in conn.execute(
                select(
                    fct_spend.c.transaction_id,
                    fct_spend.c.line_no,
                    fct_spend.c.amount_pence,
                    fct_spend.c.payment_date,
                )
            )
        }
        first = conn.execute(
            select(fct_spend.c.line_no, fct_spend.c.payment_date, fct_spend.c.body_key).where(
                fct_spend.c.transaction_id == "200078807"
            )
        ).one()
        kelly = conn.execute(
            select(fct_spend.c.supplier_name).where(fct_spend.c.transaction_id == "44158040")
        ).scalar_one()
    assert len(expected) == 2313
    assert loaded == expected
    assert first == (1, date(2022, 8, 28), "gateshead-council")
    # A cp1252 apostrophe that reached UTF-8 as the control character U+0092 is repaired.
    assert "KELLY\xc2\x92S".encode("latin-1") in GATESHEAD.read_bytes()
    assert kelly == "KELLY’S HEROES PRIVATE TUITION"


def test_gateshead_period_202205_is_the_payment_date_when_updated_is_missing(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    rows = list(csv.reader(io.StringIO(_decoded(GATESHEAD))))
    assert rows[0][5:6] == ["Period"] and rows[0][-1] == "Updated"
    assert {row[5] for row in rows[1:]} == {"202205"}
    copy = tmp_path / GATESHEAD.name
    with copy.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(row[:-1] for row in rows)

    result = _load(sqlite_engine, copy)
    assert (result.inserted, result.rejected) == (2313, 0)
    with sqlite_engine.connect() as conn:
        dates = conn.execute(
            select(fct_spend.c.payment_date, fct_spend.c.financial_year).distinct()
        ).all()
    assert dates == [(date(2022, 5, 31), "2022/23")]


def test_manchester_double_encoded_bom_header_is_read_as_body_name(
    sqlite_engine: Engine,
) -> None:
    assert MANCHESTER.read_bytes().startswith(b"\xc3\xaf\xc2\xbb\xc2\xbfBody Name,")
    _load(sqlite_engine, MANCHESTER)
    with sqlite_engine.connect() as conn:
        names = conn.execute(
            select(fct_spend.c.body_name, fct_spend.c.body_key, func.count()).group_by(
                fct_spend.c.body_name, fct_spend.c.body_key
            )
        ).all()
        publisher = conn.execute(select(meta_source_files.c.publisher)).scalar_one()
    assert names == [("Manchester City Council", "manchester-city-council", 3564)]
    assert publisher == "Manchester City Council"


def test_manchester_total_pence_equals_an_independent_decimal_sum(sqlite_engine: Engine) -> None:
    expected = sum(Decimal(r["Net Amount"]) for r in _records(MANCHESTER)) * 100
    assert expected == Decimal("9740022710.00")
    _load(sqlite_engine, MANCHESTER)
    with sqlite_engine.connect() as conn:
        total = conn.execute(select(func.sum(fct_spend.c.amount_pence))).scalar_one()
    assert total == int(expected)


def test_negative_amounts_are_kept(sqlite_engine: Engine) -> None:
    _load(sqlite_engine, MANCHESTER)
    _load(sqlite_engine, CALDERDALE)
    with sqlite_engine.connect() as conn:
        credit = conn.execute(
            select(fct_spend.c.amount_pence, fct_spend.c.supplier_is_redacted).where(
                fct_spend.c.transaction_id == "1700133305"
            )
        ).one()
        calderdale = conn.execute(
            select(fct_spend.c.amount_pence).where(fct_spend.c.transaction_id == "31651682")
        ).scalar_one()
    assert tuple(credit) == (-250000, True)
    assert calderdale == -43880
    negatives = sum(r["Net Amount"].startswith("-") for r in _records(MANCHESTER))
    assert negatives == 211
    assert _count(sqlite_engine, fct_spend.c.amount_pence < 0) == 211 + 81


# File -> suppliers published as redacted, as they are spelt in the file.
REDACTED = {
    BRADFORD: 21,  # "REDACTED PERSONAL DATA" in name and supplier number
    CALDERDALE: 0,
    GATESHEAD: 64,  # "REDACTED - Personal Information"
    HARROGATE: 3,  # "REDACTED \x96 PERSONAL DATA" (not "REDACTIVE PUBLISHING LIMITED")
    LEEDS: 64,  # 62 "REDACTED PERSONAL DATA", 2 "REDACTED COMMERCIAL CONFIDENTIALITY"
    MANCHESTER: 171,  # "Redacted Personal Information"
    TRAFFORD: 122,  # "Redacted" in name and BeneficiaryOtherID
}


@pytest.mark.parametrize("path", list(REDACTED), ids=lambda p: p.name.split("_")[0])
def test_redacted_suppliers_are_counted_and_keep_no_name_or_reference(
    sqlite_engine: Engine, path: Path
) -> None:
    _load(sqlite_engine, path)
    redacted = fct_spend.c.supplier_is_redacted.is_(True)
    assert _count(sqlite_engine, redacted) == REDACTED[path]
    assert (
        _count(
            sqlite_engine,
            redacted,
            (fct_spend.c.supplier_name.is_not(None)) | (fct_spend.c.supplier_ref.is_not(None)),
        )
        == 0
    )


def test_calderdale_vcse_flag_and_company_numbers(sqlite_engine: Engine) -> None:
    records = _records(CALDERDALE)
    flagged = sum(r["Voluntary Community and Social Enterprise Supplier"] == "Y" for r in records)
    assert flagged == 165
    assert {r["Irrecoverable VAT"] for r in records} == {"N/A"}
    _load(sqlite_engine, CALDERDALE)
    assert _count(sqlite_engine, fct_spend.c.is_vcse.is_(True)) == flagged
    assert _count(sqlite_engine, fct_spend.c.is_vcse.is_(False)) == len(records) - flagged
    assert _count(sqlite_engine, fct_spend.c.irrecoverable_vat_pence.is_not(None)) == 0
    short = {
        r["Supplier Registered Company Number"]
        for r in records
        if 0 < len(r["Supplier Registered Company Number"]) < 8
    }
    assert len(short) > 0
    with sqlite_engine.connect() as conn:
        numbers = set(
            conn.execute(select(fct_spend.c.supplier_company_number).distinct()).scalars()
        )
    # Companies House numbers lost their leading zeros in the spreadsheet; they are restored.
    assert {n.zfill(8) for n in short} <= numbers
    assert all(n is None or len(n) == 8 for n in numbers)


def test_a_corrected_copy_updates_exactly_one_row(sqlite_engine: Engine, tmp_path: Path) -> None:
    first = _load(sqlite_engine, GATESHEAD)
    lines = GATESHEAD.read_bytes().split(b"\n")
    assert lines[1].endswith(b",120.00,2022-08-28")
    lines[1] = lines[1].replace(b",120.00,", b",121.00,")
    corrected = tmp_path / GATESHEAD.name
    corrected.write_bytes(b"\n".join(lines))

    second = _load(sqlite_engine, corrected)
    assert (second.inserted, second.updated, second.unchanged) == (0, 1, first.inserted - 1)
    with sqlite_engine.connect() as conn:
        amount = conn.execute(
            select(fct_spend.c.amount_pence).where(
                fct_spend.c.transaction_id == "200078807", fct_spend.c.line_no == 1
            )
        ).scalar_one()
    assert amount == 12100
    assert _count(sqlite_engine) == first.inserted


def test_spend_loads_the_same_on_each_engine(engine: Engine) -> None:
    calderdale = _load(engine, CALDERDALE)
    leeds = _load(engine, LEEDS)
    assert (calderdale.inserted, leeds.inserted) == (1956, 802)
    with engine.connect() as conn:
        total = conn.execute(
            select(func.sum(fct_spend.c.amount_pence)).where(
                fct_spend.c.body_key
                == "opendatacommunities.org/id/metropolitan-district-council/leeds"
            )
        ).scalar_one()
        dates = conn.execute(
            select(func.min(fct_spend.c.payment_date), func.max(fct_spend.c.payment_date))
        ).one()
    assert total == sum(_pence(r["Amount"]) for r in _records(LEEDS))
    assert _count(engine, fct_spend.c.is_vcse.is_(True)) == 165
    leeds_dates = sorted(
        date(int(d[6:]), int(d[3:5]), int(d[:2]))
        for d in (r["Payment Date"] for r in _records(LEEDS))
    )
    assert tuple(dates) == (leeds_dates[0], date(2022, 8, 31))
    again = _load(engine, LEEDS)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 802)
