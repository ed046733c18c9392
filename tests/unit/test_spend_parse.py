"""Parsing spend files: amounts, dates, suppliers, bodies, line numbers and encodings, on small
files written here (the real files are covered in tests/pipeline/test_spend_real_files.py)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from data_pipeline.config import Config
from data_pipeline.errors import FileRejected
from data_pipeline.extract import Source
from data_pipeline.formats import detect_format
from data_pipeline.formats.base import Parsed
from data_pipeline.formats.spend import is_redacted, parse, sniff

HEADER = "Body Name,Payment Date,Transaction Number,Net Amount,Supplier Name\n"


def _source(text: str, name: str = "council_spend_2024-05.csv", encoding: str = "utf-8") -> Source:
    return Source(path=Path(name), content=text.encode(encoding))


def _parse(text: str, name: str = "council_spend_2024-05.csv") -> Parsed:
    return parse(_source(text, name), Config())


def _loaded(parsed: Parsed) -> pd.DataFrame:
    return parsed.frames[0][1]


def _problems(parsed: Parsed) -> list[tuple[int, str, str]]:
    return [(int(r.row_number), str(r.field), str(r.reason)) for r in parsed.rejects.itertuples()]


@pytest.mark.parametrize(
    ("raw", "pence"),
    [
        ("1234.56", 123456),
        ("£1234.56", 123456),
        ('"£1,234.56"', 123456),
        ("-500", -50000),
        ("(612.40)", -61240),
        ("£-75.5", -7550),
        (" 600 ", 60000),
        ("0.01", 1),
    ],
)
def test_amounts_in_the_forms_councils_publish(raw: str, pence: int) -> None:
    parsed = _parse(HEADER + f"A Council,2024-05-03,T1,{raw},Acme Ltd\n")
    assert _problems(parsed) == []
    assert _loaded(parsed)["amount_pence"].tolist() == [pence]


def test_an_amount_that_is_not_money_is_rejected_naming_the_value() -> None:
    parsed = _parse(
        HEADER
        + "A Council,2024-05-03,T1,12.5O,Acme Ltd\n"
        + "A Council,2024-05-03,T2,,Acme Ltd\n"
        + "A Council,2024-05-03,T3,#N/A,Acme Ltd\n"
        + "A Council,2024-05-03,T4,700,Acme Ltd\n"
    )
    assert _problems(parsed) == [
        (2, "Net Amount", "'12.5O' is not an amount of money"),
        (3, "Net Amount", "is required but blank"),
        (4, "Net Amount", "is required but blank"),
    ]
    assert _loaded(parsed)["transaction_id"].tolist() == ["T4"]
    assert parsed.rows_read == 4


@pytest.mark.parametrize(
    ("raw", "day"),
    [
        ("2024-05-03", date(2024, 5, 3)),
        ("2024-05-03T00:00:00", date(2024, 5, 3)),
        ("03/05/2024", date(2024, 5, 3)),
        ("3/5/2024", date(2024, 5, 3)),
        ("03-05-2024", date(2024, 5, 3)),
        ("12/01/2024", date(2024, 1, 12)),
        ("202405", date(2024, 5, 31)),
        ("202402", date(2024, 2, 29)),
        ("45415", date(2024, 5, 3)),
    ],
)
def test_dates_are_iso_day_first_periods_or_excel_serials(raw: str, day: date) -> None:
    parsed = _parse(HEADER + f"A Council,{raw},T1,600,Acme Ltd\n")
    assert _problems(parsed) == []
    frame = _loaded(parsed)
    assert frame["payment_date"].tolist() == [day]
    assert frame["financial_year"].tolist() == ["2023/24" if day.month < 4 else "2024/25"]


def test_a_blank_payment_date_falls_back_to_the_period_end() -> None:
    parsed = _parse(
        "Body Name,EffectiveDate,PaymentDate,TransactionNumber,Amount,BeneficiaryName\n"
        "A Council,2024-05-31,,T1,600,Acme Ltd\n"
        "A Council,2024-05-31,2024-05-02,T2,600,Acme Ltd\n"
    )
    assert _problems(parsed) == []
    assert _loaded(parsed)["payment_date"].tolist() == [date(2024, 5, 31), date(2024, 5, 2)]


def test_rows_with_no_usable_date_are_rejected_with_the_reason() -> None:
    parsed = _parse(
        "Body Name,Period,Payment Date,Transaction Number,Net Amount,Supplier Name\n"
        "A Council,202405,31/02/2024,T1,600,Acme Ltd\n"
        "A Council,,,T2,600,Acme Ltd\n"
        "A Council,May 2024,,T3,600,Acme Ltd\n"
        "A Council,May 2024,2024-05-09,T4,600,Acme Ltd\n"
    )
    expected = "is not a date (expected yyyy-mm-dd, dd/mm/yyyy, yyyymm or an Excel serial)"
    assert _problems(parsed) == [
        (2, "Payment Date", f"'31/02/2024' {expected}"),
        (4, "Period", f"'May 2024' {expected}"),
        (3, "Payment Date", "is required but blank (no payment date or period)"),
    ]
    assert _loaded(parsed)["payment_date"].tolist() == [date(2024, 5, 9)]


@pytest.mark.parametrize(
    ("name", "redacted"),
    [
        ("REDACTED PERSONAL DATA", True),
        ("Redacted Personal Information", True),
        ("Redacted", True),
        ("Personal Information Redacted", True),
        ("REDACTED - Personal Information", True),
        ("REDACTED – PERSONAL DATA", True),
        ("REDACTED COMMERCIAL CONFIDENTIALITY", True),
        ("Personal Data", True),
        (None, True),
        ("REDACTIVE PUBLISHING LIMITED", False),
        ("Summerfield Private Residential Home", False),
        ("Acme Ltd", False),
    ],
)
def test_redacted_supplier_names(name: str | None, redacted: bool) -> None:
    assert is_redacted(pd.Series([name], dtype="string")).tolist() == [redacted]


def test_a_redacted_supplier_keeps_no_name_reference_or_numbers() -> None:
    parsed = _parse(
        "Body Name,Payment Date,Transaction Number,Net Amount,Supplier Name,Supplier Number,"
        "Company Number\n"
        "A Council,2024-05-03,T1,600,REDACTED PERSONAL DATA,REDACTED PERSONAL DATA,\n"
        "A Council,2024-05-03,T2,600,Redacted,889911,01234567\n"
        "A Council,2024-05-03,T3,600,,,\n"
        "A Council,2024-05-03,T4,600,Acme Ltd,S123,1234567\n"
    )
    frame = _loaded(parsed)
    assert frame["supplier_is_redacted"].tolist() == [True, True, True, False]
    assert frame["supplier_name"].tolist()[:3] == [pd.NA] * 3
    assert frame["supplier_ref"].tolist()[:3] == [pd.NA] * 3
    assert frame["supplier_company_number"].tolist() == [pd.NA, pd.NA, pd.NA, "01234567"]
    assert frame.loc[3, "supplier_name"] == "Acme Ltd"
    assert frame.loc[3, "supplier_ref"] == "S123"


def test_rows_sharing_a_transaction_number_get_line_numbers_in_file_order() -> None:
    parsed = _parse(
        HEADER
        + "A Council,2024-05-03,T1,600,Acme Ltd\n"
        + "A Council,2024-05-03,T2,700,Acme Ltd\n"
        + "A Council,2024-05-03,T1,800,Acme Ltd\n"
        + "Another Council,2024-05-03,T1,900,Acme Ltd\n"
        + "A Council,2024-05-03,T1,1000,Acme Ltd\n"
    )
    frame = _loaded(parsed)
    assert list(zip(frame["body_key"], frame["transaction_id"], frame["line_no"], strict=True)) == [
        ("a-council", "T1", 1),
        ("a-council", "T2", 1),
        ("a-council", "T1", 2),
        ("another-council", "T1", 1),
        ("a-council", "T1", 3),
    ]


def test_a_sequence_column_gives_the_line_number_and_repeats_are_rejected() -> None:
    source = _source(
        "Nstrg(T),TransNo,Seq no,Period,Supplier ID(T),Amount\n"
        "Schools,100,0,202405,Acme Ltd,600\n"
        "Schools,100,3,202405,Acme Ltd,700\n"
        "Schools,100,3,202405,Acme Ltd,800\n"
        "Schools,101,x,202405,Acme Ltd,900\n"
    )
    parsed = parse(source, Config(spend_publisher="Gateshead Council"))
    assert _problems(parsed) == [
        (5, "Seq no", "'x' is not a line number (a whole number)"),
        (4, "TransNo", "repeats the transaction and line number first seen in row 3"),
    ]
    frame = _loaded(parsed)
    assert frame["line_no"].tolist() == [0, 3]
    assert frame["payment_date"].tolist() == [date(2024, 5, 31)] * 2


def test_blank_transaction_numbers_get_a_stable_id_from_the_file_and_row() -> None:
    text = HEADER + "A Council,2024-05-03,,600,Acme Ltd\nA Council,2024-05-04,,700,Acme Ltd\n"
    first = _loaded(_parse(text, "spend-may.csv"))
    again = _loaded(_parse(text, "spend-may.csv"))
    assert first["transaction_id"].tolist() == ["spend-may:row2", "spend-may:row3"]
    assert again["transaction_id"].tolist() == first["transaction_id"].tolist()
    assert first["line_no"].tolist() == [1, 1]


def test_body_key_prefers_the_uri_then_the_name_then_the_file_name() -> None:
    uri = _loaded(
        _parse(
            "OrganisationLabel,OrganisationURI,PaymentDate,TransactionNumber,Amount,"
            "BeneficiaryName\n"
            "A Council,Http://example.org/id/council/a/,2024-05-03,T1,600,Acme Ltd\n"
        )
    )
    assert uri[["body_key", "body_name"]].values.tolist() == [
        ["example.org/id/council/a", "A Council"]
    ]
    named = _loaded(_parse(HEADER + "A  Council,2024-05-03,T1,600,Acme Ltd\n"))
    assert named[["body_key", "body_name"]].values.tolist() == [["a-council", "A Council"]]


NAMELESS = "Payment Date,Transaction Number,Net Amount,Supplier Name\n2024-05-03,T1,600,Acme Ltd\n"


def test_a_file_that_names_no_paying_body_is_refused_naming_both_fixes() -> None:
    with pytest.raises(FileRejected) as caught:
        _parse(NAMELESS, "northshire_spend_2024-05_clean.csv")
    assert str(caught.value) == (
        "northshire_spend_2024-05_clean.csv: is spend that names no paying body (no body "
        "column): name the paying body with `--publisher NAME` or `[spend] publisher` in "
        "observatory.toml"
    )


def test_the_configured_publisher_pays_for_a_file_without_a_body_column() -> None:
    config = Config(spend_publisher="Northshire County Council", spend_publisher_from="--publisher")
    parsed = parse(_source(NAMELESS, "northshire_spend_2024-05_clean.csv"), config)
    loaded = _loaded(parsed)
    # The same key a "Body Name" column of that name gives, so both kinds of file agree.
    assert loaded[["body_key", "body_name"]].values.tolist() == [
        ["northshire-county-council", "Northshire County Council"]
    ]
    assert parsed.publisher == "Northshire County Council"
    [warning] = [w for w in parsed.warnings if w.kind == "publisher"]
    assert warning.message == (
        "the paying body is 'Northshire County Council', from --publisher: the file has no "
        "body column"
    )
    assert warning.rows == 0  # a note on the whole file


def test_a_blank_body_is_rejected_unless_a_publisher_is_configured() -> None:
    text = HEADER + "A Council,2024-05-03,T1,600,Acme Ltd\n,2024-05-03,T2,700,Acme Ltd\n"
    parsed = _parse(text)
    assert _problems(parsed) == [
        (
            3,
            "Body Name",
            "is required but blank (no paying body); name the paying body with "
            "`--publisher NAME` or `[spend] publisher` in observatory.toml",
        )
    ]
    assert _loaded(parsed)["transaction_id"].tolist() == ["T1"]
    configured = parse(_source(text), Config(spend_publisher="A Council"))
    assert _problems(configured) == []
    assert _loaded(configured)["body_key"].tolist() == ["a-council", "a-council"]


def test_vcse_flag_blank_means_no_and_absent_means_unknown() -> None:
    with_flag = _loaded(
        _parse(
            HEADER.rstrip("\n") + ",Voluntary Community and Social Enterprise Supplier\n"
            "A Council,2024-05-03,T1,600,Acme Ltd,Y\n"
            "A Council,2024-05-03,T2,600,Acme Ltd,\n"
            "A Council,2024-05-03,T3,600,Acme Ltd,N\n"
        )
    )
    assert with_flag["is_vcse"].tolist() == [True, False, False]
    without = _loaded(_parse(HEADER + "A Council,2024-05-03,T1,600,Acme Ltd\n"))
    assert without["is_vcse"].isna().all()


def test_vat_capital_revenue_and_text_cleaning() -> None:
    parsed = _parse(
        "Body Name,Payment Date,Transaction Number,Net Amount,Irrecoverable VAT,"
        "Capital / Revenue,Supplier Name,Service Area\n"
        "A Council,2024-05-03,T1,600,N/A,R,Acme\u00a0\u00a0Ltd\u00a0,  Adult  Care \n"
        "A Council,2024-05-03,T2,600,12.50,C,KELLY\u0092S HEROES,Schools\n"
    )
    frame = _loaded(parsed)
    assert frame["irrecoverable_vat_pence"].tolist() == [pd.NA, 1250]
    assert frame["capital_revenue"].tolist() == ["Revenue", "Capital"]
    assert frame["supplier_name"].tolist() == ["Acme Ltd", "KELLY’S HEROES"]
    assert frame["org_unit"].tolist() == ["Adult Care", "Schools"]
    assert frame["currency"].tolist() == ["GBP", "GBP"]
    assert parsed.publisher == "A Council"


@pytest.mark.parametrize(
    ("content", "encoding_name"),
    [
        (b"Body Name,", "utf-8"),
        (b"\xef\xbb\xbfBody Name,", "utf-8 with BOM"),
        (b"\xc3\xaf\xc2\xbb\xc2\xbfBody Name,", "double-encoded BOM"),
    ],
)
def test_header_encodings(content: bytes, encoding_name: str) -> None:
    rest = "Payment Date,Transaction Number,Net Amount,Supplier Name\r\n"
    row = "Café Council,2024-05-03,T1,600,Acme Ltd\r\n"
    source = Source(path=Path("x.csv"), content=content + (rest + row).encode("utf-8"))
    frame = _loaded(parse(source, Config()))
    assert frame["body_name"].tolist() == ["Café Council"], encoding_name


def test_cp1252_bytes_decode_to_the_right_characters() -> None:
    source = _source(HEADER + "A Council,2024-05-03,T1,600,Children’s Trust £\n", encoding="cp1252")
    assert b"\x92" in source.content
    assert _loaded(parse(source, Config()))["supplier_name"].tolist() == ["Children’s Trust £"]


def test_title_rows_above_the_header_are_skipped_and_rows_keep_their_numbers() -> None:
    parsed = _parse(
        "Expenditure over £500,,,,\n"
        "June 2024,,,,\n"
        "\n" + HEADER + "A Council,2024-06-03,T1,600,Acme Ltd\n"
        "A Council,2024-06-03,T2,oops,Acme Ltd\n"
    )
    assert parsed.rows_read == 2
    assert _problems(parsed) == [(6, "Net Amount", "'oops' is not an amount of money")]
    assert _loaded(parsed)["transaction_id"].tolist() == ["T1"]


def test_a_single_cell_title_row_does_not_hide_the_header() -> None:
    source = _source(
        "Payments over £500 in June 2024\n" + HEADER + "A Council,2024-06-03,T1,600,X\n"
    )
    assert source.csv_header == []
    assert sniff(source)
    parsed = parse(source, Config())
    assert parsed.rows_read == 1
    assert _loaded(parsed)["amount_pence"].tolist() == [60000]


def test_sniff_needs_an_amount_a_supplier_and_a_date() -> None:
    assert sniff(_source(HEADER))
    assert sniff(_source("Nstrg(T),TransNo,Period,Supplier ID(T),Amount\n"))
    assert not sniff(_source("Body Name,Payment Date,Transaction Number,Supplier Name\n"))
    assert not sniff(_source("Body Name,Transaction Number,Net Amount,Supplier Name\n"))
    assert not sniff(_source("Body Name,Payment Date,Transaction Number,Net Amount\n"))
    grants = (
        "Identifier,Title,Currency,Amount Awarded,Award Date,Recipient Org:Identifier,"
        "Recipient Org:Name,Funding Org:Identifier,Funding Org:Name\n"
    )
    assert not sniff(_source(grants))
    assert not sniff(_source('{"grants": []}'))


def test_detection_picks_the_spend_format() -> None:
    fmt = detect_format(_source(HEADER + "A Council,2024-05-03,T1,600,Acme Ltd\n"))
    assert fmt is not None and fmt.id == "spend-csv"


def test_a_file_without_spend_columns_is_rejected_whole_when_forced() -> None:
    with pytest.raises(FileRejected) as caught:
        _parse("Name,Notes\nA,B\n", "notes.csv")
    assert str(caught.value) == (
        "notes.csv: is not a spend file: it has no column for an amount or a supplier or "
        "a payment date or period"
    )
