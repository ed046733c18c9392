"""The plain-English sentence under each chart: one generic rule per shape of data, and the
charts' own sentences where adding up would mislead."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import plotly.graph_objects as go
import pytest

from figures.charts import REGISTRY
from figures.registry import Chart
from figures.summaries import (
    NO_DATA,
    funding_by_year_summary,
    generic_summary,
    status_count_summary,
    summarise,
    words,
)


def _chart(count_column: str | None = None, summary: object = None) -> Chart:
    return Chart(
        chart_id="test",
        title="Test",
        description="A test chart",
        units="things",
        source="tests",
        page="/test",
        build=lambda data, theme: go.Figure(),
        count_column=count_column,
        summary=summary,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("chart_id", sorted(REGISTRY))
def test_every_registered_chart_says_so_when_nothing_matches(chart_id: str) -> None:
    assert summarise(REGISTRY[chart_id], pd.DataFrame()) == NO_DATA


def test_money_over_years_rises_from_the_first_year_to_the_last() -> None:
    data = pd.DataFrame(
        {
            "financial_year": ["2024/25", "2021/22", "2022/23", "2022/23"],
            "funder": ["A", "A", "A", "B"],
            "grants": [4, 2, 1, 1],
            "amount_pence": [190_000_000, 120_000_000, 50_000_000, 25_000_000],
        }
    )
    assert generic_summary(_chart("grants"), data) == (
        "Grants rose from £1.20m in 2021/22 to £1.90m in 2024/25."
    )


def test_a_peak_between_the_first_and_last_year_is_named() -> None:
    data = pd.DataFrame(
        {"financial_year": ["2021/22", "2022/23", "2023/24"], "projects": [10, 30, 5]}
    )
    assert generic_summary(_chart("projects"), data) == (
        "The number of projects fell from 10 in 2021/22 to 5 in 2023/24, "
        "with a peak of 30 in 2022/23."
    )


def test_one_year_and_an_unchanged_figure_read_naturally() -> None:
    one = pd.DataFrame({"financial_year": ["2024/25"], "events": [3]})
    assert generic_summary(_chart("events"), one) == "The number of events stood at 3 in 2024/25."
    same = pd.DataFrame({"financial_year": ["2023/24", "2024/25"], "events": [3, 3]})
    assert generic_summary(_chart("events"), same) == (
        "The number of events was the same, 3, in 2023/24 and in 2024/25."
    )


def test_shares_per_year_are_percentages_not_sums() -> None:
    fraction = pd.DataFrame(
        {"financial_year": ["2022/23", "2023/24"], "commissions": [10, 20], "share": [0.25, 0.4]}
    )
    assert generic_summary(_chart("commissions"), fraction) == (
        "The share rose from 25% in 2022/23 to 40% in 2023/24."
    )
    percent = pd.DataFrame(
        {"financial_year": ["2022/23", "2023/24"], "events": [4, 5], "done_pct": [50.0, 20.0]}
    )
    assert generic_summary(_chart("events"), percent) == (
        "The share fell from 50% in 2022/23 to 20% in 2023/24."
    )


def test_a_share_named_in_the_title_is_named_in_the_sentence() -> None:
    chart = replace(_chart("events"), title="Share of events that were accredited, by year")
    data = pd.DataFrame({"financial_year": ["2023/24"], "events": [4], "share_pct": [25.0]})
    assert generic_summary(chart, data) == (
        "The share of events that were accredited stood at 25% in 2023/24."
    )


def test_medians_per_year_are_days() -> None:
    data = pd.DataFrame(
        {
            "financial_year": ["2022/23", "2023/24"],
            "median_days": [60.0, 69.5],
            "commissions": [3, 4],
        }
    )
    assert generic_summary(_chart("commissions"), data) == (
        "The median rose from 60 days in 2022/23 to 69.5 days in 2023/24."
    )


def test_medians_by_category_give_the_latest_period_spread_and_skip_suppressed() -> None:
    data = pd.DataFrame(
        {
            "quarter": ["2024-Q4", "2025-Q1", "2025-Q1", "2025-Q1"],
            "provider": ["A", "A", "Peer-network", "C"],
            "payments": ["12", "9", "14", "fewer than 5"],
            "median_days_to_pay": ["40.0", "21.0", "3.0", ""],
        }
    )
    assert generic_summary(_chart("payments"), data) == (
        "In 2025-Q1, the median ranged from 3 days (Peer network) to 21 days (A)."
    )


def test_suppressed_counts_make_a_total_a_lower_bound() -> None:
    data = pd.DataFrame(
        {
            "quarter": ["2024-Q4", "2024-Q4", "2025-Q1"],
            "method": ["cash", "voucher", "cash"],
            "payments": ["fewer than 5", "7", "9"],
        }
    )
    assert generic_summary(_chart("payments"), data) == (
        "The number of payments rose from at least 7 in 2024-Q4 to at least 9 in 2025-Q1."
    )


def test_categories_without_time_name_the_largest_and_its_part() -> None:
    money = pd.DataFrame(
        {"recipient": ["Alder", "Birch", "Alder"], "amount_pence": [30_000, 10_000, 10_000]}
    )
    assert generic_summary(_chart(), money) == (
        "Alder accounts for the largest amount: £400 of £500 (80%)."
    )
    counts = pd.DataFrame({"band": ["Within 6 months", "1–2 years"], "citations": [3, 9]})
    assert generic_summary(_chart("citations"), counts) == (
        "1–2 years accounts for the most citations: 9 of 12 (75%)."
    )


def test_numbered_categories_are_named_with_their_column() -> None:
    data = pd.DataFrame({"decile": [1, 2], "grants": [3, 1], "amount_pence": [20_000, 60_000]})
    assert generic_summary(_chart("grants"), data) == (
        "Decile 2 accounts for the largest amount: £600 of £800 (75%)."
    )


def test_a_chart_s_own_sentence_wins() -> None:
    chart = _chart("grants", summary=lambda data: f"{len(data)} rows, said my way.")
    data = pd.DataFrame({"financial_year": ["2024/25"], "grants": [1]})
    assert summarise(chart, data) == "1 rows, said my way."


def test_funding_by_year_tells_awards_and_receipts_apart() -> None:
    data = pd.DataFrame(
        {
            "financial_year": ["2021/22", "2024/25", "2021/22", "2024/25", "2024/25"],
            "direction": ["awarded", "awarded", "received", "received", "external"],
            "funder": ["Council", "Council", "Trust", "Trust", "Lottery"],
            "grants": [5, 6, 1, 1, 40],
            "amount_pence": [120_000_000, 190_000_000, 50_000_000, 20_000_000, 900_000_000],
        }
    )
    assert funding_by_year_summary(data) == (
        "Awards rose from £1.20m in 2021/22 to £1.90m in 2024/25. "
        "Receipts fell from £500.0k in 2021/22 to £200.0k in 2024/25."
    )
    external_only = data[data["direction"] == "external"]
    assert funding_by_year_summary(external_only) == "Grants stood at £9.00m in 2024/25."
    assert REGISTRY["funding-by-year"].summary is funding_by_year_summary


def test_recommendations_are_counted_by_status_in_the_order_work_moves() -> None:
    data = pd.DataFrame(
        {
            "workstream": ["One", "One", "Two", "Two"],
            "workstream_number": [1, 1, 2, 2],
            "status": ["in_progress", "achieved", "in_progress", "not_started"],
            "recommendations": [2, 1, 3, 1],
        }
    )
    assert status_count_summary(data) == (
        "Of 7 recommendations, 1 achieved, 5 in progress, 1 not started."
    )
    assert REGISTRY["recommendations-progress"].summary is status_count_summary


def test_codes_read_as_words() -> None:
    assert words("bank-transfer") == "bank transfer"
    assert words("in_progress") == "in progress"
