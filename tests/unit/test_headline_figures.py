"""The overview's trend line: one point per year, the selected year marked, axes hidden."""

from __future__ import annotations

import pandas as pd

from figures.headlines import trend_sparkline


def test_sparkline_of_no_years_has_no_trace() -> None:
    figure = trend_sparkline(pd.DataFrame(columns=["financial_year", "value"]), "light", None)
    assert figure.data == ()


def test_sparkline_marks_only_the_selected_year() -> None:
    data = pd.DataFrame({"financial_year": ["2022/23", "2023/24", "2024/25"], "value": [3, 5, 4]})
    figure = trend_sparkline(data, "dark", "2023/24")
    (line,) = figure.data
    assert list(line.x) == ["2022/23", "2023/24", "2024/25"]
    assert list(line.y) == [3.0, 5.0, 4.0]
    assert list(line.marker.size) == [0, 9, 0]
    assert figure.layout.xaxis.visible is False
    assert figure.layout.template != trend_sparkline(data, "light", "2023/24").layout.template
