"""Spend figures on empty and typical data; suppressed totals are never drawn."""

from __future__ import annotations

import pandas as pd

from figures.charts import REGISTRY
from figures.registry import records_counted
from figures.spend import OTHER_SERVICES, spend_by_service_figure, spend_by_year_figure
from figures.summaries import summarise

BY_YEAR = ["financial_year", "payer", "payments", "amount_pence"]
BY_SERVICE = ["service", "payments", "amount_pence"]
SUPPRESSED = "fewer than 5"


def test_by_year_on_empty_data_draws_nothing() -> None:
    assert spend_by_year_figure(pd.DataFrame(columns=BY_YEAR), "light").data == ()


def test_by_year_stacks_each_paying_body_in_pounds_and_leaves_out_suppressed_totals() -> None:
    data = pd.DataFrame(
        [
            ("2023/24", "Test Council", 6, 360_000),
            ("2023/24", "Test ICB", SUPPRESSED, None),
            ("2024/25", "Test Council", 8, 710_000),
            ("2024/25", "Test ICB", 5, 400_000),
        ],
        columns=BY_YEAR,
    )
    figure = spend_by_year_figure(data, "dark")
    council, icb = figure.data
    assert council.name == "Test Council" and list(council.y) == [3_600.0, 7_100.0]
    assert list(icb.x) == ["2024/25"] and list(icb.y) == [4_000.0]
    assert list(icb.customdata) == [5]
    assert figure.layout.barmode == "stack"
    assert list(figure.layout.xaxis.categoryarray) == ["2023/24", "2024/25"]
    assert "payments" in council.hovertemplate
    assert records_counted(REGISTRY["spend-by-year"], data) == 19


def test_by_year_with_every_total_suppressed_draws_nothing() -> None:
    data = pd.DataFrame([("2024/25", "Test Council", SUPPRESSED, None)], columns=BY_YEAR)
    assert spend_by_year_figure(data, "light").data == ()
    assert records_counted(REGISTRY["spend-by-year"], data) == 0


def test_by_service_on_empty_data_draws_nothing() -> None:
    assert spend_by_service_figure(pd.DataFrame(columns=BY_SERVICE), "light").data == ()


def test_by_service_draws_largest_at_the_top_other_services_last_and_no_suppressed() -> None:
    data = pd.DataFrame(
        [
            ("Public Health", 9, 570_000),
            (OTHER_SERVICES, 12, 650_000),
            ("Housing", 5, 500_000),
            ("Libraries", SUPPRESSED, None),
        ],
        columns=BY_SERVICE,
    )
    figure = spend_by_service_figure(data, "light")
    (bars,) = figure.data
    assert list(bars.y) == ["Public Health", "Housing", OTHER_SERVICES]
    assert list(bars.x) == [5_700.0, 5_000.0, 6_500.0]
    assert [a.text for a in figure.layout.annotations] == [
        "Public Health · <b>£5,700</b>",
        "Housing · <b>£5,000</b>",
        f"{OTHER_SERVICES} · <b>£6,500</b>",
    ]
    # Plotly draws the first category at the bottom: the array runs bottom to top.
    assert list(figure.layout.yaxis.categoryarray) == [OTHER_SERVICES, "Housing", "Public Health"]
    assert "Libraries" not in list(bars.y)
    assert records_counted(REGISTRY["spend-by-service"], data) == 26


def test_long_service_names_are_shortened_in_the_label_but_whole_in_the_hover() -> None:
    long_name = "Directorate of Communities, Neighbourhoods and Inclusive Growth"
    data = pd.DataFrame([(long_name, 7, 100_000)], columns=BY_SERVICE)
    figure = spend_by_service_figure(data, "light")
    (label,) = figure.layout.annotations
    assert label.text.startswith("Directorate of Communities") and "…" in label.text
    assert figure.data[0].y[0] == long_name


def test_each_chart_says_what_it_counts_and_sums_up_in_words() -> None:
    for chart_id in ("spend-by-year", "spend-by-service"):
        chart = REGISTRY[chart_id]
        assert chart.page == "/spend" and chart.count_column == "payments"
        assert "fewer than 5" in chart.description.lower()
        assert "Transparency Code" in chart.source
    data = pd.DataFrame(
        [("2023/24", "Test Council", 6, 360_000), ("2024/25", "Test Council", 8, 710_000)],
        columns=BY_YEAR,
    )
    assert "2023/24" in summarise(REGISTRY["spend-by-year"], data)
