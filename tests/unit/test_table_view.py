"""A chart's table and CSV read as pounds under plain headings, row for row with the query."""

from __future__ import annotations

import pandas as pd

from figures.table_view import heading, readable_table


def test_headings_are_plain_words_and_pence_columns_say_pounds() -> None:
    assert heading("financial_year") == "Financial year"
    assert heading("amount_pence") == "Amount (£)"
    assert heading("grants") == "Grants"
    assert heading("share_pct") == "Share (%)"


def test_money_is_shown_in_pounds_and_other_columns_are_kept() -> None:
    data = pd.DataFrame(
        {"funder": ["A", "B"], "grants": [3, 1], "amount_pence": [123456, 5], "share": [0.5, 0.25]}
    )
    table = readable_table(data)
    assert list(table.columns) == ["Funder", "Grants", "Amount (£)", "Share"]
    assert table["Amount (£)"].tolist() == ["1234.56", "0.05"]
    assert table["Grants"].tolist() == [3, 1]
    assert table["Share"].tolist() == [0.5, 0.25]


def test_an_empty_query_gives_an_empty_table_with_headings() -> None:
    table = readable_table(pd.DataFrame(columns=["financial_year", "amount_pence"]))
    assert table.empty
    assert list(table.columns) == ["Financial year", "Amount (£)"]


def test_a_missing_amount_stays_blank() -> None:
    table = readable_table(pd.DataFrame({"amount_pence": [None, 100]}))
    assert table["Amount (£)"].tolist() == ["", "1.00"]
