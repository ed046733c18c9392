"""What a chart's downloads say about themselves (figures.provenance): the period its rows cover,
the card's line, the image footer and the CSV's opening lines, read back by csv and pandas."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pandas as pd

from figures.provenance import (
    ChartProvenance,
    covers_text,
    csv_with_provenance,
    period_covered,
    provenance_rows,
    table_rows,
)

LOADED = datetime(2026, 12, 6, 9, 30)


def facts(period: str | None = "April 2019 – March 2025", filters: str = "") -> ChartProvenance:
    return ChartProvenance(
        title="Grants awarded, by year",
        units="£ per financial year",
        source="360Giving grants",
        licence="Open Government Licence v3.0",
        period=period,
        loaded=LOADED,
        url="https://observatory.example/funding#card-funding-by-year",
        filters=filters,
    )


def test_financial_years_cover_april_of_the_first_to_march_after_the_last() -> None:
    data = pd.DataFrame({"financial_year": ["2021/22", "2019/20", "2024/25", None]})
    assert period_covered(data) == "April 2019 – March 2025"


def test_calendar_quarters_cover_their_months() -> None:
    data = pd.DataFrame({"quarter": ["2022-Q2", "2025-Q1", "2023-Q4"]})
    assert period_covered(data) == "April 2022 – March 2025"


def test_rows_without_dates_cover_the_years_chosen_in_the_filters() -> None:
    data = pd.DataFrame({"topic": ["Air quality"]})
    assert period_covered(data, "2023/24", "2024/25") == "April 2023 – March 2025"
    assert period_covered(data, "2023/24") == "April 2023 onwards"
    assert period_covered(data, None, "2022/23") == "up to March 2023"


def test_rows_without_dates_cover_no_stated_period() -> None:
    assert period_covered(pd.DataFrame({"topic": ["Air quality"]})) is None
    assert period_covered(pd.DataFrame({"financial_year": []})) is None


def test_the_card_says_the_period_and_the_load() -> None:
    assert covers_text("April 2019 – March 2025", LOADED) == (
        "Covers April 2019 – March 2025; loaded 6 Dec 2026"
    )
    assert covers_text(None, None) == "Covers all years held; loaded never"


def test_the_image_footer_names_source_licence_period_load_filters_and_address() -> None:
    assert facts(filters="fy_from=2021/22").footer() == (
        "Source: 360Giving grants; licence Open Government Licence v3.0; data to March 2025, "
        "loaded 6 Dec 2026; filters fy_from=2021/22; "
        "https://observatory.example/funding#card-funding-by-year"
    )
    assert "data to" not in facts(period=None).footer()


def test_the_csv_opens_with_its_facts_and_every_reader_finds_the_table() -> None:
    table = pd.DataFrame(
        {
            "Funder": ["Fund #2, Ltd", 'The "Q" Trust'],
            "Grants": [3, 4],
            "Amount (£)": ["1200.50", "30.00"],
        }
    )
    text = csv_with_provenance(facts(filters="funder=A,B"), table)
    assert text.startswith("\ufeff# Title,")
    assert provenance_rows(text) == {
        "Title": "Grants awarded, by year",
        "Units": "£ per financial year",
        "Source": "360Giving grants",
        "Licence": "Open Government Licence v3.0",
        "Period": "April 2019 – March 2025",
        "Loaded": "6 Dec 2026",
        "Filters": "funder=A,B",
        "URL": "https://observatory.example/funding#card-funding-by-year",
    }
    # The csv module: the facts are two-cell rows starting with "#", then a blank row.
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert all(row[0].startswith("# ") and len(row) == 2 for row in rows[:8])
    assert rows[8] == []
    assert table_rows(text) == [
        ["Funder", "Grants", "Amount (£)"],
        ["Fund #2, Ltd", "3", "1200.50"],
        ['The "Q" Trust', "4", "30.00"],
    ]
    # pandas skips the facts with comment="#", keeps a quoted "#" and reads numbers as numbers.
    read = pd.read_csv(io.BytesIO(text.encode("utf-8")), comment="#")
    assert read["Funder"].tolist() == ["Fund #2, Ltd", 'The "Q" Trust']
    assert read["Grants"].tolist() == [3, 4]
    assert read["Amount (£)"].tolist() == [1200.5, 30.0]


def test_a_value_that_would_run_in_a_spreadsheet_is_escaped_by_the_given_cell_rule() -> None:
    text = csv_with_provenance(
        facts(filters="=HYPERLINK(1)"), pd.DataFrame({"a": [1]}), cell=lambda v: "'" + v
    )
    assert provenance_rows(text)["Filters"] == "'=HYPERLINK(1)"
