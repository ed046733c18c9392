"""The overview's trend line: one point per year, the first and last years on its axis with
their values written at their points, the selected year marked."""

from __future__ import annotations

import pandas as pd

from figures.headlines import trend_sparkline
from figures.style import pounds


def test_sparkline_of_no_years_has_no_trace() -> None:
    figure = trend_sparkline(pd.DataFrame(columns=["financial_year", "value"]), "light", None)
    assert figure.data == ()


def test_sparkline_marks_the_selected_year_and_shows_the_first_and_last_years() -> None:
    data = pd.DataFrame({"financial_year": ["2022/23", "2023/24", "2024/25"], "value": [3, 5, 4]})
    figure = trend_sparkline(data, "dark", "2023/24")
    (line,) = figure.data
    assert list(line.x) == ["2022/23", "2023/24", "2024/25"]
    assert list(line.y) == [3.0, 5.0, 4.0]
    sizes = list(line.marker.size)
    assert sizes[1] > max(sizes[0], sizes[2])  # the selected year stands out
    assert figure.layout.xaxis.visible is not False
    assert list(figure.layout.xaxis.tickvals) == ["2022/23", "2024/25"]
    assert figure.layout.template != trend_sparkline(data, "light", "2023/24").layout.template


def test_sparkline_writes_the_first_and_last_values_with_their_unit() -> None:
    data = pd.DataFrame(
        {"financial_year": ["2021/22", "2022/23", "2023/24"], "value": [0, 9_500_000, 2_812_000]}
    )
    (line,) = trend_sparkline(data, "light", "2023/24", pounds).data
    assert list(line.text) == ["£0", "", "£28.1k"]
    # Each label sits on the side away from its neighbour, so the line never runs through it:
    # the first point's neighbour is higher (label below), the last's is higher (label below).
    assert line.textposition[0] == "bottom right"
    assert line.textposition[-1] == "bottom left"
    rising = trend_sparkline(data.iloc[:2], "light", None, pounds).data[0]
    assert list(rising.textposition) == ["bottom right", "top left"]
