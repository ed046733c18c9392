"""Funding figures on empty and typical data."""

from __future__ import annotations

import pandas as pd

from figures.funding import funding_by_year_figure

COLUMNS = ["financial_year", "direction", "funder", "grants", "amount_pence"]


def test_funding_by_year_on_empty_data_draws_an_empty_chart() -> None:
    figure = funding_by_year_figure(pd.DataFrame(columns=COLUMNS), "light")
    assert figure.data == ()


def test_funding_by_year_stacks_funders_within_each_direction() -> None:
    data = pd.DataFrame(
        [
            ("2023/24", "awarded", "The Council", 3, 150_000),
            ("2023/24", "received", "National Fund", 1, 500_000),
            ("2024/25", "awarded", "The Council", 2, 90_050),
        ],
        columns=COLUMNS,
    )
    figure = funding_by_year_figure(data, "dark")
    council = [t for t in figure.data if t.name == "The Council"]
    assert len(council) == 1
    assert list(council[0].y) == [1500.0, 900.5]
    assert list(council[0].x[0]) == ["2023/24", "2024/25"]
    assert figure.layout.barmode == "stack"
    assert figure.layout.template.layout.paper_bgcolor is not None
    assert [t.showlegend for t in figure.data] == [True, True]
