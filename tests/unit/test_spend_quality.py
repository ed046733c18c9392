"""Issue 18 for spend and every CSV, on small files written here: which amount is loaded and
the warning naming its column, unknown columns named, rows with fewer or more fields than the
header rejected by name, the money read and rejected, the period of a file without dates, why
a file was not recognised, and the licence and publisher only as configured."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from data_pipeline.config import Config, load_config
from data_pipeline.errors import FileRejected
from data_pipeline.extract import RAGGED, ROW, Source, read_csv_frame
from data_pipeline.formats import detect_format
from data_pipeline.formats.base import Parsed, RejectCollector, WarningCollector, reject_ragged_rows
from data_pipeline.formats.spend import parse, period_from_name

HEADER = "Body Name,Payment Date,Transaction Number,Net Amount,Supplier Name\n"


def _source(text: str, name: str = "council_spend.csv") -> Source:
    return Source(path=Path(name), content=text.encode("utf-8"))


def _parse(text: str, name: str = "council_spend.csv", config: Config | None = None) -> Parsed:
    return parse(_source(text, name), config or Config())


def _problems(parsed: Parsed) -> list[tuple[int, object, str]]:
    return [
        (int(r.row_number), None if pd.isna(r.field) else r.field, str(r.reason))
        for r in parsed.rejects.itertuples()
    ]


def _messages(parsed: Parsed, kind: str) -> list[str]:
    return [w.message for w in parsed.warnings if w.kind == kind]


def _reconciles(parsed: Parsed) -> None:
    """loaded + rejected = read, in rows and in pence."""
    loaded = parsed.frames[0][1]
    rejected_rows = parsed.rejects["row_number"].nunique()
    assert len(loaded) + rejected_rows == parsed.rows_read
    assert parsed.money is not None and parsed.loaded_pence is not None
    assert parsed.loaded_pence + parsed.money.rejected_pence == parsed.money.read_pence


# ---------------------------------------------------------------- which amount


def test_net_is_loaded_where_a_file_has_gross_vat_and_net() -> None:
    parsed = _parse(
        "Authority Name,Date of Payment,SAP Document Number,Gross,VAT,Net,Supplier Name\n"
        "Salford City Council,2011-08-01,601013004,550.80,91.80,459.00,A Taylor Properties\n"
    )
    assert parsed.frames[0][1]["amount_pence"].tolist() == [45900]
    assert parsed.money is not None
    assert (parsed.money.column, parsed.money.read_pence) == ("Net", 45900)
    assert _messages(parsed, "amount-column") == [
        "amounts are the net column 'Net'; 'Gross' and 'VAT' were not summed"
    ]
    _reconciles(parsed)


@pytest.mark.parametrize(
    ("net_title", "gross_title"),
    [
        ("Amount excl. VAT", "Amount incl. VAT"),
        ("Amount Excl VAT", "Amount incl VAT"),
        ("Net Amount", "Gross Amount"),
        ("Net Value", "Gross Value"),
        ("Invoice Line Value (net of VAT)", "Gross"),
    ],
)
def test_net_titles_win_over_gross_titles_whatever_their_order(
    net_title: str, gross_title: str
) -> None:
    parsed = _parse(
        f"Body Name,Payment Date,{gross_title},Supplier Name,{net_title}\n"
        "A Council,2024-05-03,1200.00,Acme Ltd,1000.00\n"
    )
    assert parsed.frames[0][1]["amount_pence"].tolist() == [100000]
    assert parsed.money is not None and parsed.money.column == net_title


def test_a_gross_only_file_loads_its_gross_amount_and_says_it_includes_vat() -> None:
    parsed = _parse(
        "Body Name,Payment Date,Supplier Name,Gross\nA Council,2024-05-03,Acme Ltd,1200.00\n"
    )
    assert parsed.frames[0][1]["amount_pence"].tolist() == [120000]
    assert _messages(parsed, "amount-column") == [
        "amounts are the gross column 'Gross' (VAT included): there is no net one"
    ]


def test_a_plain_amount_column_is_named_without_calling_it_net() -> None:
    parsed = _parse("Body Name,Payment Date,Supplier Name,Amount\nA Council,2024-05-03,Acme,5\n")
    assert _messages(parsed, "amount-column") == ["amounts are the column 'Amount'"]


def test_headers_the_matcher_does_not_know_are_named() -> None:
    parsed = _parse(
        HEADER.rstrip("\n") + ",Cost Code Flag,Approver\nA Council,2024-05-03,T1,600,Acme,X,Y\n"
    )
    assert [(w.field_name, w.message) for w in parsed.warnings if w.kind == "unknown-column"] == [
        (
            "Cost Code Flag",
            "column 'Cost Code Flag' is not one the spend reader knows; it was not loaded",
        ),
        ("Approver", "column 'Approver' is not one the spend reader knows; it was not loaded"),
    ]


def test_money_read_and_rejected_cover_every_row() -> None:
    parsed = _parse(
        HEADER + "A Council,2024-05-03,T1,600,Acme\n"
        "A Council,,T2,250.50,Acme\n"
        "A Council,2024-05-03,T3,12.5O,Acme\n"
        "A Council,2024-05-03,T4,,Acme\n"
    )
    assert parsed.money is not None
    assert (parsed.money.read_pence, parsed.money.rejected_pence) == (85050, 25050)
    assert parsed.money.unreadable_rows == 1
    assert parsed.loaded_pence == 60000
    _reconciles(parsed)


# ---------------------------------------------------------------- short and long rows


def test_a_short_row_in_the_middle_is_rejected_even_with_its_required_fields_filled() -> None:
    parsed = _parse(
        HEADER.rstrip("\n") + ",Purpose\n"
        "A Council,2024-05-03,T1,600,Acme,\n"
        "A Council,2024-05-03,T2,700,Acme\n"
        "A Council,2024-05-03,T3,800,Acme,Rent\n"
    )
    assert _problems(parsed) == [(3, None, "has 5 of 6 fields")]
    assert parsed.frames[0][1]["transaction_id"].tolist() == ["T1", "T3"]
    _reconciles(parsed)


def test_a_cut_off_last_row_is_rejected_as_cut_off() -> None:
    parsed = _parse(
        HEADER.rstrip("\n") + ",Purpose\n"
        "A Council,2024-05-03,T1,600,Acme,Rent\n"
        "A Council,2024-05-03,T2,700,Acm"
    )
    assert _problems(parsed) == [(3, None, "has 5 of 6 fields: the file looks cut off")]
    _reconciles(parsed)


def test_a_file_cut_inside_a_quoted_value_rejects_only_its_last_row() -> None:
    parsed = _parse(
        HEADER + 'A Council,2024-05-03,T1,600,Acme\nA Council,2024-05-03,T2,700,"Acme, L'
    )
    assert _problems(parsed) == [(3, None, "ends inside a quoted value: the file looks cut off")]
    assert parsed.frames[0][1]["transaction_id"].tolist() == ["T1"]


def test_long_rows_are_rejected_naming_the_extra_values() -> None:
    parsed = _parse(
        HEADER + "A Council,2024-05-03,T1,600,Acme,stray\n"
        "A Council,2024-05-03,T2,700,Acme\n"
        "A Council,2024-05-03,T3,800,Acme,x,y,z,w\n"
    )
    assert _problems(parsed) == [
        (2, None, "has 6 fields where the header has 5 (beyond the last column: 'stray')"),
        (
            4,
            None,
            "has 9 fields where the header has 5 (beyond the last column: 'x', 'y', 'z', ...)",
        ),
    ]
    # The first row's extra field must not turn the first column into an index.
    assert parsed.frames[0][1]["body_name"].tolist() == ["A Council"]
    _reconciles(parsed)


def test_blank_fields_beyond_the_header_lose_nothing_and_are_a_warning() -> None:
    parsed = _parse(HEADER + "A Council,2024-05-03,T1,600,Acme,\nA Council,2024-05-03,T2,7,Acme\n")
    assert _problems(parsed) == []
    [warning] = [w for w in parsed.warnings if w.kind == "ragged-row"]
    assert (warning.rows, [row for row, _ in warning.examples]) == (1, [2])


def test_read_csv_frame_counts_fields_only_outside_quoted_values() -> None:
    text = 'a,b,c\n1,"x, y",\n2,"say ""hi, there""",3\n4,5\n6,"7\n8",\n'
    frame = read_csv_frame(_source(text), keep_ragged_rows=True)
    assert frame["b"].tolist() == ["x, y", 'say "hi, there"', "5", "7\n8"]
    assert {i: (r.row_number, r.fields) for i, r in frame.attrs[RAGGED].items()} == {2: (4, 2)}
    assert frame[ROW].tolist() == [2, 3, 4, 5]


def test_read_csv_frame_without_keep_refuses_a_long_row_by_number() -> None:
    with pytest.raises(FileRejected) as caught:
        read_csv_frame(_source("a,b\n1,2\n3,4,5\n", "need.csv"))
    assert str(caught.value) == (
        "need.csv:3: is not a readable CSV file: it has 3 fields where the header has 2"
    )


def test_read_csv_frame_without_keep_reads_blank_fields_beyond_the_header() -> None:
    frame = read_csv_frame(_source("a,b\n1,2,\n3,4,\n", "need.csv"))
    assert frame[["a", "b"]].values.tolist() == [["1", "2"], ["3", "4"]]


def test_the_helper_rejects_ragged_rows_of_any_csv_frame() -> None:
    frame = read_csv_frame(_source("id,name,amount\nG1,x,1\nG2,y\n"), keep_ragged_rows=True)
    rejects, warnings = RejectCollector(frame), WarningCollector(frame)
    reject_ragged_rows(frame, rejects, warnings)
    records = rejects.records()
    assert records[["row_number", "reason"]].values.tolist() == [[3, "has 2 of 3 fields"]]
    assert warnings.warnings == []


# ---------------------------------------------------------------- period, detection


@pytest.mark.parametrize(
    ("name", "period"),
    [
        ("spend-2014-08.csv", "2014-08"),
        ("council_spend_201408.csv", "2014-08"),
        ("darlington-bc_spend_2014-06_odileeds-clean.csv", "2014-06"),
        ("spend_August_2014.csv", "2014-08"),
        ("payments-sep-2021.csv", "2021-09"),
        ("spend.csv", None),
        ("spend_2014-08_to_2014-09.csv", None),
    ],
)
def test_the_period_in_a_file_name(name: str, period: str | None) -> None:
    assert period_from_name(name) == period


DATELESS = "Body Name,Transaction Number,Net Amount,Supplier Name\nA Council,T1,600,Acme Ltd\n"


def test_a_dateless_file_is_refused_saying_how_to_name_its_period() -> None:
    with pytest.raises(FileRejected) as caught:
        _parse(DATELESS, "payments.csv")
    assert str(caught.value) == (
        "payments.csv: looks like a spend file, but has no column for a payment date or period; "
        "name the period with `--period 2014-08` or in the file's name"
    )


def test_period_option_dates_a_dateless_file_and_wins_over_the_name() -> None:
    parsed = _parse(DATELESS, "payments_2020-01.csv", Config(spend_period="2024-02"))
    frame = parsed.frames[0][1]
    assert [str(d) for d in frame["payment_date"]] == ["2024-02-29"]
    assert frame["financial_year"].tolist() == ["2023/24"]
    assert _messages(parsed, "period") == [
        "the file has no payment date column: every payment is dated 2024-02-29 "
        "(the end of 2024-02, from --period)"
    ]


def test_a_period_option_is_not_used_where_the_file_has_dates() -> None:
    parsed = _parse(
        HEADER + "A Council,2024-05-03,T1,600,Acme\n", config=Config(spend_period="2024-02")
    )
    assert [str(d) for d in parsed.frames[0][1]["payment_date"]] == ["2024-05-03"]
    assert _messages(parsed, "period") == [
        "--period 2024-02 was not used: the file has its own dates"
    ]


def test_detection_takes_a_dateless_spend_file_as_spend() -> None:
    assert detect_format(_source(DATELESS)).id == "spend-csv"


def test_detection_says_what_a_near_spend_file_lacks() -> None:
    with pytest.raises(FileRejected) as caught:
        detect_format(_source("Body Name,Payment Date,Net Amount\nA,2024-05-03,5\n", "p.csv"))
    assert str(caught.value) == (
        "p.csv: is not in a format the pipeline recognises: it looks like a spend file, but has "
        "no column for a supplier (or use --format to name a format)"
    )


def test_detection_of_a_file_close_to_nothing_keeps_the_plain_message() -> None:
    with pytest.raises(FileRejected) as caught:
        detect_format(_source("Name,Notes\nA,B\n", "notes.csv"))
    assert str(caught.value) == (
        "notes.csv: is not in a format the pipeline recognises (use --format to name one)"
    )


# ---------------------------------------------------------------- configuration


def test_licence_and_spend_publisher_come_only_from_the_configuration(tmp_path: Path) -> None:
    bare = tmp_path / "bare.toml"
    bare.write_text('[site]\nname = "X"\n', encoding="utf-8")
    assert (load_config(bare).default_licence, load_config(bare).spend_publisher) == (None, None)
    assert _parse(HEADER + "A Council,2024-05-03,T1,600,Acme\n").licence is None
    full = tmp_path / "full.toml"
    full.write_text(
        '[site]\nlicence = "Open Government Licence v3.0"\n[spend]\npublisher = "A Council"\n',
        encoding="utf-8",
    )
    config = load_config(full)
    assert (config.default_licence, config.spend_publisher) == (
        "Open Government Licence v3.0",
        "A Council",
    )
    assert _parse(HEADER + "A Council,2024-05-03,T1,600,Acme\n", config=config).licence == (
        "Open Government Licence v3.0"
    )


def test_the_shipped_configuration_documents_the_spend_publisher() -> None:
    text = (Path(__file__).resolve().parents[2] / "observatory.toml").read_text(encoding="utf-8")
    assert "[spend]" in text and "publisher" in text
