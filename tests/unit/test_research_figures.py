"""Research library figures on empty and typical data."""

from __future__ import annotations

import pandas as pd

from figures.charts import REGISTRY
from figures.registry import records_counted
from figures.research import DARK_LEVEL_COLOURS, LEVEL_COLOURS, projects_by_year_figure

COLUMNS = ["financial_year", "participation_level", "projects"]


def test_projects_by_year_on_empty_data_draws_an_empty_chart() -> None:
    figure = projects_by_year_figure(pd.DataFrame(columns=COLUMNS), "light")
    assert figure.data == ()


def test_projects_by_year_stacks_levels_in_ladder_order_with_years_in_order() -> None:
    data = pd.DataFrame(
        [
            ("2024/25", "community-led", 2),
            ("2023/24", "consult", 3),
            ("2024/25", "consult", 1),
            ("2023/24", "not recorded", 4),
            ("2023/24", "peer-led", 1),
        ],
        columns=COLUMNS,
    )
    figure = projects_by_year_figure(data, "dark")
    assert [t.name for t in figure.data] == ["Consult", "Community-led", "Not recorded", "Peer-led"]
    consult = figure.data[0]
    assert list(consult.x) == ["2023/24", "2024/25"]
    assert list(consult.y) == [3, 1]
    assert consult.marker.color == DARK_LEVEL_COLOURS["consult"]
    assert figure.data[2].marker.color == DARK_LEVEL_COLOURS["not recorded"]
    assert figure.layout.barmode == "stack"
    assert list(figure.layout.xaxis.categoryarray) == ["2023/24", "2024/25"]
    assert figure.layout.template.layout.paper_bgcolor is not None
    assert "projects" in figure.data[0].hovertemplate


def test_the_chart_counts_projects_and_lives_on_the_research_page() -> None:
    chart = REGISTRY["research-projects-by-year"]
    assert chart.page == "/research"
    data = pd.DataFrame([("2023/24", "consult", 3), ("2024/25", "involve", 2)], columns=COLUMNS)
    assert records_counted(chart, data) == 5


def test_the_dark_theme_has_its_own_ramp() -> None:
    data = pd.DataFrame([("2023/24", "community-led", 1)], columns=COLUMNS)
    light = projects_by_year_figure(data, "light").data[0].marker.color
    dark = projects_by_year_figure(data, "dark").data[0].marker.color
    assert (light, dark) == (LEVEL_COLOURS["community-led"], DARK_LEVEL_COLOURS["community-led"])
