"""Commissioning figures on empty and typical data, and the contracts table's rows."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from components.views import contracts_table
from figures.charts import REGISTRY
from figures.commissioning import (
    collaborative_share_figure,
    days_to_award_figure,
    pipeline_figure,
    routes_figure,
)
from figures.registry import records_counted
from warehouse.queries.commissioning import CONTRACT_SORTS

PIPELINE = ["stage", "commissions", "value_pence"]
ROUTES = ["financial_year", "route", "commissions", "value_pence"]
SHARE = ["financial_year", "commissions", "with_condition", "share"]
DAYS = ["financial_year", "median_days", "commissions", "shortest_days", "longest_days"]


@pytest.mark.parametrize(
    ("build", "columns"),
    [
        (pipeline_figure, PIPELINE),
        (routes_figure, ROUTES),
        (collaborative_share_figure, SHARE),
        (days_to_award_figure, DAYS),
    ],
)
def test_empty_data_draws_an_empty_chart(build: object, columns: list[str]) -> None:
    figure = build(pd.DataFrame(columns=columns), "light")  # type: ignore[operator]
    assert figure.data == ()


def test_pipeline_draws_stages_in_pipeline_order_with_counts_and_pounds() -> None:
    data = pd.DataFrame(
        [("tender", 3, 1_250_000), ("contract", 1, 120_000_000), ("award", 0, 0)],
        columns=PIPELINE,
    )
    figure = pipeline_figure(data, "dark")
    (bars,) = figure.data
    assert list(bars.y) == [
        "<b>Tender</b><br>3 commissions",
        "<b>Award</b><br>0 commissions",
        "<b>Contract</b><br>1 commission",
    ]
    assert list(bars.x) == [12_500.0, 0.0, 1_200_000.0]
    assert list(bars.text) == ["£12.5k", "£0", "£1.20m"]
    assert figure.layout.yaxis.autorange == "reversed"
    assert "£1.00m" in figure.layout.xaxis.ticktext
    assert figure.layout.template.layout.paper_bgcolor is not None


def test_pipeline_puts_implementation_last_and_unknown_stages_after_it() -> None:
    data = pd.DataFrame(
        [("cancelled", 1, 10), ("implementation", 4, 400), ("planning", 2, 20)],
        columns=PIPELINE,
    )
    labels = list(pipeline_figure(data, "light").data[0].y)
    assert labels == [
        "<b>Planning</b><br>2 commissions",
        "<b>Implementation</b><br>4 commissions",
        "<b>Cancelled</b><br>1 commission",
    ]


def test_routes_stack_pounds_per_year_with_one_colour_per_route() -> None:
    data = pd.DataFrame(
        [
            ("2022/23", "pooled", 2, 750_000),
            ("2023/24", "contract", 3, 510_000),
            ("2023/24", "participatory", 1, 20_000),
            ("2023/24", "pooled", 1, 100),
        ],
        columns=ROUTES,
    )
    figure = routes_figure(data, "light")
    assert [trace.name for trace in figure.data] == ["Contract", "Participatory", "Pooled"]
    pooled = figure.data[2]
    assert list(pooled.x) == ["2022/23", "2023/24"]
    assert list(pooled.y) == [7_500.0, 1.0]
    assert list(pooled.customdata) == [2, 1]
    contract = figure.data[0]
    assert contract.y[0] != contract.y[0]  # no contract in 2022/23: a gap, not zero
    assert figure.layout.barmode == "stack"
    assert len({trace.marker.color for trace in figure.data}) == 3


def test_collaborative_share_in_percent_with_the_overall_share() -> None:
    data = pd.DataFrame(
        [("2022/23", 2, 1, 0.5), ("2023/24", 4, 1, 0.25)],
        columns=SHARE,
    )
    figure = collaborative_share_figure(data, "light")
    (bars,) = figure.data
    assert list(bars.y) == [50.0, 25.0]
    assert list(bars.text) == ["50%", "25%"]
    assert [list(row) for row in bars.customdata] == [[1, 2], [1, 4]]
    (line,) = figure.layout.shapes
    assert line.y0 == pytest.approx(100 * 2 / 6)
    assert "33% (2 of 6)" in figure.layout.annotations[0].text


def test_days_to_award_labels_each_median_with_its_n() -> None:
    data = pd.DataFrame(
        [("2022/23", 75.0, 1, 75, 75), ("2023/24", 34.5, 4, 20, 60)],
        columns=DAYS,
    )
    figure = days_to_award_figure(data, "dark")
    (bars,) = figure.data
    assert list(bars.y) == [75.0, 34.5]
    assert list(bars.text) == ["75 days<br>n = 1", "34.5 days<br>n = 4"]
    assert figure.layout.yaxis.range[1] == pytest.approx(75 * 1.3)


def test_cards_count_commissions() -> None:
    chart = REGISTRY["commissioning-days-to-award"]
    data = pd.DataFrame([("2022/23", 75.0, 1, 75, 75), ("2023/24", 34.5, 4, 20, 60)], columns=DAYS)
    assert records_counted(chart, data) == 5
    for chart_id in (
        "commissioning-pipeline",
        "commissioning-routes",
        "commissioning-collaborative-share",
        "commissioning-days-to-award",
    ):
        assert REGISTRY[chart_id].page == "/commissioning"


def test_every_sortable_contracts_column_sorts_in_sql() -> None:
    keys = {column.key for column in contracts_table.COLUMNS if column.sortable}
    assert keys <= set(CONTRACT_SORTS)


def test_contract_rows_show_pounds_estimates_dates_and_conditions() -> None:
    rows = contracts_table.contract_rows(
        [
            {
                "ocid": "ocds-x-1",
                "title": "Peer research",
                "stage": "award",
                "route": "in-kind",
                "procurement_method": "open",
                "cpv_code": "73110000",
                "cpv_description": "Research services",
                "supplier_names": "One;Two",
                "value_pence": 123_456_78,
                "value_is_estimate": True,
                "currency": "GBP",
                "award_date": date(2024, 3, 9),
                "has_collaboration_condition": True,
            },
            {"ocid": "ocds-x-2", "value_pence": 99_900, "currency": "EUR", "award_date": None},
        ]
    )
    first = str(rows[0])
    assert "£123,457" in first and "(estimate)" in first
    assert "9 Mar 2024" in first and "One; Two" in first and "In-kind" in first
    assert "Collaborative-working condition" in first
    second = str(rows[1])
    assert "999 EUR" in second and "Collaborative-working condition" not in second
    assert contracts_table.summary_text(20, 20, 214) == "Rows 21–40 of 214 contracts and awards"
    assert contracts_table.summary_text(0, 0, 0).startswith("No contracts")
